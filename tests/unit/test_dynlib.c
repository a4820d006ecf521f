/*
 * au_dynlib_load: a library that loads gives working functions; a missing
 * library or symbol is -ENOENT with a message naming the library, why, and
 * the package to install; the first outcome sticks. Also loads the
 * optional libraries the binary uses (GObject, libpq, libsoup, libnotify): their
 * packages are installed wherever the tests run, and a symbol our headers
 * declare but the installed library lacks would show here first.
 */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "dynlib.h"

int au_pq_load(au_err *err);
int au_soup_load(au_err *err);
int au_notify_lib_load(au_err *err);

int main(void)
{
	au_err err = {{0}};

	static const char *const m_names[] = {"libm.so.6", NULL};
	static const char *const m_syms[] = {"sqrt", "hypot", NULL};
	void *m_fns[2];
	au_dynlib m = {.name = "libm", .package = "libc6", .sonames = m_names, .symbols = m_syms, .fns = m_fns};
	CHECK_INT(au_dynlib_load(&m, &err), 0);
	CHECK(((double (*)(double))m_fns[0])(16.0) == 4.0);
	CHECK(((double (*)(double, double))m_fns[1])(3.0, 4.0) == 5.0);
	CHECK_INT(au_dynlib_load(&m, &err), 0); /* once */

	static const char *const gone_names[] = {"libaiusage-absent.so.7", "libaiusage-absent.so.6", NULL};
	static const char *const gone_syms[] = {"f", NULL};
	void *gone_fns[1];
	au_dynlib gone = {.name = "libabsent (a test)", .package = "libabsent7", .sonames = gone_names,
			  .symbols = gone_syms, .fns = gone_fns};
	CHECK_INT(au_dynlib_load(&gone, &err), -ENOENT);
	CHECK(strstr(err.msg, "libabsent (a test) could not be loaded (") == err.msg);
	CHECK(strstr(err.msg, "libaiusage-absent.so.6") != NULL); /* dlerror of the last one tried */
	CHECK(strstr(err.msg, "; on Debian: apt-get install libabsent7") != NULL);
	memset(&err, 0, sizeof(err));
	CHECK_INT(au_dynlib_load(&gone, &err), -ENOENT); /* the first outcome sticks */
	CHECK(strstr(err.msg, "apt-get install libabsent7") != NULL);

	static const char *const nosym[] = {"sqrt", "au_no_such_function", NULL};
	void *nosym_fns[2];
	au_dynlib partial = {.name = "libm", .package = "libc6", .sonames = m_names, .symbols = nosym,
			     .fns = nosym_fns};
	CHECK_INT(au_dynlib_load(&partial, &err), -ENOENT);
	CHECK_STR(err.msg, "libm could not be loaded (libm.so.6 has no au_no_such_function); "
			   "on Debian: apt-get install libc6");

	CHECK_INT(au_gobject_load(&err), 0);
	CHECK_INT(au_pq_load(&err), 0);
	CHECK_INT(au_soup_load(&err), 0);
	CHECK_INT(au_notify_lib_load(&err), 0);
	return check_done("test_dynlib");
}

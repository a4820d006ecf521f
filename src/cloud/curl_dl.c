/*
 * libcurl, loaded when the first HTTP request is made rather than at every
 * start: linked directly, libcurl and the ~25 libraries it pulls in (TLS,
 * Kerberos, LDAP, SSH...) cost each `aiusage daily` several milliseconds of
 * loading, for a feature most runs never use. These definitions stand in
 * for the few libcurl calls src/cloud.c makes and forward to the real
 * library through dlsym; au_curl_load says clearly when it is missing.
 */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <glib.h>
#include <stdarg.h>

#include "util.h"

int au_curl_load(au_err *err);

static struct {
	void *lib;
	char error[256];
	CURLcode (*global_init)(long);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void (*easy_cleanup)(CURL *);
	const char *(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
	time_t (*getdate)(const char *, const time_t *);
} C;

static void load(void)
{
	static const char *const names[] = {"libcurl.so.4", "libcurl-gnutls.so.4", "libcurl-nss.so.4"};
	for (size_t i = 0; i < G_N_ELEMENTS(names) && !C.lib; i++)
		C.lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (!C.lib) {
		const char *e = dlerror();
		g_strlcpy(C.error, e ? e : "not found", sizeof(C.error));
		return;
	}
#define SYM(field, name)                                        \
	if (!(*(void **)&C.field = dlsym(C.lib, name))) {       \
		g_strlcpy(C.error, "missing " name, sizeof(C.error)); \
		dlclose(C.lib);                                 \
		C.lib = NULL;                                   \
		return;                                         \
	}
	SYM(global_init, "curl_global_init")
	SYM(easy_init, "curl_easy_init")
	SYM(easy_setopt, "curl_easy_setopt")
	SYM(easy_perform, "curl_easy_perform")
	SYM(easy_getinfo, "curl_easy_getinfo")
	SYM(easy_cleanup, "curl_easy_cleanup")
	SYM(easy_strerror, "curl_easy_strerror")
	SYM(slist_append, "curl_slist_append")
	SYM(slist_free_all, "curl_slist_free_all")
	SYM(getdate, "curl_getdate")
#undef SYM
}

int au_curl_load(au_err *err)
{
	static gsize once = 0;
	if (g_once_init_enter(&once)) {
		load();
		g_once_init_leave(&once, 1);
	}
	if (!C.lib)
		return au_fail(err, ENOENT, "libcurl could not be loaded (%s); on Debian: apt-get install libcurl4", C.error);
	return 0;
}

/* Only called after au_curl_load succeeded (src/cloud.c checks first). */

CURLcode(curl_global_init)(long flags)
{
	return C.global_init(flags);
}

CURL *(curl_easy_init)(void)
{
	return C.easy_init();
}

CURLcode(curl_easy_setopt)(CURL *h, CURLoption opt, ...)
{
	va_list ap;
	va_start(ap, opt);
	CURLcode r;
	/* the option's number says the type of its one argument */
	if (opt < CURLOPTTYPE_OBJECTPOINT)
		r = C.easy_setopt(h, opt, va_arg(ap, long));
	else if (opt < CURLOPTTYPE_OFF_T)
		r = C.easy_setopt(h, opt, va_arg(ap, void *));
	else if (opt < CURLOPTTYPE_BLOB)
		r = C.easy_setopt(h, opt, va_arg(ap, curl_off_t));
	else
		r = C.easy_setopt(h, opt, va_arg(ap, void *));
	va_end(ap);
	return r;
}

CURLcode(curl_easy_perform)(CURL *h)
{
	return C.easy_perform(h);
}

CURLcode(curl_easy_getinfo)(CURL *h, CURLINFO info, ...)
{
	va_list ap;
	va_start(ap, info);
	CURLcode r = C.easy_getinfo(h, info, va_arg(ap, void *));
	va_end(ap);
	return r;
}

void(curl_easy_cleanup)(CURL *h)
{
	C.easy_cleanup(h);
}

const char *(curl_easy_strerror)(CURLcode c)
{
	return C.easy_strerror(c);
}

struct curl_slist *(curl_slist_append)(struct curl_slist *l, const char *s)
{
	return C.slist_append(l, s);
}

void(curl_slist_free_all)(struct curl_slist *l)
{
	C.slist_free_all(l);
}

time_t(curl_getdate)(const char *s, const time_t *now)
{
	return C.getdate(s, now);
}

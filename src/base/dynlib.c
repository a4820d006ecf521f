/*
 * dlopen and dlsym for the optional libraries (see dynlib.h): one place
 * that says what is missing and which package brings it.
 */
#include "dynlib.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>

static void load(au_dynlib *l)
{
	for (size_t i = 0; l->sonames[i] && !l->handle; i++)
		l->handle = dlopen(l->sonames[i], RTLD_NOW | RTLD_LOCAL);
	if (!l->handle) {
		const char *e = dlerror();
		g_strlcpy(l->error, e ? e : "not found", sizeof(l->error));
		return;
	}
	for (size_t i = 0; l->symbols[i]; i++) {
		if (!(l->fns[i] = dlsym(l->handle, l->symbols[i]))) {
			/* an older library than the headers we were built with */
			snprintf(l->error, sizeof(l->error), "%s has no %s", l->sonames[0], l->symbols[i]);
			dlclose(l->handle);
			l->handle = NULL;
			return;
		}
	}
}

int au_dynlib_load(au_dynlib *l, au_err *err)
{
	if (g_once_init_enter(&l->once)) {
		load(l);
		g_once_init_leave(&l->once, 1);
	}
	if (!l->handle)
		return au_fail(err, ENOENT, "%s could not be loaded (%s); on Debian: apt-get install %s", l->name,
			       l->error, l->package);
	return 0;
}

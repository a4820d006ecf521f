/*
 * Optional libraries loaded on first use with dlopen instead of being
 * linked: each linked library (and everything it pulls in) is loaded and
 * relocated at every start, which a command like `aiusage statusline`,
 * run by Claude Code after every response, pays for features it never
 * uses. A caller describes the library once (sonames, the Debian package
 * that provides it, the symbols it needs) and calls au_dynlib_load before
 * its first call into it; the forwarding definitions that stand in for the
 * library's functions live beside the code that uses them
 * (src/team/pq_dl.c, src/serve/soup_dl.c, src/daemon/notify_dl.c,
 * src/base/gobject_dl.c).
 */
#ifndef AU_DYNLIB_H
#define AU_DYNLIB_H

#include <glib.h>

#include "util.h"

typedef struct au_dynlib {
	const char *name;             /* for messages: "libpq" */
	const char *package;          /* the Debian package that provides it: "libpq5" */
	const char *const *sonames;   /* tried in order; NULL-terminated */
	const char *const *symbols;   /* NULL-terminated */
	void **fns;                   /* filled in the order of symbols */
	/* state, zero-initialised */
	gsize once;
	void *handle;
	char error[256];
} au_dynlib;

/* Loads the library and all its symbols the first time (thread-safe);
 * every later call returns the first outcome. -ENOENT, naming the library,
 * why and the package to install, when it or a symbol is missing. */
int au_dynlib_load(au_dynlib *l, au_err *err);

/* GObject (src/base/gobject_dl.c), for the optional libraries built on it. */
int au_gobject_load(au_err *err);

#endif

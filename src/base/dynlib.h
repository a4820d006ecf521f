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

/*
 * For a *_dl.c file: its list of functions is an X-macro LIST(X, V) with
 * X(ret, name, params, args) and V(name, params, args) for void ones, and
 * it has a static void *fns[] filled by au_dynlib_load. Then
 *   enum { LIST(AU_DL_INDEX, AU_DL_VINDEX) N_FUNCS };
 *   static const char *const symbols[] = {LIST(AU_DL_NAME, AU_DL_VNAME) NULL};
 *   LIST(AU_DL_FORWARD, AU_DL_VFORWARD)
 * give the indexes, the names and a definition of each function that calls
 * the loaded one (only ever called after the load succeeded).
 */
#define AU_DL_INDEX(ret, name, params, args) I_##name,
#define AU_DL_VINDEX(name, params, args) I_##name,
#define AU_DL_NAME(ret, name, params, args) #name,
#define AU_DL_VNAME(name, params, args) #name,
#define AU_DL_FORWARD(ret, name, params, args)                  \
	ret(name) params                                        \
	{                                                       \
		return ((ret(*) params)fns[I_##name]) args;     \
	}
#define AU_DL_VFORWARD(name, params, args)                      \
	void(name) params                                       \
	{                                                       \
		((void(*) params)fns[I_##name]) args;           \
	}

/* GObject (src/base/gobject_dl.c), for the optional libraries built on it. */
int au_gobject_load(au_err *err);

#endif

/*
 * GObject, loaded with libsoup or libnotify (the only users of it) rather
 * than linked: its constructor registers GLib's fundamental types, and it
 * brings libffi, about a fifth of the instructions of `aiusage --version`.
 * These definitions stand in for the few GObject calls src/serve and
 * src/daemon make; au_soup_load and au_notify_lib_load call
 * au_gobject_load first. dlopen of the same soname gives the copy libsoup
 * and libnotify themselves use.
 */
#include <glib-object.h>

#include "dynlib.h"

/* X(return type, name, parameters, arguments); V() for void functions */
#define GOBJECT_FUNCS(X, V)                                                                                    \
	X(gpointer, g_object_ref, (gpointer o), (o))                                                            \
	V(g_object_unref, (gpointer o), (o))                                                                    \
	X(GObject *, g_object_new_valist, (GType t, const gchar *first, va_list ap), (t, first, ap))             \
	X(gulong, g_signal_connect_data,                                                                        \
	  (gpointer i, const gchar *s, GCallback cb, gpointer d, GClosureNotify f, GConnectFlags fl),            \
	  (i, s, cb, d, f, fl))                                                                                 \
	X(guint, g_signal_handlers_disconnect_matched,                                                          \
	  (gpointer i, GSignalMatchType m, guint id, GQuark q, GClosure * c, gpointer f, gpointer d),            \
	  (i, m, id, q, c, f, d))

enum { GOBJECT_FUNCS(AU_DL_INDEX, AU_DL_VINDEX) N_FUNCS };

static const char *const symbols[] = {GOBJECT_FUNCS(AU_DL_NAME, AU_DL_VNAME) NULL};
static const char *const sonames[] = {"libgobject-2.0.so.0", NULL};
static void *fns[N_FUNCS];
static au_dynlib gobject = {.name = "GObject (GLib's object system)",
			    .package = "libglib2.0-0",
			    .sonames = sonames,
			    .symbols = symbols,
			    .fns = fns};

int au_gobject_load(au_err *err)
{
	return au_dynlib_load(&gobject, err);
}

/* Only called after au_gobject_load succeeded. */
GOBJECT_FUNCS(AU_DL_FORWARD, AU_DL_VFORWARD)

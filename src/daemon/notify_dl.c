/*
 * libnotify, loaded by the notification worker before its first
 * notification rather than at every start: linked, libnotify and GIO and
 * what they pull in (gdk-pixbuf, libpng, libjpeg, libmount, SELinux) are
 * loaded and relocated by every run of aiusage, `aiusage statusline`
 * included, though only the watcher and `budget --notify` send
 * notifications. These definitions stand in for the libnotify and GDBus
 * calls notify.c makes and forward to the libraries (GIO is found through
 * libnotify's own dependencies); au_notify_lib_load names the package when
 * libnotify is missing. GObject is loaded first
 * (src/base/gobject_dl.c).
 */
#include <gio/gio.h>
#include <libnotify/notify.h>

#include "dynlib.h"

int au_notify_lib_load(au_err *err);

/* X(return type, name, parameters, arguments); V() for void functions */
#define NOTIFY_FUNCS(X, V)                                                                                   \
	X(gboolean, notify_init, (const char *app), (app))                                                    \
	V(notify_uninit, (void), ())                                                                          \
	X(NotifyNotification *, notify_notification_new, (const char *s, const char *b, const char *i),       \
	  (s, b, i))                                                                                          \
	V(notify_notification_set_urgency, (NotifyNotification * n, NotifyUrgency u), (n, u))                 \
	V(notify_notification_set_category, (NotifyNotification * n, const char *c), (n, c))                  \
	X(gboolean, notify_notification_show, (NotifyNotification * n, GError * *e), (n, e))                  \
	X(GDBusConnection *, g_bus_get_sync, (GBusType t, GCancellable * c, GError * *e), (t, c, e))          \
	X(gboolean, g_dbus_connection_is_closed, (GDBusConnection * c), (c))                                  \
	V(g_dbus_connection_set_exit_on_close, (GDBusConnection * c, gboolean x), (c, x))

enum { NOTIFY_FUNCS(AU_DL_INDEX, AU_DL_VINDEX) N_FUNCS };

static const char *const symbols[] = {NOTIFY_FUNCS(AU_DL_NAME, AU_DL_VNAME) NULL};
static const char *const sonames[] = {"libnotify.so.4", NULL};
static void *fns[N_FUNCS];
static au_dynlib notify = {.name = "libnotify (desktop notifications)",
			   .package = "libnotify4",
			   .sonames = sonames,
			   .symbols = symbols,
			   .fns = fns};

int au_notify_lib_load(au_err *err)
{
	int r = au_gobject_load(err);
	return r < 0 ? r : au_dynlib_load(&notify, err);
}

/* Only called after au_notify_lib_load succeeded: show() in notify.c
 * loads it before it touches the bus. */
NOTIFY_FUNCS(AU_DL_FORWARD, AU_DL_VFORWARD)

/*
 * libnotify behind a two-call API. Before libnotify touches the bus we take
 * the shared session connection ourselves, for two reasons: with no bus it
 * fails fast with a clear reason, and we can turn off GDBus's
 * exit-on-close, which would otherwise SIGTERM the watcher when the
 * session bus goes away (a logout, dbus-run-session ending).
 */
#include "notify.h"

#include <gio/gio.h>
#include <libnotify/notify.h>
#include <stdlib.h>

#include "util.h"

struct au_notifier {
	GDBusConnection *bus; /* our reference to the shared session connection */
	bool inited;          /* notify_init done, its proxy possibly cached */
	char *error;
};

au_notifier *au_notifier_new(void)
{
	au_notifier *n = xcalloc(1, sizeof(*n));
	n->error = xstrdup("");
	return n;
}

static void drop(au_notifier *n)
{
	if (n->inited)
		notify_uninit(); /* forgets libnotify's proxy on a dead connection */
	n->inited = false;
	if (n->bus)
		g_object_unref(n->bus);
	n->bus = NULL;
}

void au_notifier_free(au_notifier *n)
{
	if (!n)
		return;
	drop(n);
	free(n->error);
	free(n);
}

const char *au_notifier_error(const au_notifier *n)
{
	return n->error;
}

static bool failed(au_notifier *n, const char *what, GError *e)
{
	free(n->error);
	n->error = xasprintf("%s%s%s", what, e ? ": " : "", e ? e->message : "");
	if (e)
		g_error_free(e);
	drop(n);
	return false;
}

bool au_notify(au_notifier *n, const char *summary, const char *body, int urgency)
{
	GError *e = NULL;
	if (n->bus && g_dbus_connection_is_closed(n->bus))
		drop(n);
	if (!n->bus) {
		n->bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &e);
		if (!n->bus)
			return failed(n, "no D-Bus session bus", e);
		g_dbus_connection_set_exit_on_close(n->bus, FALSE);
	}
	if (!n->inited) {
		if (!notify_init("aiusage"))
			return failed(n, "libnotify could not start", NULL);
		n->inited = true;
	}
	NotifyNotification *nn = notify_notification_new(summary, body,
							 urgency >= AU_URGENCY_CRITICAL ? "dialog-error"
							 : urgency == AU_URGENCY_NORMAL ? "dialog-warning"
											: "dialog-information");
	notify_notification_set_urgency(nn, urgency >= AU_URGENCY_CRITICAL ? NOTIFY_URGENCY_CRITICAL
					    : urgency == AU_URGENCY_NORMAL ? NOTIFY_URGENCY_NORMAL
									   : NOTIFY_URGENCY_LOW);
	notify_notification_set_category(nn, "x-aiusage.budget");
	gboolean ok = notify_notification_show(nn, &e);
	g_object_unref(nn);
	if (!ok)
		return failed(n, "the notification service did not take it", e);
	free(n->error);
	n->error = xstrdup("");
	return true;
}

/*
 * A minimal freedesktop notification server for the e2e tests. It owns
 * org.freedesktop.Notifications on the session bus (run it inside
 * dbus-run-session), answers GetCapabilities, GetServerInformation,
 * CloseNotification and Notify, and appends one line per Notify to a file:
 *
 *   <summary>\t<body>\turgency=<0|1|2 or none>
 *
 * with tabs, newlines and backslashes in the texts written as \t, \n, \\.
 * Usage: notify_server [--hang] RECORD_FILE READY_FILE. READY_FILE is created
 * once the name is owned, so a test can wait for it; the server exits on
 * SIGTERM, SIGINT, or when it loses the name or the bus. With --hang it
 * records each Notify and never answers it (a hung notification daemon: the
 * caller waits for D-Bus's timeout); the other methods are still answered.
 */
#include <gio/gio.h>
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>

static const char introspection[] =
	"<node>"
	" <interface name='org.freedesktop.Notifications'>"
	"  <method name='GetCapabilities'><arg type='as' name='caps' direction='out'/></method>"
	"  <method name='Notify'>"
	"   <arg type='s' name='app_name' direction='in'/>"
	"   <arg type='u' name='replaces_id' direction='in'/>"
	"   <arg type='s' name='app_icon' direction='in'/>"
	"   <arg type='s' name='summary' direction='in'/>"
	"   <arg type='s' name='body' direction='in'/>"
	"   <arg type='as' name='actions' direction='in'/>"
	"   <arg type='a{sv}' name='hints' direction='in'/>"
	"   <arg type='i' name='expire_timeout' direction='in'/>"
	"   <arg type='u' name='id' direction='out'/>"
	"  </method>"
	"  <method name='CloseNotification'><arg type='u' name='id' direction='in'/></method>"
	"  <method name='GetServerInformation'>"
	"   <arg type='s' name='name' direction='out'/>"
	"   <arg type='s' name='vendor' direction='out'/>"
	"   <arg type='s' name='version' direction='out'/>"
	"   <arg type='s' name='spec_version' direction='out'/>"
	"  </method>"
	"  <signal name='NotificationClosed'><arg type='u' name='id'/><arg type='u' name='reason'/></signal>"
	" </interface>"
	"</node>";

static const char *record_path, *ready_path;
static GMainLoop *loop;
static guint32 next_id = 1;
static gboolean hang;
static GPtrArray *unanswered; /* --hang: the Notify calls kept waiting */

static void escape(GString *g, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			g_string_append(g, "\\\\");
		else if (*s == '\n')
			g_string_append(g, "\\n");
		else if (*s == '\t')
			g_string_append(g, "\\t");
		else
			g_string_append_c(g, *s);
	}
}

static void record(const char *summary, const char *body, GVariant *hints)
{
	GString *line = g_string_new(NULL);
	escape(line, summary);
	g_string_append_c(line, '\t');
	escape(line, body);
	guchar urgency;
	if (g_variant_lookup(hints, "urgency", "y", &urgency))
		g_string_append_printf(line, "\turgency=%u\n", urgency);
	else
		g_string_append(line, "\turgency=none\n");
	FILE *f = fopen(record_path, "a");
	if (!f || fputs(line->str, f) < 0 || fclose(f) != 0) {
		fprintf(stderr, "notify_server: cannot append to %s\n", record_path);
		exit(1);
	}
	g_string_free(line, TRUE);
}

static void on_call(GDBusConnection *conn, const gchar *sender, const gchar *path, const gchar *iface,
		    const gchar *method, GVariant *params, GDBusMethodInvocation *inv, gpointer data)
{
	if (g_strcmp0(method, "GetCapabilities") == 0) {
		const gchar *caps[] = {"body", NULL};
		g_dbus_method_invocation_return_value(inv, g_variant_new("(^as)", caps));
	} else if (g_strcmp0(method, "GetServerInformation") == 0) {
		g_dbus_method_invocation_return_value(inv, g_variant_new("(ssss)", "aiusage-test", "aiusage",
									"1", "1.2"));
	} else if (g_strcmp0(method, "CloseNotification") == 0) {
		g_dbus_method_invocation_return_value(inv, NULL);
	} else if (g_strcmp0(method, "Notify") == 0) {
		const gchar *summary, *body;
		GVariant *hints;
		g_variant_get(params, "(&su&s&s&s^a&s@a{sv}i)", NULL, NULL, NULL, &summary, &body, NULL, &hints, NULL);
		record(summary, body, hints);
		g_variant_unref(hints);
		if (hang)
			g_ptr_array_add(unanswered, inv); /* owned, never returned */
		else
			g_dbus_method_invocation_return_value(inv, g_variant_new("(u)", next_id++));
	} else {
		g_dbus_method_invocation_return_dbus_error(inv, "org.freedesktop.DBus.Error.UnknownMethod", method);
	}
}

static const GDBusInterfaceVTable vtable = {on_call, NULL, NULL, {0}};

static void on_bus(GDBusConnection *conn, const gchar *name, gpointer data)
{
	GDBusNodeInfo *info = data;
	GError *e = NULL;
	if (!g_dbus_connection_register_object(conn, "/org/freedesktop/Notifications", info->interfaces[0], &vtable,
					       NULL, NULL, &e)) {
		fprintf(stderr, "notify_server: %s\n", e->message);
		exit(1);
	}
}

static void on_name(GDBusConnection *conn, const gchar *name, gpointer data)
{
	if (!g_file_set_contents(ready_path, "ready\n", -1, NULL)) {
		fprintf(stderr, "notify_server: cannot write %s\n", ready_path);
		exit(1);
	}
}

static void on_lost(GDBusConnection *conn, const gchar *name, gpointer data)
{
	fprintf(stderr, "notify_server: %s\n", conn ? "lost the name" : "no session bus");
	g_main_loop_quit(loop);
}

static gboolean on_signal(gpointer data)
{
	g_main_loop_quit(loop);
	return G_SOURCE_REMOVE;
}

int main(int argc, char **argv)
{
	hang = argc == 4 && g_strcmp0(argv[1], "--hang") == 0;
	if (argc != 3 && !hang) {
		fprintf(stderr, "usage: notify_server [--hang] RECORD_FILE READY_FILE\n");
		return 2;
	}
	record_path = argv[argc - 2];
	ready_path = argv[argc - 1];
	unanswered = g_ptr_array_new_with_free_func(g_object_unref);
	GDBusNodeInfo *info = g_dbus_node_info_new_for_xml(introspection, NULL);
	loop = g_main_loop_new(NULL, FALSE);
	g_unix_signal_add(SIGTERM, on_signal, NULL);
	g_unix_signal_add(SIGINT, on_signal, NULL);
	guint owner = g_bus_own_name(G_BUS_TYPE_SESSION, "org.freedesktop.Notifications",
				     G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE, on_bus, on_name, on_lost, info, NULL);
	g_main_loop_run(loop);
	g_bus_unown_name(owner);
	g_main_loop_unref(loop);
	g_dbus_node_info_unref(info);
	g_ptr_array_free(unanswered, TRUE);
	return 0;
}

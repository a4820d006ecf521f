/*
 * libsoup 3, loaded when a server is started rather than at every start:
 * linked, libsoup and GIO and what they pull in (libpsl, brotli, nghttp2,
 * Kerberos, libmount, SELinux) are loaded and relocated by every run of
 * aiusage, `aiusage statusline` included, for a feature only `serve` and
 * `watch --serve` use. These definitions stand in for the libsoup and GIO
 * calls serve.c makes and forward to the libraries (GIO is found through
 * libsoup's own dependencies); au_server_new calls au_soup_load first,
 * which names the package when libsoup is missing. GObject is loaded
 * first (src/base/gobject_dl.c).
 */
#include <gio/gio.h>
#include <libsoup/soup.h>
#include <stdarg.h>

#include "dynlib.h"

int au_soup_load(au_err *err);

/* X(return type, name, parameters, arguments); V() for void functions */
#define SOUP_FUNCS(X, V)                                                                                       \
	X(GType, soup_server_get_type, (void), ())                                                              \
	V(soup_message_body_append, (SoupMessageBody * b, SoupMemoryUse u, gconstpointer d, gsize n),          \
	  (b, u, d, n))                                                                                         \
	V(soup_message_body_complete, (SoupMessageBody * b), (b))                                               \
	V(soup_message_body_set_accumulate, (SoupMessageBody * b, gboolean a), (b, a))                          \
	X(const char *, soup_message_headers_get_one, (SoupMessageHeaders * h, const char *n), (h, n))          \
	V(soup_message_headers_replace, (SoupMessageHeaders * h, const char *n, const char *v), (h, n, v))      \
	V(soup_message_headers_set_content_type, (SoupMessageHeaders * h, const char *t, GHashTable *p),        \
	  (h, t, p))                                                                                            \
	V(soup_message_headers_set_encoding, (SoupMessageHeaders * h, SoupEncoding e), (h, e))                  \
	V(soup_server_add_handler,                                                                              \
	  (SoupServer * s, const char *p, SoupServerCallback cb, gpointer d, GDestroyNotify f), (s, p, cb, d, f)) \
	V(soup_server_disconnect, (SoupServer * s), (s))                                                        \
	X(GSList *, soup_server_get_uris, (SoupServer * s), (s))                                                \
	X(gboolean, soup_server_listen,                                                                         \
	  (SoupServer * s, GSocketAddress * a, SoupServerListenOptions o, GError * *e), (s, a, o, e))           \
	X(const char *, soup_server_message_get_method, (SoupServerMessage * m), (m))                           \
	X(SoupMessageHeaders *, soup_server_message_get_request_headers, (SoupServerMessage * m), (m))          \
	X(SoupMessageBody *, soup_server_message_get_response_body, (SoupServerMessage * m), (m))               \
	X(SoupMessageHeaders *, soup_server_message_get_response_headers, (SoupServerMessage * m), (m))         \
	X(GUri *, soup_server_message_get_uri, (SoupServerMessage * m), (m))                                    \
	V(soup_server_message_set_response,                                                                     \
	  (SoupServerMessage * m, const char *t, SoupMemoryUse u, const char *b, gsize n), (m, t, u, b, n))     \
	V(soup_server_message_set_status, (SoupServerMessage * m, guint c, const char *r), (m, c, r))           \
	V(soup_server_message_unpause, (SoupServerMessage * m), (m))                                            \
	X(gboolean, g_inet_address_get_is_loopback, (GInetAddress * a), (a))                                    \
	X(GInetAddress *, g_inet_address_new_from_string, (const gchar *s), (s))                                \
	X(GInetAddress *, g_inet_address_new_loopback, (GSocketFamily f), (f))                                  \
	X(GSocketAddress *, g_inet_socket_address_new, (GInetAddress * a, guint16 p), (a, p))                   \
	X(GQuark, g_io_error_quark, (void), ())

enum { SOUP_FUNCS(AU_DL_INDEX, AU_DL_VINDEX) N_FUNCS };

static const char *const symbols[] = {SOUP_FUNCS(AU_DL_NAME, AU_DL_VNAME) NULL};
static const char *const sonames[] = {"libsoup-3.0.so.0", NULL};
static void *fns[N_FUNCS];
static au_dynlib soup = {.name = "libsoup 3 (the dashboard's HTTP server)",
			 .package = "libsoup-3.0-0",
			 .sonames = sonames,
			 .symbols = symbols,
			 .fns = fns};

int au_soup_load(au_err *err)
{
	int r = au_gobject_load(err);
	return r < 0 ? r : au_dynlib_load(&soup, err);
}

/* Only called after au_soup_load succeeded: au_server_new loads it before
 * anything else. */
SOUP_FUNCS(AU_DL_FORWARD, AU_DL_VFORWARD)

/* What libsoup's own soup_server_new does: a GObject with properties. */
SoupServer *(soup_server_new)(const char *optname1, ...)
{
	va_list ap;
	va_start(ap, optname1);
	SoupServer *s = (SoupServer *)g_object_new_valist(soup_server_get_type(), optname1, ap);
	va_end(ap);
	return s;
}

/*
 * The dashboard's HTTP server (libsoup 3, on the thread's default GLib
 * main context, so it shares the loop the watcher runs): the live HTML
 * page, /api/<report>.json, /metrics in the Prometheus text format, and
 * /events, a Server-Sent Events stream that says when the store changed.
 * It only reads the store, on the loop's thread. It listens on loopback
 * only, unless it is given another address and a bearer token, which it
 * then asks of every request.
 */
#ifndef AU_SERVE_H
#define AU_SERVE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "parser.h"
#include "pricing.h"
#include "store.h"
#include "util.h"

#define AU_SERVE_DEFAULT_LISTEN "127.0.0.1:8787"

typedef struct au_server au_server;

typedef struct au_server_opts {
	const char *listen;      /* "127.0.0.1:8787", "[::1]:8787", "localhost:0"; NULL: the default */
	const char *token;       /* bearer token (config.ini [serve]); copied; NULL: none */
	au_store *store;         /* borrowed; read on the loop's thread only */
	au_pricing *pricing;     /* borrowed */
	const char *config_path; /* budgets are read from it per request; NULL: the default */
	/* Standalone (`aiusage serve`): the store's files are polled each
	 * second and a change is a commit. The watcher calls
	 * au_server_committed itself instead. */
	const char *poll_db;
	FILE *log;               /* a line per request when log_requests; errors always; borrowed */
	bool log_requests;
	const char *log_prefix;  /* "aiusage serve" */
} au_server_opts;

/* Binds and starts serving on the default main context. -EPERM when the
 * address is not loopback and there is no token; -EINVAL for an address
 * it cannot read; the bind's errno otherwise (err says which). */
int au_server_new(const au_server_opts *o, au_server **ret, au_err *err);
/* Ends the event streams and closes the listener. Accepts NULL. */
void au_server_free(au_server *s);
/* "http://127.0.0.1:8787/" (the real port when 0 was asked for). */
const char *au_server_url(const au_server *s);
/* The store committed new usage: tells every event stream. Accepts NULL. */
void au_server_committed(au_server *s);
/* Scan errors per source so far (the watcher's, or the first scan's), for
 * /metrics. Accepts NULL. */
void au_server_set_scan_errors(au_server *s, const int64_t errors[AU_SRC_MAX]);
/* When the watcher last saw each source's logs change (UTC ms, 0: not
 * yet): /metrics then gives these instead of the newest usage stored.
 * Accepts NULL. */
void au_server_set_last_events(au_server *s, const int64_t last_ms[AU_SRC_MAX]);

#endif

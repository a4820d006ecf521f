/*
 * The watcher daemon (daemon.c): keeps the store current while the tools
 * write, checks budgets, polls cloud billing, until SIGTERM or SIGINT.
 */
#ifndef AU_DAEMON_H
#define AU_DAEMON_H

#include "pricing.h"
#include "serve.h"
#include "store.h"
#include "util.h"

typedef struct au_daemon_opts {
	au_store *store;     /* borrowed, opened for writing */
	au_pricing *pricing; /* borrowed */
	const char *db_path; /* the store's file: its lock sits beside it, and
			      * the cloud thread opens its own connection to it */
	int verbose;
	/* `watch --serve`: the dashboard server on the watcher's loop, told of
	 * each commit (its store and pricing are the daemon's); NULL: none */
	const au_server_opts *serve;
} au_daemon_opts;

/*
 * Takes the store's watch lock and runs the loop until a SIGTERM or SIGINT,
 * then stores what is pending. 0 after a clean stop; -EBUSY when another
 * watcher holds the lock; another negative errno when the watch could not
 * start or the last changes could not be stored (err says which).
 */
int au_daemon_run(const au_daemon_opts *o, au_err *err);

/*
 * Whether a watcher runs on the store at db and has read everything under
 * the roots whose au_roots_fingerprint is roots (and keeps watching all of
 * it): then a report finds nothing new to scan. Its pid in *ret_pid.
 */
bool au_daemon_keeps_current(const char *db, uint64_t roots, long *ret_pid);

#endif

/*
 * Teams and several machines: a PostgreSQL server (through libpq) that every
 * machine pushes its usage rows to, keyed by (machine id, dedup key), and
 * the reports read back aggregated by SQL on the server. The local store
 * stays the source of truth; the server is a copy that a push makes exact.
 * Also the export/import file, the same rows without a server.
 *
 * Nothing here prints. Errors name the server (host, port, database) but
 * never a password: the URL may not carry one, and libpq's messages are
 * scrubbed of the one key_command gave.
 */
#ifndef AU_TEAM_H
#define AU_TEAM_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "insights.h"
#include "queries.h"
#include "report.h"
#include "store.h"

/* The schema version this aiusage makes and reads on the server. */
#define AU_TEAM_SCHEMA_VERSION 1

/* Keys of rows imported from another machine: "import:MACHINE_ID:KEY". */
#define AU_TEAM_IMPORT_PREFIX "import:"

typedef struct au_team au_team;

/*
 * Connects to c->url and creates or migrates the server's schema (under an
 * advisory lock, so two first pushes do not race). A server that cannot be
 * reached is -ECONNREFUSED, a refused login -EACCES, a schema newer than
 * this aiusage -EPROTO; err says which server and why.
 */
int au_team_connect(const au_team_section *c, au_team **ret, au_err *err);
void au_team_free(au_team *t);
/* "HOST:PORT/DB" */
const char *au_team_server(const au_team *t);

/* This machine's id: 32 random hex digits, made once and kept in the
 * store's meta (team.machine_id), so a renamed host keeps its history.
 * Needs a writable store the first time. */
int au_team_machine_id(au_store *s, char **ret, au_err *err);

typedef struct au_team_push_result {
	bool full;         /* every row was sent (first push, or the server did not match) */
	int64_t sent;      /* rows upserted */
	int64_t withdrawn; /* rows deleted on the server */
	int64_t watermark; /* the change number the server now has up to */
} au_team_push_result;

/*
 * Sends what the server does not have yet: every row changed (inserted,
 * replaced or withdrawn) since the watermark, or every row when the server
 * and the store disagree about it. One server transaction: a push cut off
 * half way changes nothing there, and the watermark moves only after the
 * server committed. Rows imported from other machines are not pushed.
 */
int au_team_push(au_team *t, au_store *s, const au_team_section *c, au_team_push_result *ret, au_err *err);

typedef struct au_team_machine {
	char *machine_id, *machine, *user;
	int64_t first_push_ms, last_push_ms; /* UTC ms; 0 when never */
	int64_t rows;
} au_team_machine;

typedef struct au_team_status {
	char *server;
	int schema_version;
	GPtrArray *machines; /* au_team_machine*, by user then machine */
	int64_t rows;
} au_team_status;

int au_team_status_get(au_team *t, au_team_status **ret, au_err *err);
void au_team_status_free(au_team_status *st);

/* ---- reports over the server (team_report.c) ---- */

typedef enum au_team_by {
	AU_TEAM_BY_NONE,
	AU_TEAM_BY_USER,
	AU_TEAM_BY_MACHINE,
} au_team_by;

typedef struct au_team_filter {
	const char *user;    /* NULL: everyone */
	const char *machine; /* NULL: every machine */
	au_team_by by;
} au_team_filter;

/* A report like au_report_build's, from the server: the rows are summed
 * there per 15-minute bucket, source, model, project and session (and user
 * or machine with f->by), and only those sums come back. */
int au_team_report_build(au_team *t, const au_team_filter *f, const au_report_opts *o, au_report **ret,
			 au_err *err);

/* The same from the local store, for --by, --user and --machine without
 * --team: this machine's rows are c->machine's and c->user's, imported
 * rows those of the machine the import named. Sums usage, not agg. */
int au_team_local_report_build(au_store *s, const au_team_section *c, const au_team_filter *f,
			       const au_report_opts *o, au_report **ret, au_err *err);

/* Claude's 5-hour blocks of the server's rows (f as au_blocks_build takes
 * it; tf's user and machine filter): summed there per 15-minute bucket and
 * model. */
int au_team_blocks_build(au_team *t, const au_team_filter *tf, const au_filter *f, int64_t now_ms,
			 au_blocks **ret, au_err *err);

/* ---- team budgets (team_budget.c) ---- */

/* What the server's rows with start_ms <= ts < end_ms cost, pico-dollars
 * (every machine, every user), under a budget's source (NULL: all) and
 * project filter (NULL: all; matched as report --project matches, against
 * the names the machines pushed); *ret_unpriced (may be NULL): the rows
 * with no price. */
int au_team_budget_spent(au_team *t, int64_t start_ms, int64_t end_ms, const char *source, const char *project,
			 int64_t *ret_pico, int64_t *ret_unpriced, au_err *err);

/* ---- export and import (team_file.c) ---- */

typedef struct au_team_file_result {
	int64_t rows;    /* rows written, or rows read */
	int64_t changed; /* import: rows inserted or replaced */
	int64_t removed; /* import: rows the file no longer has */
	int machines;    /* import: machines in the file */
} au_team_file_result;

/* Writes every row of the store with its machine id to path (JSON Lines,
 * see the README), through a temporary file renamed into place. */
int au_team_export(au_store *s, const au_team_section *c, const char *path, au_team_file_result *ret,
		   au_err *err);
/* Merges such a file: each machine's rows replace what an earlier import of
 * that machine brought (so importing twice changes nothing); rows of this
 * machine itself are skipped. */
int au_team_import(au_store *s, const char *path, au_team_file_result *ret, au_err *err);

#endif

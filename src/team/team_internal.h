/*
 * What the files of src/team share and nothing else sees: the connection
 * struct and the helpers that turn libpq's results into au_err.
 */
#ifndef AU_TEAM_INTERNAL_H
#define AU_TEAM_INTERNAL_H

#include <libpq-fe.h>

#include "team.h"

struct au_team {
	PGconn *conn;
	char *server; /* "HOST:PORT/DB" for messages */
	char *secret; /* key_command's password, scrubbed from messages; NULL: libpq's sources */
	int version;  /* the server's schema version */
};

/* Loads libpq (src/team/pq_dl.c); every libpq call comes after it. */
int au_pq_load(au_err *err);

/* err from the connection's last error, naming the server and what was
 * being done; -ECONNRESET when the connection is gone. */
int au_team_fail(au_team *t, au_err *err, int code, const char *what);
int au_team_exec(au_team *t, const char *sql, au_err *err);
/* PQexecParams with text parameters; NULL (and *ret_r < 0) on failure. */
PGresult *au_team_query(au_team *t, const char *sql, int n, const char *const *params, au_err *err,
			const char *what, int *ret_r);
/* A project name as it leaves the machine under c->projects; malloc'd. */
char *au_team_project_out(const au_team_section *c, const char *project);

/* The store meta key holding an imported machine's names,
 * "MACHINE\x1fUSER"; malloc'd. */
char *au_team_import_names_key(const char *mid);

#endif

/*
 * The team server: connecting (the password only from libpq's own sources
 * or key_command, never in a message), the schema and its version table,
 * the push (COPY into a temporary table, then one INSERT ... ON CONFLICT
 * and one DELETE, all in one transaction) and the status.
 */
#include "team.h"

#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>

#include "team_internal.h"

/* Server schema history: entry i moves the version from i to i + 1.
 * Never edit a shipped entry; append. */
static const char *const migrations[] = {
	/* 1: machines and their rows. Names live on the machine row, so a
	 * rename does not split history; cost is pico-dollars, NULL unpriced. */
	"CREATE TABLE machines("
	"  machine_id text PRIMARY KEY, machine text NOT NULL, username text NOT NULL,"
	"  first_push timestamptz NOT NULL DEFAULT now(), last_push timestamptz,"
	"  pushed_seq bigint NOT NULL DEFAULT 0);"
	"CREATE TABLE usage("
	"  machine_id text NOT NULL REFERENCES machines ON DELETE CASCADE, key text NOT NULL,"
	"  source text NOT NULL, ts bigint NOT NULL, session text NOT NULL, project text NOT NULL,"
	"  model text NOT NULL, sidechain boolean NOT NULL, input bigint NOT NULL,"
	"  cc5m bigint NOT NULL, cc1h bigint NOT NULL, cache_read bigint NOT NULL,"
	"  output bigint NOT NULL, reasoning bigint NOT NULL, cost bigint, tool_cost bigint,"
	"  PRIMARY KEY(machine_id, key));"
	/* reports filter by time and group by bucket first */
	"CREATE INDEX usage_ts ON usage(ts);",
};
#define N_MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

/* pg_advisory_xact_lock key for migrations: "aius" */
#define MIGRATE_LOCK "1635087731"

/* Replaces every occurrence of secret in msg by "***". */
static void scrub(char *msg, const char *secret)
{
	size_t n = secret ? strlen(secret) : 0;
	if (n < 1)
		return;
	char *p;
	while ((p = strstr(msg, secret))) {
		memmove(p + 3, p + n, strlen(p + n) + 1);
		memcpy(p, "***", 3);
	}
}

/* libpq's message: its first line, no trailing newline, no secret. */
static void pq_message(const char *raw, const char *secret, char *buf, size_t n)
{
	snprintf(buf, n, "%s", raw && *raw ? raw : "unknown error");
	buf[strcspn(buf, "\n")] = '\0';
	scrub(buf, secret);
	scrub(buf, getenv("PGPASSWORD"));
}

int au_team_fail(au_team *t, au_err *err, int code, const char *what)
{
	char msg[400];
	pq_message(PQerrorMessage(t->conn), t->secret, msg, sizeof(msg));
	if (PQstatus(t->conn) == CONNECTION_BAD)
		code = ECONNRESET;
	return au_fail(err, code, "team server %s: %s: %s%s", t->server, what, msg,
		       code == ECONNRESET ? " (the connection was lost; nothing was lost locally, push again later)"
					  : "");
}

int au_team_exec(au_team *t, const char *sql, au_err *err)
{
	PGresult *res = PQexec(t->conn, sql);
	ExecStatusType st = PQresultStatus(res);
	int r = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : au_team_fail(t, err, EIO, "running a statement");
	PQclear(res);
	return r;
}

/* Runs key_command; its stdout (trailing newlines cut) is the password. */
static int run_key_command(const char *cmd, char **ret, au_err *err)
{
	char *argv[] = {"/bin/sh", "-c", (char *)cmd, NULL};
	gchar *out = NULL;
	gint status = 0;
	GError *ge = NULL;
	*ret = NULL;
	if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status, &ge)) {
		int r = au_fail(err, EIO, "[team] key_command could not run: %s", ge->message);
		g_error_free(ge);
		return r;
	}
	if (!g_spawn_check_wait_status(status, NULL) || !out || !*out) {
		if (out)
			explicit_bzero(out, strlen(out));
		g_free(out);
		return au_fail(err, EACCES, "[team] key_command failed or printed nothing");
	}
	size_t n = strlen(out);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	*ret = xstrdup(out);
	explicit_bzero(out, n);
	g_free(out);
	return 0;
}

static int migrate(au_team *t, au_err *err)
{
	int r;
	if ((r = au_team_exec(t,
			      "BEGIN; SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ");"
			      " CREATE TABLE IF NOT EXISTS aiusage_version(version integer NOT NULL);",
			      err)) < 0)
		return r;
	PGresult *res = PQexec(t->conn, "SELECT max(version) FROM aiusage_version");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		r = au_team_fail(t, err, EIO, "reading the schema version");
		PQclear(res);
		goto fail;
	}
	int version = PQgetisnull(res, 0, 0) ? 0 : atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	if (version > N_MIGRATIONS) {
		r = au_fail(err, EPROTO,
			    "team server %s has schema version %d but this aiusage knows only %d: "
			    "upgrade aiusage on this machine",
			    t->server, version, N_MIGRATIONS);
		goto fail;
	}
	for (int i = version; i < N_MIGRATIONS; i++) {
		if ((r = au_team_exec(t, migrations[i], err)) < 0)
			goto fail;
		char sql[96];
		snprintf(sql, sizeof(sql), "DELETE FROM aiusage_version; INSERT INTO aiusage_version VALUES(%d)", i + 1);
		if ((r = au_team_exec(t, sql, err)) < 0)
			goto fail;
	}
	t->version = N_MIGRATIONS;
	return au_team_exec(t, "COMMIT", err);
fail:
	PQclear(PQexec(t->conn, "ROLLBACK"));
	return r;
}

int au_team_connect(const au_team_section *c, au_team **ret, au_err *err)
{
	*ret = NULL;
	int lr = au_pq_load(err);
	if (lr < 0)
		return lr;
	char *perr = NULL;
	PQconninfoOption *opts = PQconninfoParse(c->url, &perr);
	if (!opts) {
		/* libpq's parse errors quote the offending text: say less */
		PQfreemem(perr);
		return au_fail(err, EINVAL, "[team] url is not a PostgreSQL connection string (postgresql://HOST/DB)");
	}
	const char *host = NULL, *port = NULL, *db = NULL;
	bool has_password = false;
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (!o->val)
			continue;
		if (strcmp(o->keyword, "password") == 0 && *o->val)
			has_password = true;
		else if (strcmp(o->keyword, "host") == 0 || strcmp(o->keyword, "hostaddr") == 0)
			host = host ? host : o->val;
		else if (strcmp(o->keyword, "port") == 0)
			port = o->val;
		else if (strcmp(o->keyword, "dbname") == 0)
			db = o->val;
	}
	au_team *t = xcalloc(1, sizeof(*t));
	t->server = xasprintf("%s:%s/%s", host ? host : "localhost", port ? port : "5432", db ? db : "");
	PQconninfoFree(opts);
	if (has_password) {
		int r = au_fail(err, EINVAL,
				"[team] url must not carry a password: put it in ~/.pgpass (or $PGPASSFILE), "
				"or have key_command print it");
		au_team_free(t);
		return r;
	}
	if (c->key_command) {
		int r = run_key_command(c->key_command, &t->secret, err);
		if (r < 0) {
			au_team_free(t);
			return r;
		}
	}
	/* The password goes to libpq as a parameter, never in argv or a URL
	 * we build; dbname with expand_dbname carries the configured URL. */
	const char *keys[] = {"dbname", "application_name", "connect_timeout", "client_encoding",
			      t->secret ? "password" : NULL, NULL};
	const char *vals[] = {c->url, "aiusage", "10", "UTF8", t->secret, NULL};
	t->conn = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(t->conn) != CONNECTION_OK) {
		char msg[400];
		pq_message(PQerrorMessage(t->conn), t->secret, msg, sizeof(msg));
		bool auth = strstr(msg, "authentication") || strstr(msg, "password");
		int r = au_fail(err, auth ? EACCES : ECONNREFUSED, "cannot connect to the team server %s: %s%s", t->server,
				msg,
				auth ? " (check the password in ~/.pgpass, $PGPASSWORD or key_command)"
				     : " (nothing was lost locally: push again when it is up)");
		au_team_free(t);
		return r;
	}
	PQclear(PQexec(t->conn, "SET client_min_messages = warning"));
	int r = migrate(t, err);
	if (r < 0) {
		au_team_free(t);
		return r;
	}
	*ret = t;
	return 0;
}

void au_team_free(au_team *t)
{
	if (!t)
		return;
	if (t->conn)
		PQfinish(t->conn);
	if (t->secret) {
		explicit_bzero(t->secret, strlen(t->secret));
		free(t->secret);
	}
	free(t->server);
	free(t);
}

const char *au_team_server(const au_team *t)
{
	return t->server;
}

int au_team_machine_id(au_store *s, char **ret, au_err *err)
{
	if (au_store_meta_get(s, "team.machine_id", ret) == 0)
		return 0;
	if (au_store_readonly(s))
		return au_fail(err, EROFS, "this machine has no team id yet and the store is read-only");
	unsigned char raw[16];
	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return au_fail(err, errno ? errno : EIO, "cannot make a machine id: %s", strerror(errno));
	char hex[33];
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	int r = au_store_meta_set(s, "team.machine_id", hex, err);
	if (r < 0)
		return r;
	*ret = xstrdup(hex);
	return 0;
}

/* ---- push ---- */

/* One COPY text-format field: backslash, tab, newline and CR escaped. */
static void copy_text(GString *b, const char *v)
{
	for (const char *p = v ? v : ""; *p; p++) {
		switch (*p) {
		case '\\': g_string_append(b, "\\\\"); break;
		case '\t': g_string_append(b, "\\t"); break;
		case '\n': g_string_append(b, "\\n"); break;
		case '\r': g_string_append(b, "\\r"); break;
		default: g_string_append_c(b, *p);
		}
	}
	g_string_append_c(b, '\t');
}

static void copy_int(GString *b, int64_t v)
{
	g_string_append_printf(b, "%" PRId64 "\t", v);
}

/* How a project leaves the machine ([team] projects). */
char *au_team_project_out(const au_team_section *c, const char *project)
{
	switch (c->projects) {
	case AU_TEAM_PROJECTS_HASHED: {
		if (!*project)
			return xstrdup("");
		gchar *h = g_compute_checksum_for_string(G_CHECKSUM_SHA256, project, -1);
		char *out = xasprintf("sha256-%.16s", h);
		g_free(h);
		return out;
	}
	case AU_TEAM_PROJECTS_NONE:
		return xstrdup("");
	default:
		return xstrdup(project);
	}
}

static void copy_row(GString *b, const au_team_section *c, const au_team_row *row)
{
	copy_text(b, row->key);
	g_string_append(b, row->present ? "t\t" : "f\t");
	if (!row->present) {
		g_string_append(b, "\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\n");
		return;
	}
	copy_text(b, row->source);
	copy_int(b, row->ts);
	copy_text(b, row->session);
	char *proj = au_team_project_out(c, row->project);
	copy_text(b, proj);
	free(proj);
	copy_text(b, row->model);
	g_string_append(b, row->sidechain ? "t\t" : "f\t");
	copy_int(b, row->tok.input);
	copy_int(b, row->tok.cache_create_5m);
	copy_int(b, row->tok.cache_create_1h);
	copy_int(b, row->tok.cache_read);
	copy_int(b, row->tok.output);
	copy_int(b, row->tok.reasoning);
	if (row->cost == AU_COST_UNPRICED)
		g_string_append(b, "\\N\t");
	else
		copy_int(b, row->cost);
	if (row->has_tool_cost)
		g_string_append_printf(b, "%" PRId64 "\n", row->tool_cost);
	else
		g_string_append(b, "\\N\n");
}

/* A statement with text parameters; the result when its status is ok. */
PGresult *au_team_query(au_team *t, const char *sql, int n, const char *const *params, au_err *err,
			const char *what, int *ret_r)
{
	PGresult *res = PQexecParams(t->conn, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		*ret_r = 0;
		return res;
	}
	*ret_r = au_team_fail(t, err, EIO, what);
	PQclear(res);
	return NULL;
}

#define COPY_FLUSH_BYTES (1 << 20)

/* Streams the rows to push into the temporary table push_in. */
static int copy_rows(au_team *t, au_store *s, const au_team_section *c, int64_t after, int64_t upto,
		     au_team_push_result *res, au_err *err)
{
	PGresult *pr = PQexec(t->conn, "COPY push_in FROM STDIN");
	if (PQresultStatus(pr) != PGRES_COPY_IN) {
		PQclear(pr);
		return au_team_fail(t, err, EIO, "starting the copy");
	}
	PQclear(pr);
	au_store_iter *it;
	int r = au_store_team_rows_iter(s, after, upto, &it, err);
	GString *b = g_string_sized_new(COPY_FLUSH_BYTES + 8192);
	au_team_row row;
	while (r == 0) {
		int n = au_store_team_rows_next(it, &row, err);
		if (n < 0)
			r = n;
		if (n <= 0)
			break;
		if (g_str_has_prefix(row.key, AU_TEAM_IMPORT_PREFIX))
			continue; /* another machine's: it pushes them itself */
		copy_row(b, c, &row);
		if (row.present)
			res->sent++;
		else
			res->withdrawn++;
		if (b->len >= COPY_FLUSH_BYTES) {
			if (PQputCopyData(t->conn, b->str, (int)b->len) != 1)
				r = au_team_fail(t, err, EIO, "sending rows");
			g_string_truncate(b, 0);
		}
	}
	au_store_iter_free(it);
	if (r == 0 && b->len && PQputCopyData(t->conn, b->str, (int)b->len) != 1)
		r = au_team_fail(t, err, EIO, "sending rows");
	g_string_free(b, TRUE);
	if (PQputCopyEnd(t->conn, r < 0 ? "aborted" : NULL) != 1 && r == 0)
		r = au_team_fail(t, err, EIO, "ending the copy");
	while ((pr = PQgetResult(t->conn))) {
		if (PQresultStatus(pr) != PGRES_COMMAND_OK && r == 0)
			r = au_team_fail(t, err, EIO, "copying rows");
		PQclear(pr);
	}
	return r;
}

int au_team_push(au_team *t, au_store *s, const au_team_section *c, au_team_push_result *ret, au_err *err)
{
	*ret = (au_team_push_result){0};
	char *mid = NULL, *wm = NULL;
	int64_t upto = 0, local_wm = -1;
	int r;
	/* 1: the machine id, the change log and where it ends, in one short
	 * local write transaction */
	if ((r = au_store_begin(s, err)) < 0)
		return r;
	if ((r = au_team_machine_id(s, &mid, err)) < 0 || (r = au_store_team_track(s, err)) < 0 ||
	    (r = au_store_team_last_change(s, &upto, err)) < 0 || (r = au_store_commit(s, err)) < 0) {
		au_store_rollback(s);
		free(mid);
		return r;
	}
	if (au_store_meta_get(s, "team.watermark", &wm) == 0) {
		if (!au_parse_int64(wm, &local_wm))
			local_wm = -1;
		free(wm);
	}

	/* 2: the server, in one transaction */
	PGresult *res = NULL;
	if ((r = au_team_exec(t, "BEGIN", err)) < 0)
		goto out;
	const char *p3[] = {mid, c->machine, c->user};
	res = au_team_query(t,
			    "INSERT INTO machines(machine_id, machine, username) VALUES($1, $2, $3)"
			    " ON CONFLICT(machine_id) DO UPDATE SET machine = excluded.machine,"
			    " username = excluded.username RETURNING pushed_seq, last_push IS NULL",
			    3, p3, err, "registering this machine", &r);
	if (!res)
		goto abort;
	int64_t server_wm = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	bool fresh = PQgetvalue(res, 0, 1)[0] == 't';
	PQclear(res);
	/* The server must hold exactly what the local watermark says it does;
	 * anything else (a new server, a restored store) sends every row. */
	ret->full = local_wm < 0 || fresh || server_wm != local_wm;
	if ((r = au_team_exec(t,
			      "CREATE TEMPORARY TABLE push_in(key text NOT NULL, present boolean NOT NULL,"
			      " source text, ts bigint, session text, project text, model text, sidechain boolean,"
			      " input bigint, cc5m bigint, cc1h bigint, cache_read bigint, output bigint,"
			      " reasoning bigint, cost bigint, tool_cost bigint) ON COMMIT DROP",
			      err)) < 0)
		goto abort;
	if ((r = copy_rows(t, s, c, ret->full ? -1 : local_wm, upto, ret, err)) < 0)
		goto abort;
	char seq[32];
	snprintf(seq, sizeof(seq), "%" PRId64, upto);
	const char *p1[] = {mid};
	const char *p2[] = {mid, seq};
	if (!(res = au_team_query(t,
				  "INSERT INTO usage SELECT $1, key, source, ts, session, project, model, sidechain,"
				  " input, cc5m, cc1h, cache_read, output, reasoning, cost, tool_cost FROM push_in"
				  " WHERE present ON CONFLICT(machine_id, key) DO UPDATE SET source = excluded.source,"
				  " ts = excluded.ts, session = excluded.session, project = excluded.project,"
				  " model = excluded.model, sidechain = excluded.sidechain, input = excluded.input,"
				  " cc5m = excluded.cc5m, cc1h = excluded.cc1h, cache_read = excluded.cache_read,"
				  " output = excluded.output, reasoning = excluded.reasoning, cost = excluded.cost,"
				  " tool_cost = excluded.tool_cost",
				  1, p1, err, "storing rows", &r)))
		goto abort;
	PQclear(res);
	if (!(res = au_team_query(t,
				  ret->full ? "DELETE FROM usage u WHERE u.machine_id = $1 AND NOT EXISTS("
					      "SELECT 1 FROM push_in p WHERE p.key = u.key AND p.present)"
					    : "DELETE FROM usage u USING push_in p WHERE u.machine_id = $1"
					      " AND u.key = p.key AND NOT p.present",
				  1, p1, err, "withdrawing rows", &r)))
		goto abort;
	if (ret->full)
		ret->withdrawn = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	if (!(res = au_team_query(t, "UPDATE machines SET last_push = now(), pushed_seq = $2 WHERE machine_id = $1",
				  2, p2, err, "recording the push", &r)))
		goto abort;
	PQclear(res);
	if ((r = au_team_exec(t, "COMMIT", err)) < 0)
		goto out;

	/* 3: the watermark, only now that the server has committed. If this
	 * fails, the next push finds the server ahead and sends everything. */
	ret->watermark = upto;
	if ((r = au_store_begin(s, err)) == 0) {
		if ((r = au_store_meta_set(s, "team.watermark", seq, err)) < 0 ||
		    (r = au_store_team_forget(s, upto, err)) < 0 || (r = au_store_commit(s, err)) < 0)
			au_store_rollback(s);
	}
	goto out;
abort:
	if (PQstatus(t->conn) == CONNECTION_OK)
		PQclear(PQexec(t->conn, "ROLLBACK"));
out:
	free(mid);
	return r;
}

/* ---- status ---- */

void au_team_status_free(au_team_status *st)
{
	if (!st)
		return;
	if (st->machines)
		g_ptr_array_free(st->machines, TRUE);
	free(st->server);
	free(st);
}

static void machine_free(au_team_machine *m)
{
	free(m->machine_id);
	free(m->machine);
	free(m->user);
	free(m);
}

int au_team_status_get(au_team *t, au_team_status **ret, au_err *err)
{
	int r;
	*ret = NULL;
	PGresult *res = au_team_query(
		t,
		"SELECT m.machine_id, m.machine, m.username,"
		" (extract(epoch FROM m.first_push) * 1000)::bigint,"
		" coalesce((extract(epoch FROM m.last_push) * 1000)::bigint, 0),"
		" (SELECT count(*) FROM usage u WHERE u.machine_id = m.machine_id)"
		" FROM machines m ORDER BY m.username, m.machine, m.machine_id",
		0, NULL, err, "reading the machines", &r);
	if (!res)
		return r;
	au_team_status *st = xcalloc(1, sizeof(*st));
	st->server = xstrdup(t->server);
	st->schema_version = t->version;
	st->machines = g_ptr_array_new_with_free_func((GDestroyNotify)machine_free);
	for (int i = 0; i < PQntuples(res); i++) {
		au_team_machine *m = xcalloc(1, sizeof(*m));
		m->machine_id = xstrdup(PQgetvalue(res, i, 0));
		m->machine = xstrdup(PQgetvalue(res, i, 1));
		m->user = xstrdup(PQgetvalue(res, i, 2));
		m->first_push_ms = strtoll(PQgetvalue(res, i, 3), NULL, 10);
		m->last_push_ms = strtoll(PQgetvalue(res, i, 4), NULL, 10);
		m->rows = strtoll(PQgetvalue(res, i, 5), NULL, 10);
		st->rows += m->rows;
		g_ptr_array_add(st->machines, m);
	}
	PQclear(res);
	*ret = st;
	return 0;
}

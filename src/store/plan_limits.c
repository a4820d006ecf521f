/*
 * The rate_limit, source_health, file_health and unknown_field tables
 * (plan_limits.h): writes from the scan and the statusline, reads for `limits`,
 * `sources`, `status` and the watcher's silent-tool notice.
 */
#include "plan_limits.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "store_internal.h"

#define DAY_MS INT64_C(86400000)

int au_store_limit_put(au_store *s, const au_limit *lim, const char *origin, au_err *err)
{
	sqlite3_stmt *st;
	int r = au_store_named(s, AU_NS_LIMIT_PUT,
		       "INSERT OR IGNORE INTO rate_limit(source, win, observed_at, used_percent, window_minutes,"
		       " resets_at, plan_type, origin) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
		       &st, err, "writing the store");
	if (r < 0)
		return r;
	sqlite3_bind_text(st, 1, au_source_name(lim->source), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, lim->window, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, lim->observed_ms);
	sqlite3_bind_double(st, 4, lim->used_percent);
	if (lim->window_minutes > 0)
		sqlite3_bind_int(st, 5, lim->window_minutes);
	if (lim->resets_at_ms >= 0)
		sqlite3_bind_int64(st, 6, lim->resets_at_ms);
	if (lim->plan[0])
		sqlite3_bind_text(st, 7, lim->plan, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, origin, -1, SQLITE_STATIC);
	return au_store_run_named(s, st, err, "writing the store");
}

/* Columns 0..6 of a rate_limit row into *ret. */
static void limit_row(sqlite3_stmt *st, au_limit *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->source = au_source_by_name((const char *)sqlite3_column_text(st, 0));
	g_strlcpy(ret->window, (const char *)sqlite3_column_text(st, 1), sizeof(ret->window));
	ret->observed_ms = sqlite3_column_int64(st, 2);
	ret->used_percent = sqlite3_column_double(st, 3);
	ret->window_minutes = sqlite3_column_type(st, 4) == SQLITE_NULL ? 0 : sqlite3_column_int(st, 4);
	ret->resets_at_ms = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 5);
	if (sqlite3_column_type(st, 6) != SQLITE_NULL)
		g_strlcpy(ret->plan, (const char *)sqlite3_column_text(st, 6), sizeof(ret->plan));
}

#define LIMIT_COLS "source, win, observed_at, used_percent, window_minutes, resets_at, plan_type"

static int cmp_limit(const void *a, const void *b)
{
	const au_limit *x = a, *y = b;
	if (x->source != y->source)
		return x->source < y->source ? -1 : 1;
	return strcmp(x->window, y->window);
}

int au_store_limits_latest(au_store *s, au_limit **ret, size_t *ret_n, au_err *err)
{
	*ret = NULL;
	*ret_n = 0;
	sqlite3_stmt *st;
	/* the primary key leads with (source, win): max() per group is a seek */
	if (sqlite3_prepare_v2(s->db,
			       "SELECT " LIMIT_COLS " FROM rate_limit AS r WHERE observed_at ="
			       " (SELECT max(observed_at) FROM rate_limit WHERE source = r.source AND win = r.win)",
			       -1, &st, NULL) != SQLITE_OK)
		return au_store_fail(s, err, "reading the store");
	GArray *a = g_array_new(FALSE, FALSE, sizeof(au_limit));
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		au_limit l;
		limit_row(st, &l);
		if (l.source != AU_SRC_NONE)
			g_array_append_val(a, l);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		g_array_free(a, TRUE);
		return au_store_fail(s, err, "reading the store");
	}
	if (a->len > 1) /* an empty GArray has no data to hand qsort */
		qsort(a->data, a->len, sizeof(au_limit), cmp_limit);
	*ret_n = a->len;
	*ret = (au_limit *)g_array_free(a, FALSE);
	return 0;
}

/* How far apart two reports of one window's reset time may be. */
#define RESET_JITTER_MS INT64_C(120000)

int au_store_limit_window_start(au_store *s, const au_limit *latest, au_limit *ret, bool *ret_found,
				au_err *err)
{
	*ret_found = false;
	if (latest->resets_at_ms < 0 || latest->window_minutes <= 0)
		return 0;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db,
			       "SELECT " LIMIT_COLS " FROM rate_limit WHERE source = ?1 AND win = ?2"
			       " AND observed_at >= ?3 AND observed_at <= ?4 AND resets_at BETWEEN ?5 AND ?6"
			       " ORDER BY observed_at LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return au_store_fail(s, err, "reading the store");
	sqlite3_bind_text(st, 1, au_source_name(latest->source), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, latest->window, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, latest->resets_at_ms - (int64_t)latest->window_minutes * 60000);
	sqlite3_bind_int64(st, 4, latest->observed_ms);
	sqlite3_bind_int64(st, 5, latest->resets_at_ms - RESET_JITTER_MS);
	sqlite3_bind_int64(st, 6, latest->resets_at_ms + RESET_JITTER_MS);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		limit_row(st, ret);
		*ret_found = true;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return au_store_fail(s, err, "reading the store");
	return 0;
}

int au_store_health_note(au_store *s, int64_t file_id, au_source src, int64_t write_ms, int64_t now_ms,
			 int64_t lines, int64_t malformed, int64_t rows, int64_t quiet, au_err *err)
{
	if (lines <= 0 && rows <= 0)
		return 0;
	const char *name = au_source_name(src);
	sqlite3_stmt *st;
	int r = au_store_named(s, AU_NS_HEALTH_DAY,
		       "INSERT INTO source_health(source, day, lines, malformed, rows) VALUES(?1, ?2, ?3, ?4, ?5)"
		       " ON CONFLICT(source, day) DO UPDATE SET lines = lines + excluded.lines,"
		       " malformed = malformed + excluded.malformed, rows = rows + excluded.rows",
		       &st, err, "writing the store");
	if (r < 0)
		return r;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now_ms / DAY_MS);
	sqlite3_bind_int64(st, 3, lines);
	sqlite3_bind_int64(st, 4, malformed);
	sqlite3_bind_int64(st, 5, rows);
	if ((r = au_store_run_named(s, st, err, "writing the store")) < 0)
		return r;
	/* a file that gave a row is not quiet; one that did not adds its lines */
	r = au_store_named(s, AU_NS_HEALTH_FILE,
		   "INSERT INTO file_health(file_id, source, grew_at, write_at, produced_at, quiet_lines)"
		   " VALUES(?1, ?2, ?3, ?4, CASE WHEN ?5 > 0 THEN ?3 END, CASE WHEN ?5 > 0 THEN 0 ELSE ?6 END)"
		   " ON CONFLICT(file_id) DO UPDATE SET source = excluded.source, grew_at = excluded.grew_at,"
		   " write_at = excluded.write_at,"
		   " produced_at = coalesce(excluded.produced_at, produced_at),"
		   " quiet_lines = CASE WHEN ?5 > 0 THEN 0 ELSE quiet_lines + ?6 END",
		   &st, err, "writing the store");
	if (r < 0)
		return r;
	sqlite3_bind_int64(st, 1, file_id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now_ms);
	sqlite3_bind_int64(st, 4, write_ms);
	sqlite3_bind_int64(st, 5, rows);
	sqlite3_bind_int64(st, 6, quiet);
	return au_store_run_named(s, st, err, "writing the store");
}

int au_store_source_health(au_store *s, int64_t now_ms, au_source_health ret[AU_SRC_MAX], au_err *err)
{
	for (int i = 0; i < AU_SRC_MAX; i++)
		ret[i] = (au_source_health){.last_write_ms = -1, .last_produced_ms = -1, .silent_since_ms = -1};
	sqlite3_stmt *st;
	int64_t today = now_ms / DAY_MS;
	/* per source: its files' newest write and row, then the errors by day */
	if (sqlite3_prepare_v2(s->db, "SELECT source, max(grew_at), max(produced_at) FROM file_health GROUP BY source",
			       -1, &st, NULL) != SQLITE_OK)
		return au_store_fail(s, err, "reading the store");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		au_source src = au_source_by_name((const char *)sqlite3_column_text(st, 0));
		if (src == AU_SRC_NONE)
			continue;
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			ret[src].last_write_ms = sqlite3_column_int64(st, 1);
		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			ret[src].last_produced_ms = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return au_store_fail(s, err, "reading the store");

	if (sqlite3_prepare_v2(s->db,
			       "SELECT source, sum(CASE WHEN day >= ?1 THEN lines END),"
			       " sum(CASE WHEN day >= ?1 THEN malformed END), sum(lines), sum(malformed)"
			       " FROM source_health WHERE day >= ?2 GROUP BY source",
			       -1, &st, NULL) != SQLITE_OK)
		return au_store_fail(s, err, "reading the store");
	sqlite3_bind_int64(st, 1, today);
	sqlite3_bind_int64(st, 2, today - 6);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		au_source src = au_source_by_name((const char *)sqlite3_column_text(st, 0));
		if (src == AU_SRC_NONE)
			continue;
		ret[src].lines_day = sqlite3_column_int64(st, 1);
		ret[src].malformed_day = sqlite3_column_int64(st, 2);
		ret[src].lines_week = sqlite3_column_int64(st, 3);
		ret[src].malformed_week = sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return au_store_fail(s, err, "reading the store");

	/* files grown after their tool's last row, and quiet since; the last
	 * rows summed once per source (a subquery per file is quadratic: 7 s
	 * at 20k files) */
	if (sqlite3_prepare_v2(s->db,
			       "SELECT f.source, count(*), sum(f.quiet_lines), min(f.grew_at) FROM file_health AS f"
			       " JOIN (SELECT source, max(produced_at) AS last FROM file_health GROUP BY source) AS m"
			       " ON m.source = f.source"
			       " WHERE f.quiet_lines > 0 AND f.grew_at > coalesce(m.last, -1)"
			       " AND f.grew_at >= ?1 GROUP BY f.source",
			       -1, &st, NULL) != SQLITE_OK)
		return au_store_fail(s, err, "reading the store");
	sqlite3_bind_int64(st, 1, now_ms - 7 * DAY_MS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		au_source src = au_source_by_name((const char *)sqlite3_column_text(st, 0));
		if (src == AU_SRC_NONE)
			continue;
		ret[src].silent_files = sqlite3_column_int64(st, 1);
		ret[src].silent_lines = sqlite3_column_int64(st, 2);
		ret[src].silent_since_ms =
			ret[src].last_produced_ms >= 0 ? ret[src].last_produced_ms : sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return au_store_fail(s, err, "reading the store");
	return 0;
}

bool au_source_health_silent(const au_source_health *h)
{
	return h->silent_files >= AU_SILENT_FILES && h->silent_lines >= AU_SILENT_LINES;
}

void au_source_health_warning(au_source src, const au_source_health *h, char *buf, size_t n)
{
	char day[16] = "?";
	time_t t = (time_t)(h->silent_since_ms / 1000);
	struct tm tm;
	if (h->silent_since_ms >= 0 && gmtime_r(&t, &tm))
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	snprintf(buf, n,
		 "%s: %" PRId64 " file%s written since %s, no usage found in them: the log format may have"
		 " changed; please report it with `aiusage sources --json`",
		 au_source_name(src), h->silent_files, h->silent_files == 1 ? "" : "s", day);
}

double au_health_error_rate(int64_t malformed, int64_t lines)
{
	if (lines <= 0)
		return -1;
	return (double)malformed * 1000.0 / (double)lines;
}

int au_store_unknown_field(au_store *s, au_source src, const char *name, int64_t now_ms, bool *ret_new,
			   au_err *err)
{
	*ret_new = false;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO unknown_field(source, name, first_at) VALUES(?1, ?2, ?3)",
			       -1, &st, NULL) != SQLITE_OK)
		return au_store_fail(s, err, "writing the store");
	sqlite3_bind_text(st, 1, au_source_name(src), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, now_ms);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return au_store_fail(s, err, "writing the store");
	*ret_new = sqlite3_changes(s->db) > 0;
	return 0;
}

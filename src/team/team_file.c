/*
 * aiusage's export file: every usage row with its machine id, so two
 * machines can be merged without a server. JSON Lines, UTF-8:
 *
 *   line 1  {"aiusageExport":1,"machineId":ID,"exportedAt":MS,
 *            "machines":[{"machineId":ID,"machine":NAME,"user":NAME},...]}
 *   then    {"machineId":ID,"key":K,"source":S,"ts":MS,"session":S,
 *            "project":P,"model":M,"sidechain":B,"input":N,"cacheCreate5m":N,
 *            "cacheCreate1h":N,"cacheRead":N,"output":N,"reasoning":N,
 *            "cost":PICO|null,"toolCost":PICO|null}   one per row
 *
 * Costs are integer pico-dollars. Rows this store imported from another
 * machine are exported under that machine's id, so files merge in any
 * order. An import keys another machine's rows "import:ID:KEY" and replaces
 * everything an earlier import of that machine brought.
 */
#include "team.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jsonw.h"
#include "team_internal.h"

#define FILE_VERSION 1
#define MAX_LINE (1 << 20) /* a row is far below this: longer is not our file */

/* Meta key holding an imported machine's names: "machine\x1fuser". */
char *au_team_import_names_key(const char *mid)
{
	return xasprintf("team.import.%s", mid);
}

static void write_machine(au_jw *w, const char *mid, const char *machine, const char *user)
{
	au_jw_obj_begin(w);
	au_jw_kstr(w, "machineId", mid);
	au_jw_kstr(w, "machine", machine);
	au_jw_kstr(w, "user", user);
	au_jw_obj_end(w);
}

int au_team_export(au_store *s, const au_team_section *c, const char *path, au_team_file_result *ret,
		   au_err *err)
{
	*ret = (au_team_file_result){0};
	char *mid = NULL;
	int r = au_team_machine_id(s, &mid, err);
	if (r < 0)
		return r;
	char *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
	FILE *f = fopen(tmp, "w");
	if (!f) {
		r = au_fail(err, errno, "cannot write %s: %s", tmp, strerror(errno));
		free(tmp);
		free(mid);
		return r;
	}
	/* The machines first: ours, then every one imported so far. */
	GHashTable *machines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	au_store_iter *it = NULL;
	au_team_row row;
	if ((r = au_store_team_rows_iter(s, -1, 0, &it, err)) == 0) {
		int n;
		while ((n = au_store_team_rows_next(it, &row, err)) > 0)
			if (g_str_has_prefix(row.key, AU_TEAM_IMPORT_PREFIX)) {
				const char *id = row.key + strlen(AU_TEAM_IMPORT_PREFIX);
				const char *colon = strchr(id, ':');
				if (colon)
					g_hash_table_add(machines, g_strndup(id, (gsize)(colon - id)));
			}
		r = n;
		au_store_iter_free(it);
		it = NULL;
	}
	/* one writer per line: JSON Lines, not one JSON value */
	au_jw w;
	int wr = 0;
	if (r == 0) {
		au_jw_init_file(&w, f);
		au_jw_obj_begin(&w);
		au_jw_kint(&w, "aiusageExport", FILE_VERSION);
		au_jw_kstr(&w, "machineId", mid);
		au_jw_kint(&w, "exportedAt", g_get_real_time() / 1000);
		au_jw_key(&w, "machines");
		au_jw_arr_begin(&w);
		write_machine(&w, mid, c->machine, c->user);
		GHashTableIter hi;
		gpointer k;
		g_hash_table_iter_init(&hi, machines);
		while (g_hash_table_iter_next(&hi, &k, NULL)) {
			char *key = au_team_import_names_key(k), *v = NULL;
			au_store_meta_get(s, key, &v);
			char *sep = v ? strchr(v, '\x1f') : NULL;
			if (sep)
				*sep = '\0';
			write_machine(&w, k, v ? v : "", sep ? sep + 1 : "");
			free(v);
			free(key);
		}
		au_jw_arr_end(&w);
		au_jw_obj_end(&w);
		if ((wr = au_jw_finish(&w)) == 0 && fputc('\n', f) == EOF)
			wr = -EIO;
		if (wr == 0)
			r = au_store_team_rows_iter(s, -1, 0, &it, err);
	}
	while (r == 0) {
		int n = au_store_team_rows_next(it, &row, err);
		if (n <= 0) {
			r = n;
			break;
		}
		const char *key = row.key;
		char *owner = NULL;
		if (g_str_has_prefix(key, AU_TEAM_IMPORT_PREFIX)) {
			const char *id = key + strlen(AU_TEAM_IMPORT_PREFIX), *colon = strchr(id, ':');
			if (!colon)
				continue;
			owner = g_strndup(id, (gsize)(colon - id));
			key = colon + 1;
		}
		char *proj = owner ? xstrdup(row.project) : au_team_project_out(c, row.project);
		au_jw_init_file(&w, f);
		au_jw_obj_begin(&w);
		au_jw_kstr(&w, "machineId", owner ? owner : mid);
		au_jw_kstr(&w, "key", key);
		au_jw_kstr(&w, "source", row.source);
		au_jw_kint(&w, "ts", row.ts);
		au_jw_kstr(&w, "session", row.session);
		au_jw_kstr(&w, "project", proj);
		au_jw_kstr(&w, "model", row.model);
		au_jw_kbool(&w, "sidechain", row.sidechain);
		au_jw_kint(&w, "input", row.tok.input);
		au_jw_kint(&w, "cacheCreate5m", row.tok.cache_create_5m);
		au_jw_kint(&w, "cacheCreate1h", row.tok.cache_create_1h);
		au_jw_kint(&w, "cacheRead", row.tok.cache_read);
		au_jw_kint(&w, "output", row.tok.output);
		au_jw_kint(&w, "reasoning", row.tok.reasoning);
		au_jw_key(&w, "cost");
		if (row.cost == AU_COST_UNPRICED)
			au_jw_null(&w);
		else
			au_jw_int(&w, row.cost);
		au_jw_key(&w, "toolCost");
		if (row.has_tool_cost)
			au_jw_int(&w, row.tool_cost);
		else
			au_jw_null(&w);
		au_jw_obj_end(&w);
		free(proj);
		g_free(owner);
		if ((wr = au_jw_finish(&w)) < 0 || fputc('\n', f) == EOF) {
			wr = wr < 0 ? wr : -EIO;
			break;
		}
		ret->rows++;
	}
	au_store_iter_free(it);
	g_hash_table_destroy(machines);
	if (fclose(f) != 0 && wr == 0)
		wr = -EIO;
	if (r == 0 && wr < 0)
		r = au_fail(err, -wr, "cannot write %s: %s", tmp, strerror(-wr));
	if (r == 0 && rename(tmp, path) < 0)
		r = au_fail(err, errno, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
	if (r < 0)
		unlink(tmp);
	free(tmp);
	free(mid);
	return r;
}

/* ---- import ---- */

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool jint(json_t *o, const char *k, int64_t *ret)
{
	json_t *v = json_object_get(o, k);
	if (!json_is_integer(v))
		return false;
	*ret = json_integer_value(v);
	return true;
}

/* The row of one line; false when a field is missing or mistyped. */
static bool parse_row(json_t *o, au_team_row *row, const char **ret_mid)
{
	*row = (au_team_row){.present = true};
	*ret_mid = jstr(o, "machineId");
	row->key = jstr(o, "key");
	row->source = jstr(o, "source");
	row->session = jstr(o, "session");
	row->project = jstr(o, "project");
	row->model = jstr(o, "model");
	json_t *sc = json_object_get(o, "sidechain"), *cost = json_object_get(o, "cost"),
	       *tc = json_object_get(o, "toolCost");
	if (!*ret_mid || !**ret_mid || strchr(*ret_mid, ':') || !row->key || !row->source ||
	    au_source_by_name(row->source) == AU_SRC_NONE || !row->session || !row->project || !row->model ||
	    !json_is_boolean(sc) || !jint(o, "ts", &row->ts) || !jint(o, "input", &row->tok.input) ||
	    !jint(o, "cacheCreate5m", &row->tok.cache_create_5m) ||
	    !jint(o, "cacheCreate1h", &row->tok.cache_create_1h) || !jint(o, "cacheRead", &row->tok.cache_read) ||
	    !jint(o, "output", &row->tok.output) || !jint(o, "reasoning", &row->tok.reasoning) ||
	    !(json_is_null(cost) || json_is_integer(cost)) || !(json_is_null(tc) || json_is_integer(tc)))
		return false;
	row->sidechain = json_is_true(sc);
	row->cost = json_is_integer(cost) ? json_integer_value(cost) : AU_COST_UNPRICED;
	row->has_tool_cost = json_is_integer(tc);
	row->tool_cost = row->has_tool_cost ? json_integer_value(tc) : 0;
	return true;
}

int au_team_import(au_store *s, const char *path, au_team_file_result *ret, au_err *err)
{
	*ret = (au_team_file_result){0};
	FILE *f = fopen(path, "r");
	if (!f)
		return au_fail(err, errno, "cannot read %s: %s", path, strerror(errno));
	char *mine = NULL, *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	int r = au_store_begin(s, err);
	if (r == 0)
		r = au_team_machine_id(s, &mine, err);
	/* per machine of the file: the set of keys it holds now */
	GHashTable *keep = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
						 (GDestroyNotify)g_hash_table_destroy);
	while (r == 0 && (len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len > MAX_LINE) {
			r = au_fail(err, EFBIG, "%s:%ld: a line longer than %d bytes: not an aiusage export", path,
				    lineno, MAX_LINE);
			break;
		}
		json_error_t je;
		json_t *o = json_loadb(line, (size_t)len, 0, &je);
		if (!json_is_object(o)) {
			r = au_fail(err, EINVAL, "%s:%ld: not a JSON object: not an aiusage export", path, lineno);
			json_decref(o);
			break;
		}
		if (lineno == 1) {
			int64_t v = 0;
			if (!jint(o, "aiusageExport", &v) || v != FILE_VERSION) {
				r = au_fail(err, EINVAL, "%s: not an aiusage export (version %d) file", path, FILE_VERSION);
			} else {
				json_t *ms = json_object_get(o, "machines"), *m;
				size_t i;
				json_array_foreach(ms, i, m)
				{
					const char *id = jstr(m, "machineId"), *name = jstr(m, "machine"),
						   *user = jstr(m, "user");
					if (!id || !*id || strchr(id, ':') || !strcmp(id, mine))
						continue;
					if (!g_hash_table_contains(keep, id))
						g_hash_table_insert(keep, g_strdup(id),
								    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL));
					char *k = au_team_import_names_key(id), *v2 = xasprintf("%s\x1f%s", name ? name : "", user ? user : "");
					if (r == 0)
						r = au_store_meta_set(s, k, v2, err);
					free(k);
					free(v2);
				}
			}
			json_decref(o);
			continue;
		}
		au_team_row row;
		const char *mid;
		if (!parse_row(o, &row, &mid)) {
			r = au_fail(err, EINVAL, "%s:%ld: a row with a missing or mistyped field", path, lineno);
		} else if (strcmp(mid, mine) != 0) {
			char *key = xasprintf(AU_TEAM_IMPORT_PREFIX "%s:%s", mid, row.key);
			GHashTable *set = g_hash_table_lookup(keep, mid);
			if (!set) {
				set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
				g_hash_table_insert(keep, g_strdup(mid), set);
			}
			row.key = key;
			r = au_store_import_put(s, &row, err);
			ret->changed += au_store_changes(s);
			g_hash_table_add(set, key);
			ret->rows++;
		}
		json_decref(o);
	}
	if (r == 0 && lineno == 0)
		r = au_fail(err, EINVAL, "%s is empty: not an aiusage export", path);
	if (r == 0 && ferror(f))
		r = au_fail(err, EIO, "cannot read %s", path);
	GHashTableIter hi;
	gpointer k, v;
	g_hash_table_iter_init(&hi, keep);
	while (r == 0 && g_hash_table_iter_next(&hi, &k, &v)) {
		char *prefix = xasprintf(AU_TEAM_IMPORT_PREFIX "%s:", (char *)k);
		int64_t removed = 0;
		r = au_store_import_prune(s, prefix, v, &removed, err);
		ret->removed += removed;
		ret->machines++;
		free(prefix);
	}
	if (r == 0)
		r = au_store_commit(s, err);
	if (r < 0)
		au_store_rollback(s);
	g_hash_table_destroy(keep);
	free(line);
	free(mine);
	fclose(f);
	return r;
}

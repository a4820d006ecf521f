/*
 * OpenCode: parsers/opencode.c row by row and file by file,
 * watchers/tool_opencode.c's roots and file rules, and the scan against
 * real SQLite databases built here from SQL (never checked in): a WAL
 * database held open by a writer as OpenCode holds it, a row read before
 * and after its tokens were filled in place, legacy message files that
 * duplicate database rows, and a database locked by another process (the
 * sqlite3 CLI holding BEGIN EXCLUSIVE in rollback-journal mode). Every
 * number is worked out by hand beside it.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "storeq.h"
#include "parser.h"
#include "pricing.h"
#include "scan.h"
#include "sources.h"
#include "store.h"

extern const au_parser_ops au_parser_opencode, au_parser_opencode_json;

#define DB (&au_parser_opencode)
#define JS (&au_parser_opencode_json)

typedef struct collected {
	au_event ev[4];
	int n;
} collected;

static int collect(void *ctx, const au_event *ev)
{
	collected *c = ctx;
	if (c->n < 4)
		c->ev[c->n++] = *ev;
	return 0;
}

typedef struct result {
	int r;
	collected c;
	au_err err;
} result;

/* One message row (id, session_id, data) as read_database hands it over:
 * text columns with their lengths, NULL for SQL NULL. */
static result row(const char *id, const char *session, const char *data)
{
	result out;
	memset(&out, 0, sizeof(out));
	const char *cols[3] = {id, session, data};
	size_t lens[3] = {id ? strlen(id) : 0, session ? strlen(session) : 0, data ? strlen(data) : 0};
	void *st = calloc(1, DB->state_size);
	DB->init(st, "/home/u/.local/share/opencode/opencode.db");
	out.r = DB->parse_row(st, 3, cols, lens, collect, &out.c, &out.err);
	free(st);
	if (out.r < 0)
		CHECK(out.err.msg[0] != '\0');
	return out;
}

static result file(const char *path, const char *text)
{
	result out;
	memset(&out, 0, sizeof(out));
	void *st = calloc(1, JS->state_size);
	JS->init(st, path);
	out.r = JS->parse_file(st, text, strlen(text), collect, &out.c, &out.err);
	free(st);
	if (out.r < 0)
		CHECK(out.err.msg[0] != '\0');
	return out;
}

static void check_tokens(const au_event *ev, int64_t in, int64_t cr, int64_t cw, int64_t out, int64_t rs, int at)
{
	int before = check_failures;
	CHECK_INT(ev->tok.input, in);
	CHECK_INT(ev->tok.cache_read, cr);
	CHECK_INT(ev->tok.cache_create_5m, cw);
	CHECK_INT(ev->tok.cache_create_1h, 0);
	CHECK_INT(ev->tok.output, out);
	CHECK_INT(ev->tok.reasoning, rs);
	if (check_failures != before)
		fprintf(stderr, "  (tokens checked from line %d)\n", at);
}
#define TOKENS(ev, in, cr, cw, out, rs) check_tokens(ev, in, cr, cw, out, rs, __LINE__)

/* The data column: the message JSON without id and sessionID. */
#define ASST(provider, model, tokens)                                                                        \
	"{\"role\":\"assistant\",\"time\":{\"created\":1767348001000,\"completed\":1767348009000},"          \
	"\"parentID\":\"msg_u1\",\"modelID\":\"" model "\",\"providerID\":\"" provider "\",\"mode\":\"build\"," \
	"\"agent\":\"build\",\"path\":{\"cwd\":\"/home/u/webapp\",\"root\":\"/home/u/webapp\"},\"cost\":0.0123," \
	"\"tokens\":" tokens ",\"finish\":\"stop\"}"
#define TOK(total, in, out, rs, read, write)                                                                  \
	"{" total "\"input\":" #in ",\"output\":" #out ",\"reasoning\":" #rs ",\"cache\":{\"read\":" #read \
	",\"write\":" #write "}}"
#define TOTAL(n) "\"total\":" #n ","

static void test_rows(void)
{
	/* Anthropic: input already excludes the cache; writes have no 5m/1h split */
	result x = row("msg_a1", "ses_1", ASST("anthropic", "claude-sonnet-4-5", TOK(TOTAL(12000), 120, 450, 0, 11000, 430)));
	CHECK_INT(x.r, 0);
	CHECK_INT(x.c.n, 1);
	au_event *ev = &x.c.ev[0];
	CHECK_INT(ev->source, AU_SRC_OPENCODE);
	CHECK_INT(ev->dedup, AU_DEDUP_LATEST);
	CHECK_STR(ev->key, "o:msg_a1");
	CHECK_STR(ev->msg_id, "msg_a1");
	CHECK_STR(ev->session, "ses_1");
	CHECK_STR(ev->model, "claude-sonnet-4-5");
	CHECK_STR(ev->cwd, "/home/u/webapp");
	CHECK_INT(ev->ts_ms, 1767348001000);
	CHECK(!ev->sidechain && !ev->model_fallback);
	TOKENS(ev, 120, 11000, 430, 450, 0);

	/* OpenAI: total 10900 = 2000 + 8000 + 900, so the 600 reasoning tokens
	 * are inside the 900 output */
	x = row("msg_a2", "ses_1", ASST("openai", "gpt-5", TOK(TOTAL(10900), 2000, 900, 600, 8000, 0)));
	TOKENS(&x.c.ev[0], 2000, 8000, 0, 900, 600);
	/* Google: total 4700 = 3000 + 1000 + 200 + 500, reasoning beside output */
	x = row("msg_a3", "ses_1", ASST("google", "gemini-2.5-pro", TOK(TOTAL(4700), 3000, 200, 500, 1000, 0)));
	TOKENS(&x.c.ev[0], 3000, 1000, 0, 700, 500);
	/* without a total: Google's providers report thoughts apart ... */
	x = row("msg_a4", "ses_1", ASST("google-vertex", "gemini-2.5-pro", TOK(, 3000, 200, 100, 1000, 0)));
	TOKENS(&x.c.ev[0], 3000, 1000, 0, 300, 100);
	/* ... the others inside, unless there is more reasoning than output */
	x = row("msg_a5", "ses_1", ASST("openrouter", "openai/gpt-5", TOK(, 100, 200, 100, 0, 0)));
	TOKENS(&x.c.ev[0], 100, 0, 0, 200, 100);
	x = row("msg_a6", "ses_1", ASST("openrouter", "x-ai/grok-4", TOK(, 100, 20, 100, 0, 0)));
	TOKENS(&x.c.ev[0], 100, 0, 0, 120, 100);

	/* a step in progress: the row exists with zeros; user rows carry nothing */
	x = row("msg_a7", "ses_1", ASST("anthropic", "claude-sonnet-4-5", TOK(, 0, 0, 0, 0, 0)));
	CHECK_INT(x.r, 0);
	CHECK_INT(x.c.n, 0);
	x = row("msg_u1", "ses_1",
		"{\"role\":\"user\",\"time\":{\"created\":1767348000000},\"agent\":\"build\","
		"\"model\":{\"providerID\":\"anthropic\",\"modelID\":\"claude-sonnet-4-5\"},\"tokens\":{\"input\":5}}");
	CHECK_INT(x.r, 0);
	CHECK_INT(x.c.n, 0);

	/* JavaScript numbers: a fractional millisecond, a count written as 12.0 */
	x = row("msg_a8", "ses_1",
		"{\"role\":\"assistant\",\"time\":{\"created\":1767349200000.5},\"modelID\":\"claude-haiku-4-5\","
		"\"providerID\":\"github-copilot\",\"path\":{\"root\":\"/home/u/r\"},\"cost\":0,"
		"\"tokens\":{\"input\":500,\"output\":80.0,\"reasoning\":0,\"cache\":{\"read\":0,\"write\":0}}}");
	CHECK_INT(x.c.n, 1);
	CHECK_INT(x.c.ev[0].ts_ms, 1767349200000);
	CHECK_STR(x.c.ev[0].cwd, "/home/u/r"); /* no cwd: the root */
	TOKENS(&x.c.ev[0], 500, 0, 0, 80, 0);
	/* no model, no path, no cache object: still counted, under "unknown" */
	x = row("msg_a9", "ses_1", "{\"role\":\"assistant\",\"time\":{\"created\":1},\"tokens\":{\"input\":1,\"output\":2}}");
	CHECK_INT(x.c.n, 1);
	CHECK_STR(x.c.ev[0].model, "unknown");
	CHECK_STR(x.c.ev[0].cwd, "");
	/* the session from the data when the column is NULL */
	x = row("msg_a10", NULL, "{\"role\":\"assistant\",\"sessionID\":\"ses_9\",\"time\":{\"created\":1},"
				 "\"tokens\":{\"input\":1,\"output\":2}}");
	CHECK_STR(x.c.ev[0].session, "ses_9");
}

static void test_row_errors(void)
{
	/* each names the message, since row numbers do not find it */
	result x = row("msg_e1", "ses_1", "{\"role\":\"assistant\",\"time\":{\"created\":1},\"usage\":{\"input\":1}}");
	CHECK(x.r < 0);
	CHECK(strstr(x.err.msg, "msg_e1") && strstr(x.err.msg, "tokens"));
	x = row("msg_e2", "ses_1", "{\"role\":\"assistant\",\"time\":{\"created\":1},\"tokens\":{\"in\":1,\"out\":2}}");
	CHECK(x.r < 0);
	x = row("msg_e3", "ses_1", "{\"role\":\"assistant\",\"time\":{\"created\":1},\"tokens\":{\"input\":-1,\"output\":2}}");
	CHECK(x.r < 0);
	x = row("msg_e4", "ses_1", "{\"role\":\"assistant\",\"time\":{\"created\":1},\"tokens\":{\"input\":\"1\",\"output\":2}}");
	CHECK(x.r < 0);
	x = row("msg_e5", "ses_1", "{\"role\":\"assistant\",\"time\":{\"created\":1},\"tokens\":{\"input\":1e300,\"output\":2}}");
	CHECK(x.r < 0);
	x = row("msg_e6", "ses_1", "{\"role\":\"assistant\",\"time\":{\"created\":\"today\"},\"tokens\":{\"input\":1,\"output\":2}}");
	CHECK(x.r < 0);
	CHECK(strstr(x.err.msg, "time.created") != NULL);
	x = row("msg_e7", "ses_1", "{\"role\":\"assistant\",\"time\":{\"created\":-5},\"tokens\":{\"input\":1,\"output\":2}}");
	CHECK(x.r < 0);
	x = row("msg_e8", "ses_1", "{\"role\":\"assistant\",\"time\":{\"created\":1},\"tokens\":{\"input\":7");
	CHECK(x.r < 0);
	CHECK(strstr(x.err.msg, "msg_e8") && strstr(x.err.msg, "invalid JSON"));
	x = row("msg_e9", "ses_1", "[1]");
	CHECK(x.r < 0);
	x = row("msg_e10", "ses_1", NULL);
	CHECK(x.r < 0);
	x = row(NULL, "ses_1", "{\"role\":\"assistant\",\"time\":{\"created\":1},\"tokens\":{\"input\":1,\"output\":2}}");
	CHECK(x.r < 0); /* nothing to key it by */
	char id[300];
	memset(id, 'x', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	x = row(id, "ses_1", "{\"role\":\"assistant\",\"time\":{\"created\":1},\"tokens\":{\"input\":1,\"output\":2}}");
	CHECK(x.r < 0);
}

#define LEGACY_DIR "/home/u/.local/share/opencode/storage/message/ses_4e0b/"

static void test_files(void)
{
	/* pretty-printed, with id and sessionID */
	result x = file(LEGACY_DIR "msg_f1.json",
			"{\n  \"id\": \"msg_f1\",\n  \"sessionID\": \"ses_4e0b\",\n  \"role\": \"assistant\",\n"
			"  \"time\": {\"created\": 1765816200000, \"completed\": 1765816220000},\n"
			"  \"modelID\": \"claude-sonnet-4-5\",\n  \"providerID\": \"anthropic\",\n"
			"  \"path\": {\"cwd\": \"/home/u/api\", \"root\": \"/home/u/api\"},\n  \"cost\": 0.0196,\n"
			"  \"tokens\": {\"input\": 300, \"output\": 1200, \"reasoning\": 0,\n"
			"             \"cache\": {\"read\": 20000, \"write\": 1500}}\n}\n");
	CHECK_INT(x.r, 0);
	CHECK_INT(x.c.n, 1);
	CHECK_STR(x.c.ev[0].key, "o:msg_f1"); /* the key its database row has */
	CHECK_STR(x.c.ev[0].session, "ses_4e0b");
	CHECK_STR(x.c.ev[0].cwd, "/home/u/api");
	TOKENS(&x.c.ev[0], 300, 20000, 1500, 1200, 0);
	result y = row("msg_f1", "ses_4e0b",
		       "{\"role\":\"assistant\",\"time\":{\"created\":1765816200000,\"completed\":1765816220000},"
		       "\"modelID\":\"claude-sonnet-4-5\",\"providerID\":\"anthropic\",\"path\":{\"cwd\":\"/home/u/api\","
		       "\"root\":\"/home/u/api\"},\"cost\":0.0196,\"tokens\":{\"input\":300,\"output\":1200,\"reasoning\":0,"
		       "\"cache\":{\"read\":20000,\"write\":1500}}}");
	CHECK_STR(y.c.ev[0].key, x.c.ev[0].key);
	CHECK(memcmp(&y.c.ev[0].tok, &x.c.ev[0].tok, sizeof(au_tokens)) == 0);
	CHECK_INT(y.c.ev[0].ts_ms, x.c.ev[0].ts_ms);
	CHECK_STR(y.c.ev[0].cwd, x.c.ev[0].cwd);

	/* without id and sessionID in the JSON: the file name and its directory */
	x = file(LEGACY_DIR "msg_f2.json", "{\"role\":\"assistant\",\"time\":{\"created\":1},\"tokens\":{\"input\":1,\"output\":2}}");
	CHECK_STR(x.c.ev[0].key, "o:msg_f2");
	CHECK_STR(x.c.ev[0].session, "ses_4e0b");
	/* empty (caught mid-rewrite), a user message, a half-written one */
	x = file(LEGACY_DIR "msg_f3.json", "");
	CHECK_INT(x.r, 0);
	CHECK_INT(x.c.n, 0);
	x = file(LEGACY_DIR "msg_f4.json", "{\"id\":\"msg_f4\",\"role\":\"user\",\"time\":{\"created\":1}}");
	CHECK_INT(x.r, 0);
	CHECK_INT(x.c.n, 0);
	x = file(LEGACY_DIR "msg_f5.json", "{\"id\":\"msg_f5\",\"role\":\"assistant\",\"tokens\":{");
	CHECK(x.r < 0);
	CHECK_INT(x.c.n, 0);
	/* a file only stands in for its database row (issue 18) */
	x = file(LEGACY_DIR "msg_f6.json", "{\"role\":\"assistant\",\"time\":{\"created\":1},\"tokens\":{\"input\":1,\"output\":2}}");
	CHECK_INT(x.c.n, 1);
	CHECK_INT(x.c.ev[0].dedup, AU_DEDUP_FALLBACK);
	/* a message without a role: skipped, and said so (scan -v) */
	x = file(LEGACY_DIR "msg_f7.json", "{\"id\":\"msg_f7\",\"time\":{\"created\":1},\"tokens\":{\"input\":1,\"output\":2}}");
	CHECK_INT(x.r, AU_PARSE_SKIPPED);
	CHECK_INT(x.c.n, 0);
	CHECK(strstr(x.err.msg, "role") != NULL);
	y = row("msg_r1", "ses_1", "{\"time\":{\"created\":1},\"tokens\":{\"input\":1,\"output\":2}}");
	CHECK_INT(y.r, AU_PARSE_SKIPPED);
	CHECK_INT(y.c.n, 0);
	CHECK(strstr(y.err.msg, "role") != NULL);
}

static const au_parser_ops *rule(const char *path)
{
	return au_file_parser(AU_SRC_OPENCODE, path);
}

static void test_rules(void)
{
	CHECK(rule("/d/opencode/opencode.db") == DB);
	CHECK(rule("/d/opencode/opencode-beta.db") == DB);
	CHECK(rule("/d/opencode/opencode-local_2.db") == DB);
	CHECK(rule("/d/opencode/opencode-.db") == NULL);
	CHECK(rule("/d/opencode/opencode-a.b.db") == NULL);
	CHECK(rule("/d/opencode/opencode.db-wal") == NULL);
	CHECK(rule("/d/opencode/opencode.db-shm") == NULL);
	CHECK(rule("/d/opencode/auth.json") == NULL);
	CHECK(rule("/d/opencode/storage/message/ses_1/msg_1.json") == JS);
	CHECK(rule("/d/opencode/storage/message/msg_1.json") == NULL);
	CHECK(rule("/d/opencode/storage/message/ses_1/msg_1.json.tmp") == NULL);
	CHECK(rule("/d/opencode/storage/part/msg_1/prt_1.json") == NULL);
	CHECK(rule("/d/opencode/storage/session/prj_1/ses_1.json") == NULL);
	CHECK(rule("/d/opencode/snapshot/prj_1/objects/ab/cdef") == NULL);
	CHECK(rule("storage/message/ses_1/msg_1.json") == NULL);
}

static void test_roots(const char *home)
{
	au_root *r = au_roots_get(AU_SRC_OPENCODE);
	char *want = g_build_filename(home, ".local/share/opencode", NULL);
	CHECK_STR(r[0].dir, want);
	CHECK_STR(r[0].origin, "default");
	CHECK(r[1].dir == NULL);
	au_roots_free(r);
	g_setenv("XDG_DATA_HOME", "/xdg/data", TRUE);
	r = au_roots_get(AU_SRC_OPENCODE);
	CHECK_STR(r[0].dir, "/xdg/data/opencode");
	au_roots_free(r);
	g_setenv("XDG_DATA_HOME", "relative/data", TRUE); /* not absolute: ignored, as XDG says */
	r = au_roots_get(AU_SRC_OPENCODE);
	CHECK_STR(r[0].dir, want);
	au_roots_free(r);
	g_setenv("OPENCODE_DATA_DIR", "~/oc1/,/srv/oc2", TRUE);
	r = au_roots_get(AU_SRC_OPENCODE);
	char *oc1 = g_build_filename(home, "oc1", NULL);
	CHECK_STR(r[0].dir, oc1);
	CHECK_STR(r[0].origin, "$OPENCODE_DATA_DIR");
	CHECK_STR(r[1].dir, "/srv/oc2");
	CHECK(r[2].dir == NULL);
	au_roots_free(r);
	g_unsetenv("OPENCODE_DATA_DIR");
	g_unsetenv("XDG_DATA_HOME");
	g_free(oc1);
	g_free(want);
}

/* ---- the scan, on real databases -------------------------------------- */

static char *home;
static au_pricing *prices;

static au_scan_stats scan(au_store *s)
{
	return scan_checked(s, prices, AU_SRC_OPENCODE);
}

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fprintf(stderr, "sql failed: %s: %s\n", msg, sql);
	CHECK(msg == NULL);
	sqlite3_free(msg);
}

/* The tables as OpenCode >= 1.2 creates them (the ones read, and a neighbour). */
#define SCHEMA                                                                                                 \
	"CREATE TABLE `session` (`id` text PRIMARY KEY, `project_id` text NOT NULL, `parent_id` text,"        \
	" `slug` text NOT NULL, `directory` text NOT NULL, `title` text NOT NULL, `version` text NOT NULL,"  \
	" `time_created` integer NOT NULL, `time_updated` integer NOT NULL);"                                 \
	"CREATE TABLE `message` (`id` text PRIMARY KEY, `session_id` text NOT NULL,"                          \
	" `time_created` integer NOT NULL, `time_updated` integer NOT NULL, `data` text NOT NULL,"            \
	" FOREIGN KEY (`session_id`) REFERENCES `session`(`id`) ON DELETE cascade);"                           \
	"CREATE INDEX `message_session_idx` ON `message` (`session_id`);"                                     \
	"INSERT INTO session VALUES('ses_1','prj_1',NULL,'calm-river','/home/u/webapp','t','1.2.3',1,1);"

#define ROW(id, tokens)                                                                                        \
	"INSERT INTO message VALUES('" id "','ses_1',1767348001000,1767348001000,'" ASST("anthropic",        \
											 "claude-sonnet-4-5", tokens) "');"
#define FILL(id, tokens)                                                                                       \
	"UPDATE message SET data = '" ASST("anthropic", "claude-sonnet-4-5", tokens) "' WHERE id = '" id "';"

/* Sets a database's and its -wal's times a minute back. */
static void age(const char *db)
{
	struct timespec t[2];
	clock_gettime(CLOCK_REALTIME, &t[0]);
	t[0].tv_sec -= 60;
	t[1] = t[0];
	char *wal = g_strconcat(db, "-wal", NULL);
	CHECK_INT(utimensat(AT_FDCWD, db, t, 0), 0);
	utimensat(AT_FDCWD, wal, t, 0); /* when there is one */
	g_free(wal);
}

static void test_scan_streaming(au_store *s)
{
	char *dir = g_build_filename(home, ".local/share/opencode", NULL);
	g_mkdir_with_parents(dir, 0700);
	char *path = g_build_filename(dir, "opencode.db", NULL);
	/* OpenCode holds its database open in WAL mode all the while */
	sqlite3 *oc;
	CHECK_INT(sqlite3_open(path, &oc), SQLITE_OK);
	exec(oc, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;" SCHEMA);

	/* the step starts: a row of zeros, in the -wal only */
	exec(oc, ROW("msg_s1", TOK(, 0, 0, 0, 0, 0)));
	au_scan_stats st = scan(s);
	CHECK_INT(st.files_read, 1);
	CHECK_INT(st.malformed + st.unreadable, 0);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE source='opencode'"), 0);
	au_scan_stats_release(&st);

	/* it finishes: the same row, filled in place */
	exec(oc, FILL("msg_s1", TOK(, 120, 450, 0, 11000, 430)));
	st = scan(s);
	CHECK_INT(st.responses_new, 1);
	CHECK_INT(q(s, "SELECT input + output + cache_read + cc5m FROM usage WHERE msg_id='msg_s1'"), 12000);
	au_scan_stats_release(&st);

	/* a later step of the same message overwrites its tokens: replaced, not added */
	exec(oc, FILL("msg_s1", TOK(, 200, 900, 0, 11500, 0)));
	exec(oc, ROW("msg_s2", TOK(, 10, 20, 0, 0, 0)));
	st = scan(s);
	CHECK_INT(st.responses_new, 1);
	CHECK_INT(st.responses_replaced, 1);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE source='opencode'"), 2);
	CHECK_INT(q(s, "SELECT sum(output) FROM usage WHERE source='opencode'"), 920);
	CHECK_INT(q(s, "SELECT sum(input) FROM usage WHERE source='opencode'"), 210);
	au_scan_stats_release(&st);

	/* Just written: another write in the same clock tick could keep size
	 * and time, so the next look reads again (nothing new). Once the
	 * files are older than that, nothing changed means not even opened. */
	st = scan(s);
	CHECK_INT(st.files_unchanged, 0);
	CHECK_INT(st.responses_new + st.responses_replaced, 0);
	au_scan_stats_release(&st);
	age(path);
	st = scan(s);
	CHECK_INT(st.files_unchanged, 0); /* the last racy read said "look again" */
	au_scan_stats_release(&st);
	st = scan(s);
	CHECK_INT(st.files_unchanged, 1);
	CHECK_INT(st.bytes_read, 0);
	au_scan_stats_release(&st);

	/* the migration's leftovers: the same message as a file, counted once */
	char *legacy = g_build_filename(dir, "storage/message/ses_1/msg_s2.json", NULL);
	char *ldir = g_path_get_dirname(legacy);
	g_mkdir_with_parents(ldir, 0700);
	CHECK(g_file_set_contents(legacy,
				  "{\"id\":\"msg_s2\",\"sessionID\":\"ses_1\","
				  "\"role\":\"assistant\",\"time\":{\"created\":1767348001000,\"completed\":1767348009000},"
				  "\"parentID\":\"msg_u1\",\"modelID\":\"claude-sonnet-4-5\",\"providerID\":\"anthropic\","
				  "\"mode\":\"build\",\"agent\":\"build\",\"path\":{\"cwd\":\"/home/u/webapp\","
				  "\"root\":\"/home/u/webapp\"},\"cost\":0.0123,\"tokens\":" TOK(, 10, 20, 0, 0, 0)
				  ",\"finish\":\"stop\"}",
				  -1, NULL));
	st = scan(s);
	CHECK_INT(st.responses_new, 0);
	CHECK_INT(st.responses_replaced, 0);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE source='opencode'"), 2);
	au_scan_stats_release(&st);

	/* The row moves on; the leftover file, read after it in every scan,
	 * still says what it said at the migration, and is rewritten once
	 * more: the database row stays what counts (issue 18). */
	exec(oc, FILL("msg_s2", TOK(, 40, 80, 0, 0, 0)));
	st = scan(s);
	CHECK_INT(st.responses_replaced, 1);
	au_scan_stats_release(&st);
	CHECK(g_file_set_contents(legacy,
				  "{\"id\":\"msg_s2\",\"sessionID\":\"ses_1\","
				  "\"role\":\"assistant\",\"time\":{\"created\":1767348001000,\"completed\":1767348009000},"
				  "\"modelID\":\"claude-sonnet-4-5\",\"providerID\":\"anthropic\","
				  "\"path\":{\"cwd\":\"/home/u/webapp\"},\"cost\":0.0123,\"tokens\":" TOK(, 10, 20, 0, 0, 0) "}",
				  -1, NULL));
	st = scan(s);
	CHECK_INT(st.responses_replaced, 0);
	CHECK_INT(q(s, "SELECT input FROM usage WHERE msg_id='msg_s2'"), 40);
	CHECK_INT(q(s, "SELECT sum(input) FROM usage WHERE source='opencode'"), 240);
	au_scan_stats_release(&st);

	/* a row that names no role is read, skipped and named under -v */
	exec(oc, "INSERT INTO message VALUES('msg_nr','ses_1',1767348001000,1767348001000,"
		 "'{\"time\":{\"created\":1767348001000},\"tokens\":{\"input\":5,\"output\":5}}');");
	st = scan(s);
	CHECK_INT(st.skipped, 1);
	CHECK(st.notes->len == 1 && strstr(st.notes->pdata[0], "1 record(s) skipped: a message without a role"));
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE msg_id='msg_nr'"), 0);
	au_scan_stats_release(&st);

	/* a writer holding a transaction does not stop a WAL reader: it reads
	 * what was committed */
	exec(oc, "BEGIN EXCLUSIVE;" ROW("msg_s3", TOK(, 1, 1, 0, 0, 0)));
	st = scan(s);
	CHECK_INT(st.unreadable, 0);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE msg_id='msg_s3'"), 0);
	au_scan_stats_release(&st);
	exec(oc, "COMMIT;");
	st = scan(s);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE msg_id='msg_s3'"), 1);
	au_scan_stats_release(&st);
	sqlite3_close(oc);
	g_free(legacy);
	g_free(ldir);
	g_free(path);
	g_free(dir);
}

/* A row created at `at` (ms, a literal), completed or still streaming. */
#define AT_ROW(id, at, done, tokens)                                                                           \
	"INSERT INTO message VALUES('" id "','ses_1'," at "," at ",'{\"role\":\"assistant\",\"time\":{\"created\":" \
	at done "},\"modelID\":\"claude-sonnet-4-5\",\"providerID\":\"anthropic\",\"tokens\":" tokens "}');"
#define DONE ",\"completed\":1"

/*
 * The watermark: after the first read, a change reads only the rows added
 * since, the last hour before the newest row, and rows still streaming;
 * a message left streaming long ago is read until it completes.
 */
static void test_scan_watermark(au_store *s)
{
	char *dir = g_build_filename(home, "oc-wm", NULL);
	g_mkdir_with_parents(dir, 0700);
	char *path = g_build_filename(dir, "opencode.db", NULL);
	g_setenv("OPENCODE_DATA_DIR", dir, TRUE);
	sqlite3 *oc;
	CHECK_INT(sqlite3_open(path, &oc), SQLITE_OK);
	exec(oc, "PRAGMA journal_mode=WAL;" SCHEMA);
	/* 200 finished messages ten minutes apart */
	exec(oc, "BEGIN");
	for (int i = 0; i < 200; i++) {
		char *sql = g_strdup_printf(
			"INSERT INTO message VALUES('msg_w%03d','ses_1',%lld,%lld,'{\"role\":\"assistant\","
			"\"time\":{\"created\":%lld,\"completed\":1},\"modelID\":\"claude-sonnet-4-5\","
			"\"tokens\":{\"input\":1,\"output\":2}}');",
			i, 1767000000000LL + i * 600000LL, 1767000000000LL + i * 600000LL, 1767000000000LL + i * 600000LL);
		exec(oc, sql);
		g_free(sql);
	}
	exec(oc, "COMMIT");
	au_scan_stats st = scan(s);
	CHECK_INT(st.events, 200);
	au_scan_stats_release(&st);

	/* one more: it and the 7 messages of the newest's last hour are read */
	exec(oc, AT_ROW("msg_wnew", "1767119460000", DONE, TOK(, 3, 4, 0, 0, 0)));
	st = scan(s);
	CHECK_INT(st.events, 8);
	CHECK_INT(st.responses_new, 1);
	au_scan_stats_release(&st);

	/* an old message still streaming (imported late: found by rowid),
	 * then filled in place and completed: counted when it completes */
	exec(oc, AT_ROW("msg_wold", "1767003000000", "", TOK(, 0, 0, 0, 0, 0)));
	st = scan(s);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE msg_id='msg_wold'"), 0);
	au_scan_stats_release(&st);
	exec(oc, "UPDATE message SET data = replace(replace(data, '\"input\":0', '\"input\":50'),"
		 " '\"created\":1767003000000', '\"created\":1767003000000,\"completed\":1') WHERE id = 'msg_wold'");
	st = scan(s);
	CHECK_INT(q(s, "SELECT input FROM usage WHERE msg_id='msg_wold'"), 50);
	/* read from the streaming message on: everything since it */
	CHECK(st.events > 190);
	au_scan_stats_release(&st);
	/* it has completed: the next change reads the recent rows only again
	 * (6 old ones within the hour before msg_wnew, it, and the new one) */
	exec(oc, AT_ROW("msg_wnew2", "1767119520000", DONE, TOK(, 5, 6, 0, 0, 0)));
	st = scan(s);
	CHECK_INT(st.events, 8);
	au_scan_stats_release(&st);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE msg_id LIKE 'msg_w%'"), 203);
	CHECK_INT(q(s, "SELECT sum(input) FROM usage WHERE msg_id LIKE 'msg_w%'"), 200 + 3 + 50 + 5);

	/* a database replaced by another file is read whole */
	sqlite3_close(oc);
	char *tmp = g_strconcat(path, ".new", NULL), *wal = g_strconcat(path, "-wal", NULL);
	CHECK_INT(sqlite3_open(tmp, &oc), SQLITE_OK);
	exec(oc, SCHEMA AT_ROW("msg_wnew", "1767119460000", DONE, TOK(, 3, 4, 0, 0, 0))
		 AT_ROW("msg_w000", "1767000000000", DONE, TOK(, 9, 2, 0, 0, 0)));
	sqlite3_close(oc);
	unlink(wal);
	CHECK_INT(rename(tmp, path), 0);
	st = scan(s);
	CHECK_INT(st.events, 2);
	CHECK_INT(q(s, "SELECT input FROM usage WHERE msg_id='msg_w000'"), 9);
	au_scan_stats_release(&st);
	g_unsetenv("OPENCODE_DATA_DIR");
	g_free(tmp);
	g_free(wal);
	g_free(path);
	g_free(dir);
}

/* Whether another process holds the database locked against readers. */
static bool locked(const char *path)
{
	sqlite3 *db;
	bool busy = false;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		int rc = sqlite3_exec(db, "SELECT count(*) FROM message", NULL, NULL, NULL);
		busy = rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
	}
	sqlite3_close(db);
	return busy;
}

static void test_scan_locked(au_store *s)
{
	char *dir = g_build_filename(home, "oc-locked", NULL);
	g_mkdir_with_parents(dir, 0700);
	char *path = g_build_filename(dir, "opencode.db", NULL);
	sqlite3 *db;
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	exec(db, "PRAGMA journal_mode=DELETE;" SCHEMA ROW("msg_l1", TOK(, 5, 6, 0, 0, 0)));
	sqlite3_close(db);
	g_setenv("OPENCODE_DATA_DIR", dir, TRUE);

	/* another process takes the database (rollback journal: readers wait) */
	char *argv[] = {(char *)"sqlite3", path, NULL};
	GPid pid;
	int in_fd = -1, out_fd = -1;
	GError *gerr = NULL;
	bool spawned = g_spawn_async_with_pipes(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL,
						NULL, &pid, &in_fd, &out_fd, NULL, &gerr);
	if (!spawned) {
		fprintf(stderr, "test_opencode: the sqlite3 CLI is needed (apt-get install sqlite3): %s\n",
			gerr->message);
		g_error_free(gerr);
		CHECK(spawned);
		goto out;
	}
	FILE *cli = fdopen(in_fd, "w");
	/* the CLI says when it holds the lock: no polling against a clock (a
	 * loaded machine once took more than the 5 s that allowed) */
	fputs("BEGIN EXCLUSIVE;\n" ROW("msg_l2", TOK(, 7, 8, 0, 0, 0)) "\n.print locked\n", cli);
	fflush(cli);
	FILE *said_by_cli = fdopen(out_fd, "r");
	char line[64] = "";
	CHECK(fgets(line, sizeof(line), said_by_cli) != NULL && strncmp(line, "locked", 6) == 0);
	CHECK(locked(path));

	/* the scan waits its busy timeout, says so, keeps nothing half-read */
	au_scan_stats st = scan(s);
	CHECK_INT(st.unreadable, 1);
	bool said = false;
	for (guint i = 0; i < st.warnings->len; i++)
		said = said || strstr(g_ptr_array_index(st.warnings, i), "locked") != NULL;
	CHECK(said);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE msg_id IN ('msg_l1','msg_l2')"), 0);
	au_scan_stats_release(&st);

	/* the writer commits and lets go: the next scan reads both */
	fputs("COMMIT;\n.quit\n", cli);
	fclose(cli);
	fclose(said_by_cli);
	int status = 0;
	CHECK(waitpid(pid, &status, 0) == pid);
	g_spawn_close_pid(pid);
	st = scan(s);
	CHECK_INT(st.unreadable, 0);
	CHECK_INT(st.responses_new, 2);
	CHECK_INT(q(s, "SELECT sum(input) FROM usage WHERE msg_id IN ('msg_l1','msg_l2')"), 12);
	au_scan_stats_release(&st);
out:
	g_unsetenv("OPENCODE_DATA_DIR");
	g_free(path);
	g_free(dir);
}

/* Only the root and storage/message/ are walked and watched. */
static void test_walks(void)
{
	const char *r = "/h/.local/share/opencode";
	CHECK(au_source_walks_dir(AU_SRC_OPENCODE, r, r));
	CHECK(au_source_walks_dir(AU_SRC_OPENCODE, r, "/h/.local/share/opencode/storage"));
	CHECK(au_source_walks_dir(AU_SRC_OPENCODE, r, "/h/.local/share/opencode/storage/message"));
	CHECK(au_source_walks_dir(AU_SRC_OPENCODE, r, "/h/.local/share/opencode/storage/message/ses_1"));
	CHECK(!au_source_walks_dir(AU_SRC_OPENCODE, r, "/h/.local/share/opencode/snapshot"));
	CHECK(!au_source_walks_dir(AU_SRC_OPENCODE, r, "/h/.local/share/opencode/storage/part"));
	CHECK(!au_source_walks_dir(AU_SRC_OPENCODE, r, "/h/.local/share/opencode/storage/messages"));
	CHECK(au_source_walks_dir(AU_SRC_CLAUDE, "/x", "/x/anything/deep"));
}

int main(void)
{
	test_walks();
	test_rows();
	test_row_errors();
	test_files();
	test_rules();

	home = g_dir_make_tmp("aiusage-opencode-XXXXXX", NULL);
	g_setenv("HOME", home, TRUE);
	g_unsetenv("OPENCODE_DATA_DIR");
	g_unsetenv("XDG_DATA_HOME");
	test_roots(home);

	prices = au_pricing_new();
	char *db = g_build_filename(home, "usage.db", NULL);
	au_store *s;
	au_err err;
	CHECK_INT(au_store_open(db, false, &s, &err), 0);
	test_scan_streaming(s);
	test_scan_locked(s);
	test_scan_watermark(s);
	au_store_close(s);
	au_pricing_free(prices);
	rm_rf(home);
	g_free(home);
	g_free(db);
	return check_done("test_opencode");
}

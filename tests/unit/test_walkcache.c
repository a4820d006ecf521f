/*
 * The walk's listing cache: the file format (walkcache.c) whole, cut short
 * and damaged, and a scan that lists directories from it (scan.c) finding
 * exactly what a scan without it finds, through new files, appends, a
 * directory removed, a directory's mtime set back, a damaged cache file and
 * one that cannot be written.
 */
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"
#include "storeq.h"
#include "pricing.h"
#include "scan.h"
#include "store.h"
#include "tools.h"
#include "walkcache.h"

static char *home;
static au_pricing *prices;

static struct stat fake_stat(int64_t ino, int64_t mtime_s)
{
	struct stat sb = {0};
	sb.st_dev = 7;
	sb.st_ino = (ino_t)ino;
	sb.st_mtim.tv_sec = mtime_s;
	sb.st_mtim.tv_nsec = 5;
	sb.st_ctim.tv_sec = mtime_s + 1;
	sb.st_ctim.tv_nsec = 6;
	return sb;
}

/* a cache of three directories (inodes 100, 101, 102); *ret_bounds:
 * where each record ends */
static GByteArray *three(size_t ret_bounds[3])
{
	GByteArray *b = g_byte_array_new();
	au_wc_start(b, NULL);
	for (int i = 0; i < 3; i++) {
		GByteArray *e = g_byte_array_new();
		if (i == 0) {
			au_wc_entry(e, 4 /* DT_DIR */, "-w-a");
			au_wc_entry(e, 4, "-w-b");
		} else if (i == 1) {
			au_wc_entry(e, 8 /* DT_REG */, "s1.jsonl");
			au_wc_entry(e, 10 /* DT_LNK */, "s2.jsonl");
		} /* 102: empty */
		struct stat sb = fake_stat(100 + i, 1700000000 + i);
		au_wc_add_dir(b, &sb, e);
		g_byte_array_unref(e);
		ret_bounds[i] = b->len;
	}
	return b;
}

static au_wc *parse_copy(const guint8 *p, size_t len)
{
	return au_wc_parse(g_memdup2(p, len), len);
}

static bool find_ino(const au_wc *c, int64_t ino, au_wc_rec *r)
{
	struct stat sb = fake_stat(ino, 0);
	return au_wc_find_dir(c, &sb, r);
}

static void test_format(void)
{
	size_t ends[3];
	GByteArray *b = three(ends);
	au_wc *c = parse_copy(b->data, b->len);
	CHECK(c != NULL);
	CHECK_INT(au_wc_count(c), 3);
	au_wc_rec d;
	CHECK(find_ino(c, 101, &d));
	struct stat now = fake_stat(101, 1700000001);
	CHECK(au_wc_matches(&d, &now));
	now.st_ctim.tv_nsec++; /* anything changed: a ctime is never set back */
	CHECK(!au_wc_matches(&d, &now));
	now = fake_stat(101, 1700000001);
	now.st_mtim.tv_sec--;
	CHECK(!au_wc_matches(&d, &now));
	now = fake_stat(101, 1700000001);
	now.st_ino++; /* another directory is never this one's */
	CHECK(!au_wc_matches(&d, &now));
	now = fake_stat(101, 1700000001);
	now.st_dev++;
	CHECK(!au_wc_find_dir(c, &now, &d));
	CHECK(find_ino(c, 101, &d));
	const uint8_t *e = d.entries;
	unsigned char type;
	const char *name;
	CHECK(au_wc_next_entry(&e, d.entries_end, &type, &name));
	CHECK(type == 8 && strcmp(name, "s1.jsonl") == 0);
	CHECK(au_wc_next_entry(&e, d.entries_end, &type, &name));
	CHECK(type == 10 && strcmp(name, "s2.jsonl") == 0);
	CHECK(!au_wc_next_entry(&e, d.entries_end, &type, &name));
	CHECK(find_ino(c, 102, &d));
	CHECK(d.entries == d.entries_end);
	CHECK_INT(d.num[0], (int64_t)1700000002 * 1000000000 + 5);
	CHECK_INT(d.num[1], (int64_t)1700000003 * 1000000000 + 6);
	CHECK_STR(au_wc_tag(c), "");
	CHECK(!find_ino(c, 103, &d));
	CHECK(!find_ino(NULL, 100, &d));

	/* what the walk marks is what is kept */
	CHECK_INT(au_wc_count_used(c), 0);
	CHECK(find_ino(c, 100, &d));
	au_wc_mark_used(c, &d);
	au_wc_mark_used(c, &d); /* twice (two roots sharing it): once */
	CHECK(find_ino(c, 102, &d));
	au_wc_mark_used(c, &d);
	CHECK_INT(au_wc_count_used(c), 2);
	GByteArray *kept = g_byte_array_new();
	au_wc_start(kept, NULL);
	au_wc_add_used(kept, c);
	au_wc *k = parse_copy(kept->data, kept->len);
	CHECK(k != NULL);
	CHECK_INT(au_wc_count(k), 2);
	CHECK(find_ino(k, 100, &d) && find_ino(k, 102, &d));
	CHECK(!find_ino(k, 101, &d));
	au_wc_free(k);
	g_byte_array_unref(kept);
	au_wc_free(c);

	/* cut short anywhere: whole records only, or no cache */
	for (size_t len = 0; len < b->len; len++) {
		c = parse_copy(b->data, len);
		int whole = len == 16 ? 0 : len == ends[0] ? 1 : len == ends[1] ? 2 : -1;
		if (whole < 0) {
			CHECK(c == NULL);
		} else {
			CHECK(c != NULL);
			CHECK_INT(au_wc_count(c), whole);
		}
		au_wc_free(c);
	}
	/* another build's format, or not ours at all */
	GByteArray *other = g_byte_array_new();
	g_byte_array_append(other, b->data, b->len);
	other->data[4] ^= 0x40; /* the version */
	CHECK(parse_copy(other->data, other->len) == NULL);
	other->data[4] ^= 0x40;
	other->data[0] = 'X';
	CHECK(parse_copy(other->data, other->len) == NULL);
	CHECK(au_wc_parse(NULL, 0) == NULL);

	/* every byte damaged in turn: never a crash, and a record found is
	 * one whose entries are names */
	for (size_t i = 0; i < b->len; i++) {
		for (int bit = 0; bit < 8; bit += 3) {
			g_byte_array_set_size(other, 0);
			g_byte_array_append(other, b->data, b->len);
			other->data[i] ^= (guint8)(1u << bit);
			c = parse_copy(other->data, other->len);
			for (int j = 0; c && j < 3; j++) {
				if (!find_ino(c, 100 + j, &d))
					continue;
				e = d.entries;
				while (au_wc_next_entry(&e, d.entries_end, &type, &name))
					CHECK(name[0] && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, ".."));
			}
			au_wc_free(c);
		}
	}

	/* a tag, and any ids and numbers with any entries */
	GByteArray *t = g_byte_array_new();
	au_wc_start(t, "store-1:42");
	int64_t nums[4] = {1, -2, INT64_MAX, INT64_MIN};
	uint64_t id = au_wc_path_id("/h/f.jsonl");
	au_wc_add(t, id, 0, nums, "\0claude", 8);
	c = parse_copy(t->data, t->len);
	CHECK_STR(au_wc_tag(c), "store-1:42");
	CHECK(au_wc_find(c, id, 0, &d));
	CHECK(!au_wc_find(c, id, 1, &d));
	CHECK(!au_wc_find(c, au_wc_path_id("/h/f.jsonl2"), 0, &d));
	CHECK(au_wc_find(c, id, 0, &d));
	CHECK(d.num[0] == 1 && d.num[1] == -2 && d.num[2] == INT64_MAX && d.num[3] == INT64_MIN);
	e = d.entries;
	CHECK(au_wc_next_entry(&e, d.entries_end, &type, &name) && type == 0 && strcmp(name, "claude") == 0);
	au_wc_free(c);
	/* path ids: the whole path, every byte of it */
	CHECK(au_wc_path_id("/a/b") != au_wc_path_id("/a/c"));
	CHECK(au_wc_path_id("/a/bcdefgh1") != au_wc_path_id("/a/bcdefgh2"));
	CHECK(au_wc_path_id("12345678") != au_wc_path_id("1234567"));
	/* a tag longer than the file is no cache */
	t->data[8] = 0xff;
	CHECK(parse_copy(t->data, t->len) == NULL);
	g_byte_array_unref(t);

	/* a record whose entries are not names is no record: listed again */
	GByteArray *bad = g_byte_array_new(), *e2 = g_byte_array_new();
	au_wc_start(bad, NULL);
	au_wc_entry(e2, 8, "a/b");
	struct stat sb = fake_stat(1, 1);
	au_wc_add_dir(bad, &sb, e2);
	g_byte_array_set_size(e2, 0);
	au_wc_entry(e2, 4, "..");
	sb = fake_stat(2, 1);
	au_wc_add_dir(bad, &sb, e2);
	g_byte_array_set_size(e2, 0);
	au_wc_entry(e2, 8, "ok");
	sb = fake_stat(3, 1);
	au_wc_add_dir(bad, &sb, e2);
	c = parse_copy(bad->data, bad->len);
	CHECK(c != NULL);
	CHECK(!find_ino(c, 1, &d));
	CHECK(!find_ino(c, 2, &d));
	CHECK(find_ino(c, 3, &d));
	au_wc_free(c);
	g_byte_array_unref(e2);
	g_byte_array_unref(bad);
	g_byte_array_unref(other);
	g_byte_array_unref(b);
}

/* Three records, each entry's bytes, of c: what find gives for inodes
 * 100-102, as text ("-" for not found). */
static char *three_text(const au_wc *c)
{
	GString *t = g_string_new(NULL);
	for (int i = 0; i < 3; i++) {
		au_wc_rec d;
		if (!find_ino(c, 100 + i, &d)) {
			g_string_append(t, "-;");
			continue;
		}
		g_string_append_printf(t, "%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ":", d.num[0], d.num[1]);
		const uint8_t *e = d.entries;
		unsigned char type;
		const char *name;
		while (au_wc_next_entry(&e, d.entries_end, &type, &name))
			g_string_append_printf(t, "%d %s,", type, name);
		g_string_append_c(t, ';');
	}
	return g_string_free(t, FALSE);
}

/* A blob with its index (what au_wc_save writes and a load maps): the same
 * records as without it, found without a parse of them all; cut short or
 * damaged anywhere, no cache or records that are whole. */
static void test_index(void)
{
	size_t ends[3];
	GByteArray *b = three(ends);
	au_wc *plain = parse_copy(b->data, b->len);
	char *want = three_text(plain);
	CHECK_STR(want, "1700000000000000005,1700000001000000006:4 -w-a,4 -w-b,;"
			"1700000001000000005,1700000002000000006:8 s1.jsonl,10 s2.jsonl,;"
			"1700000002000000005,1700000003000000006:;");
	au_wc_free(plain);
	au_wc_finish(b);
	guint32 at;
	memcpy(&at, b->data + 12, 4);
	CHECK(at >= ends[2] && at % 8 == 0);
	/* 3 records: 16 slots of 8 bytes after the index's 16 */
	CHECK_INT(b->len, at + 16 + 16 * 8);
	guint len = b->len;
	au_wc_finish(b); /* once only */
	CHECK_INT(b->len, len);
	au_wc *c = parse_copy(b->data, b->len);
	CHECK(c != NULL);
	CHECK_INT(au_wc_count(c), 3);
	char *got = three_text(c);
	CHECK_STR(got, want);
	g_free(got);
	/* kept from an indexed cache: the records, not the index */
	au_wc_rec d;
	CHECK(find_ino(c, 101, &d));
	au_wc_mark_used(c, &d);
	GByteArray *kept = g_byte_array_new();
	au_wc_start(kept, NULL);
	au_wc_add_used(kept, c);
	au_wc *k = parse_copy(kept->data, kept->len);
	CHECK_INT(au_wc_count(k), 1);
	CHECK(find_ino(k, 101, &d) && !find_ino(k, 100, &d));
	au_wc_free(k);
	g_byte_array_unref(kept);
	au_wc_free(c);

	/* saved and mapped back */
	char *dir = g_dir_make_tmp("aiusage-wcx-XXXXXX", NULL), *path = g_build_filename(dir, "c", NULL), *why = NULL;
	GByteArray *fresh = three(ends);
	CHECK(au_wc_save(path, fresh, &why));
	CHECK_INT(fresh->len, b->len);
	CHECK(memcmp(fresh->data, b->data, b->len) == 0);
	c = au_wc_load(path);
	got = c ? three_text(c) : NULL;
	CHECK_STR(got, want);
	g_free(got);
	au_wc_free(c);
	g_unlink(path);
	g_rmdir(dir);
	g_free(path);
	g_free(dir);
	g_byte_array_unref(fresh);

	/* an index with no empty slot would leave a find probing forever */
	GByteArray *full = g_byte_array_new();
	g_byte_array_append(full, b->data, b->len);
	guint32 first = 16; /* the first record's offset: the header, no tag */
	for (guint i = 0; i < 16; i++)
		memcpy(full->data + at + 16 + 8 * i + 4, &first, 4);
	CHECK(parse_copy(full->data, full->len) == NULL);
	g_byte_array_unref(full);

	/* cut short anywhere: no cache */
	for (size_t n = 0; n < b->len; n++) {
		c = parse_copy(b->data, n);
		CHECK(c == NULL);
		au_wc_free(c);
	}
	/* every byte damaged in turn: never a read out of bounds (the
	 * sanitizer build runs this), and what is found is whole */
	GByteArray *other = g_byte_array_new();
	for (size_t i = 0; i < b->len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			g_byte_array_set_size(other, 0);
			g_byte_array_append(other, b->data, b->len);
			other->data[i] ^= (guint8)(1u << bit);
			c = parse_copy(other->data, other->len);
			g_free(c ? three_text(c) : NULL);
			CHECK(au_wc_count_used(c) == 0 && au_wc_count(c) <= 16);
			if (c) {
				/* what a walk keeps of it parses back, as many */
				for (int j = 0; j < 3; j++)
					if (find_ino(c, 100 + j, &d))
						au_wc_mark_used(c, &d);
				kept = g_byte_array_new();
				au_wc_start(kept, NULL);
				au_wc_add_used(kept, c);
				k = parse_copy(kept->data, kept->len);
				CHECK(k != NULL);
				CHECK_INT(au_wc_count(k), au_wc_count_used(c));
				au_wc_free(k);
				g_byte_array_unref(kept);
			}
			au_wc_free(c);
		}
	}
	g_byte_array_unref(other);
	g_free(want);
	g_byte_array_unref(b);
}

static char *at(const char *rel)
{
	return g_build_filename(home, rel, NULL);
}

static void put(const char *rel, int out, const char *mode)
{
	char *path = at(rel), *dir = g_path_get_dirname(path);
	g_mkdir_with_parents(dir, 0700);
	FILE *f = fopen(path, mode);
	fprintf(f,
		"{\"type\":\"assistant\",\"cwd\":\"/w\",\"sessionId\":\"s\",\"requestId\":\"r-%s-%d\","
		"\"timestamp\":\"2025-10-02T10:00:00.000Z\",\"message\":{\"id\":\"m-%s-%d\","
		"\"model\":\"claude-sonnet-4-5-20250929\",\"usage\":{\"input_tokens\":1,\"output_tokens\":%d}}}\n",
		rel, out, rel, out, out);
	fclose(f);
	g_free(dir);
	g_free(path);
}

static au_scan_stats scan_with(au_store *s, const char *cache)
{
	au_scan_opts o = {.only = AU_SRC_CLAUDE, .listing_cache = cache};
	return scan_opts_checked(s, prices, &o);
}

/* Past the walk's margin: a directory changed less than 2 s before a walk
 * is listed every time, not kept. */
static void age(void)
{
	g_usleep(2100 * 1000);
}

static int64_t cached_dirs(const char *path)
{
	au_wc *c = au_wc_load(path);
	int64_t n = c ? (int64_t)au_wc_count(c) : -1;
	au_wc_free(c);
	return n;
}

static void test_scan_with_cache(void)
{
	au_store *s;
	au_err err;
	char *db = at("usage.db"), *cache = at(".cache/aiusage/listings");
	CHECK_INT(au_store_open(db, false, &s, &err), 0);
	put(".claude/projects/-w-a/s1.jsonl", 1, "w");
	put(".claude/projects/-w-a/s2.jsonl", 2, "w");
	put(".claude/projects/-w-a/sess/subagents/agent-1.jsonl", 4, "w");
	put(".claude/projects/-w-b/s3.jsonl", 8, "w");
	age();
	/* the first walk lists 5 directories and keeps them (all older than
	 * the margin) where the default path puts them */
	au_scan_stats st = scan_with(s, NULL);
	CHECK_INT(st.dirs, 5);
	CHECK_INT(st.dirs_cached, 0);
	CHECK_INT(st.files, 4);
	au_scan_stats_release(&st);
	CHECK_INT(cached_dirs(cache), 5);
	CHECK_INT(q(s, "SELECT sum(output) FROM usage"), 15);
	/* the second lists them all from the cache */
	st = scan_with(s, NULL);
	CHECK_INT(st.dirs, 5);
	CHECK_INT(st.dirs_cached, 5);
	CHECK_INT(st.files, 4);
	CHECK_INT(st.files_unchanged, 4);
	au_scan_stats_release(&st);

	/* a new file in -w-a whose mtime is then set back as it was (its ctime
	 * moves all the same); an append in a directory that did not change; a
	 * directory removed with its file */
	char *wa = at(".claude/projects/-w-a");
	struct stat before;
	CHECK_INT(stat(wa, &before), 0);
	put(".claude/projects/-w-a/s4.jsonl", 16, "w");
	struct timespec times[2] = {before.st_atim, before.st_mtim};
	CHECK_INT(utimensat(AT_FDCWD, wa, times, 0), 0);
	put(".claude/projects/-w-a/sess/subagents/agent-1.jsonl", 32, "a");
	char *s3 = at(".claude/projects/-w-b/s3.jsonl"), *wb = at(".claude/projects/-w-b");
	CHECK_INT(g_unlink(s3), 0);
	CHECK_INT(g_rmdir(wb), 0);
	st = scan_with(s, NULL);
	CHECK_INT(st.dirs, 4);
	CHECK_INT(st.dirs_cached, 2); /* sess and subagents; projects and -w-a listed */
	CHECK_INT(st.files, 4);
	CHECK_INT(st.files_read, 2);
	au_scan_stats_release(&st);
	CHECK_INT(q(s, "SELECT sum(output) FROM usage"), 15 + 16 + 32);
	/* -w-b is gone from it, and the two just changed are not kept yet */
	CHECK_INT(cached_dirs(cache), 2);
	st = scan_with(s, NULL);
	CHECK_INT(st.dirs_cached, 2);
	CHECK_INT(st.files_unchanged, 4);
	au_scan_stats_release(&st);
	age();
	st = scan_with(s, NULL);
	CHECK_INT(st.dirs_cached, 2);
	au_scan_stats_release(&st);
	st = scan_with(s, NULL);
	CHECK_INT(st.dirs_cached, 4);
	au_scan_stats_release(&st);
	CHECK_INT(cached_dirs(cache), 4);

	/* a cache cut in half is no cache: everything is listed and found */
	struct stat cs;
	CHECK_INT(stat(cache, &cs), 0);
	CHECK_INT(truncate(cache, cs.st_size / 2), 0);
	st = scan_with(s, NULL);
	CHECK_INT(st.dirs_cached, 0);
	CHECK_INT(st.files_unchanged, 4);
	au_scan_stats_release(&st);
	CHECK_INT(cached_dirs(cache), 4);

	/* one that cannot be saved is a note for -v, and the scan goes on */
	st = scan_with(s, "/proc/self/no/such/listings");
	CHECK_INT(st.dirs_cached, 0);
	CHECK_INT(st.files_unchanged, 4);
	bool noted = false;
	for (guint i = 0; i < st.notes->len; i++)
		noted |= strstr(st.notes->pdata[i], "listing cache not saved") != NULL;
	CHECK(noted);
	CHECK_INT(st.skipped, 0);
	au_scan_stats_release(&st);
	/* and "" is none at all */
	CHECK_INT(g_unlink(cache), 0);
	st = scan_with(s, "");
	CHECK_INT(st.dirs_cached, 0);
	au_scan_stats_release(&st);
	CHECK(!g_file_test(cache, G_FILE_TEST_EXISTS));
	CHECK_INT(q(s, "SELECT sum(output) FROM usage"), 15 + 16 + 32);
	check_agg_matches_usage(s);

	au_store_close(s);
	g_free(s3);
	g_free(wb);
	g_free(wa);
	g_free(cache);
	g_free(db);
}

/* the keys file in the cache folder (there is one store here) */
static char *keys_file(void)
{
	char *dir = at(".cache/aiusage"), *found = NULL;
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *n;
	while (d && (n = g_dir_read_name(d)))
		if (g_str_has_prefix(n, "keys-"))
			found = g_build_filename(dir, n, NULL);
	if (d)
		g_dir_close(d);
	g_free(dir);
	return found;
}

/* A keys file's records, the one of file id said to be codex's, with num. */
typedef struct relabel {
	GByteArray *blob;
	uint64_t id;
	int64_t num[4]; /* its numbers then */
	int relabelled;
} relabel;

static void relabel_one(const au_wc_rec *rec, void *ud)
{
	relabel *r = ud;
	if (rec->a != r->id) {
		au_wc_add(r->blob, rec->a, rec->b, rec->num, rec->entries, (size_t)(rec->entries_end - rec->entries));
		return;
	}
	au_wc_add(r->blob, rec->a, rec->b, r->num, "\0codex", 7);
	r->relabelled++;
}

/*
 * The cursors' keys file: used while the store's cursors are the ones it
 * was made from, and never when anyone else wrote, deleted or replaced
 * them: a file it says is done is then read again.
 */
static void test_keys_file(void)
{
	au_store *s;
	au_err err;
	char *db = at("keys.db"), *old;
	while ((old = keys_file())) { /* the other test's store's */
		g_unlink(old);
		g_free(old);
	}
	CHECK_INT(au_store_open(db, false, &s, &err), 0);
	put(".claude/projects/-w-k/k1.jsonl", 100, "w");
	put(".claude/projects/-w-k/k2.jsonl", 200, "w");
	au_scan_stats st = scan_with(s, NULL);
	CHECK(!st.keys_cached); /* none yet: made */
	au_scan_stats_release(&st);
	char *kf = keys_file();
	CHECK(kf != NULL);
	/* the first scan is a bulk load, without the stamp's triggers: it
	 * counted its own saves, one row each */
	int64_t n0 = q(s, "SELECT n FROM files_stamp");
	CHECK_INT(n0, q(s, "SELECT count(*) FROM files"));
	CHECK_INT(n0, 6);
	check_agg_matches_usage(s);
	st = scan_with(s, NULL);
	CHECK(st.keys_cached);
	CHECK_INT(st.files_read, 0);
	au_scan_stats_release(&st);

	/* this scan's own saves keep it good (tagged anew) */
	put(".claude/projects/-w-k/k1.jsonl", 1000, "a");
	st = scan_with(s, NULL);
	CHECK(st.keys_cached);
	CHECK_INT(st.files_read, 1);
	au_scan_stats_release(&st);
	CHECK_INT(q(s, "SELECT n FROM files_stamp"), n0 + 1);
	st = scan_with(s, NULL);
	CHECK(st.keys_cached);
	CHECK_INT(st.files_read, 0);
	au_scan_stats_release(&st);

	/* a key made by another parser than the file's is not its key: k1
	 * appended to, and its key made to say so but for codex, is read */
	put(".claude/projects/-w-k/k1.jsonl", 5000, "a");
	char *k1 = at(".claude/projects/-w-k/k1.jsonl");
	struct stat now;
	CHECK_INT(stat(k1, &now), 0);
	au_wc *kc = au_wc_load(kf);
	CHECK(kc != NULL);
	relabel r = {.blob = g_byte_array_new(),
		     .id = au_wc_path_id(k1),
		     .num = {(int64_t)now.st_dev, (int64_t)now.st_ino, (int64_t)now.st_size, au_wc_time_ns(&now.st_mtim)}};
	au_wc_start(r.blob, au_wc_tag(kc));
	au_wc_each(kc, relabel_one, &r);
	CHECK_INT(r.relabelled, 1);
	char *why = NULL;
	CHECK(au_wc_save(kf, r.blob, &why));
	au_wc_free(kc);
	g_byte_array_unref(r.blob);
	g_free(k1);
	st = scan_with(s, NULL);
	CHECK(st.keys_cached);
	CHECK_INT(st.files_read, 1);
	au_scan_stats_release(&st);
	CHECK_INT(q(s, "SELECT sum(output) FROM usage WHERE msg_id LIKE 'm-.claude/projects/-w-k/%'"),
		  100 + 1000 + 5000 + 200);
	check_agg_matches_usage(s);

	/* another writer: a cursor deleted behind its back (as by hand, or by
	 * a store put back from a backup) is a file read again, whatever the
	 * keys file says */
	CHECK_INT(sqlite3_exec(s->db, "DELETE FROM files WHERE path LIKE '%/k2.jsonl'", NULL, NULL, NULL), SQLITE_OK);
	st = scan_with(s, NULL);
	CHECK(!st.keys_cached);
	CHECK_INT(st.files_read, 1);
	au_scan_stats_release(&st);
	/* read again from its start, and counted once */
	CHECK_INT(q(s, "SELECT sum(output) FROM usage WHERE msg_id LIKE 'm-.claude/projects/-w-k/%'"), 100 + 1000 + 5000 + 200);
	st = scan_with(s, NULL);
	CHECK(st.keys_cached);
	au_scan_stats_release(&st);

	/* the store file replaced by a copy of itself: another inode, so the
	 * keys file is not trusted with it */
	au_store_close(s);
	char *copy = at("keys-copy.db"), *cmd = g_strdup_printf("cp '%s' '%s' && mv '%s' '%s'", db, copy, copy, db);
	CHECK_INT(system(cmd), 0);
	CHECK_INT(au_store_open(db, false, &s, &err), 0);
	st = scan_with(s, NULL);
	CHECK(!st.keys_cached);
	CHECK_INT(st.files_read, 0); /* the same cursors, from the store */
	au_scan_stats_release(&st);

	/* a damaged keys file is no keys file */
	CHECK_INT(truncate(kf, 40), 0);
	st = scan_with(s, NULL);
	CHECK(!st.keys_cached);
	CHECK_INT(st.files_unchanged, 2 + 4);
	au_scan_stats_release(&st);
	st = scan_with(s, NULL);
	CHECK(st.keys_cached);
	CHECK_INT(st.files_unchanged, 2 + 4);
	au_scan_stats_release(&st);
	check_agg_matches_usage(s);
	au_store_close(s);
	g_free(cmd);
	g_free(copy);
	g_free(kf);
	g_free(db);
}

/* A directory with many entries becomes the base the walk below it stats
 * from: its files are found, and an append to one is read. */
static void test_big_dir(void)
{
	au_store *s;
	au_err err;
	char *db = at("big.db");
	CHECK_INT(au_store_open(db, false, &s, &err), 0);
	for (int i = 0; i < 60; i++) {
		char *rel = g_strdup_printf(".claude/projects/-w-big/session-%04d.jsonl", i);
		put(rel, i + 1, "w");
		g_free(rel);
	}
	put(".claude/projects/-w-big/sub/deeper/agent-1.jsonl", 1000, "w");
	age();
	au_scan_stats st = scan_with(s, NULL);
	au_scan_stats_release(&st);
	st = scan_with(s, NULL);
	CHECK_INT(st.dirs_cached, st.dirs);
	CHECK_INT(st.files_read, 0);
	int64_t files = st.files;
	au_scan_stats_release(&st);
	int64_t before = q(s, "SELECT sum(output) FROM usage");
	put(".claude/projects/-w-big/session-0030.jsonl", 5000, "a");
	put(".claude/projects/-w-big/sub/deeper/agent-1.jsonl", 7000, "a");
	st = scan_with(s, NULL);
	CHECK_INT(st.dirs_cached, st.dirs);
	CHECK_INT(st.files, files);
	CHECK_INT(st.files_read, 2);
	CHECK_INT(st.files_unchanged, files - 2);
	au_scan_stats_release(&st);
	CHECK_INT(q(s, "SELECT sum(output) FROM usage"), before + 5000 + 7000);
	au_store_close(s);
	g_free(db);
}

int main(void)
{
	test_format();
	test_index();

	home = g_dir_make_tmp("aiusage-wc-XXXXXX", NULL);
	g_setenv("HOME", home, TRUE);
	g_unsetenv("CLAUDE_CONFIG_DIR");
	g_unsetenv("XDG_CONFIG_HOME");
	g_unsetenv("XDG_CACHE_HOME");
	prices = au_pricing_new();
	test_scan_with_cache();
	test_keys_file();
	test_big_dir();
	au_pricing_free(prices);
	rm_rf(home);
	g_free(home);
	return check_done("test_walkcache");
}

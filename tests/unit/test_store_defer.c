/*
 * au_store_defer_checkpoint (the statusline's store): closing the last
 * connection leaves its commits in the WAL instead of checkpointing, a
 * later ordinary connection reads them and checkpoints them away at its
 * close, and many deferred runs keep the WAL small (the connection
 * checkpoints itself past 512 KiB), as do long runs (a commit past 1000
 * frames checkpoints). Also the page size: 8 KiB for a new store, an
 * existing one's kept.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "check.h"
#include "storeq.h"

static int64_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
}

/* A store made by a version before 8 KiB pages keeps its 4 KiB ones. */
static void test_page_size_kept(const char *dir)
{
	char *old = g_build_filename(dir, "old.db", NULL);
	sqlite3 *h;
	CHECK_INT(sqlite3_open(old, &h), SQLITE_OK);
	CHECK_INT(sqlite3_exec(h, "PRAGMA page_size = 4096; CREATE TABLE t(x); PRAGMA journal_mode = WAL", NULL, NULL,
			       NULL),
		  SQLITE_OK);
	sqlite3_close(h);
	au_err err = {{0}};
	au_store *s;
	CHECK_INT(au_store_open(old, false, &s, &err), 0);
	CHECK_INT(q(s, "PRAGMA page_size"), 4096);
	CHECK(q(s, "PRAGMA user_version") > 0); /* migrated all the same */
	au_store_close(s);
	g_unlink(old);
	g_free(old);
}

int main(void)
{
	char *dir = g_dir_make_tmp("au-defer-XXXXXX", NULL);
	char *db = g_build_filename(dir, "usage.db", NULL);
	char *wal = g_strconcat(db, "-wal", NULL);
	char *shm = g_strconcat(db, "-shm", NULL);
	au_err err = {{0}};
	au_store *s;

	/* a store made and closed the ordinary way: no WAL left */
	CHECK_INT(au_store_open(db, false, &s, &err), 0);
	au_store_close(s);
	CHECK_INT(file_size(wal), -1);
	CHECK_INT(au_store_open(db, true, &s, &err), 0);
	CHECK_INT(q(s, "PRAGMA page_size"), 8192);
	au_store_close(s);
	test_page_size_kept(dir);

	CHECK_INT(au_store_open(db, false, &s, &err), 0);
	au_store_defer_checkpoint(s);
	CHECK_INT(au_store_begin(s, &err), 0);
	CHECK_INT(au_store_meta_set(s, "defer-test", "kept", &err), 0);
	CHECK_INT(au_store_commit(s, &err), 0);
	au_store_close(s);
	CHECK(file_size(wal) > 0); /* the commit is still in the WAL */

	/* an ordinary connection sees it, and its close checkpoints */
	char *v = NULL;
	CHECK_INT(au_store_open(db, true, &s, &err), 0);
	CHECK_INT(au_store_meta_get(s, "defer-test", &v), 0);
	CHECK_STR(v, "kept");
	free(v);
	au_store_close(s);
	CHECK_INT(au_store_open(db, false, &s, &err), 0);
	au_store_close(s);
	CHECK_INT(file_size(wal), -1);

	/* 300 deferred runs, each a small commit: the WAL never passes 512 KiB
	 * of frames and one run's, whatever the page size, and the last value
	 * wins */
	int64_t longest = 0;
	for (int i = 0; i < 300; i++) {
		char key[32], val[32];
		snprintf(key, sizeof(key), "k%d", i % 50);
		snprintf(val, sizeof(val), "v%d", i);
		CHECK_INT(au_store_open(db, false, &s, &err), 0);
		au_store_defer_checkpoint(s);
		au_store_begin(s, &err);
		au_store_meta_set(s, key, val, &err);
		au_store_commit(s, &err);
		au_store_close(s);
		if (file_size(wal) > longest)
			longest = file_size(wal);
	}
	CHECK(longest > 0); /* the runs did defer */
	CHECK(longest < 512 * 1024 + 4 * 16400); /* a run writes about two pages */
	CHECK(file_size(wal) < 1 << 20);       /* -1: the last close checkpointed */
	CHECK_INT(au_store_open(db, false, &s, &err), 0);
	CHECK_INT(au_store_meta_get(s, "k49", &v), 0);
	CHECK_STR(v, "v299");
	free(v);
	au_store_close(s);

	/* one deferring connection that commits for long (a report's scan of
	 * much that is new): its commits checkpoint the WAL once it is 1000
	 * frames long, so the WAL stays that long at most (2400 frames
	 * without) */
	CHECK_INT(au_store_open(db, false, &s, &err), 0);
	au_store_defer_checkpoint(s);
	int64_t page = q(s, "PRAGMA page_size");
	longest = 0;
	for (int i = 0; i < 1200; i++) {
		char key[32], val[32];
		snprintf(key, sizeof(key), "long%d", i);
		snprintf(val, sizeof(val), "v%d", i);
		au_store_begin(s, &err);
		au_store_meta_set(s, key, val, &err);
		au_store_commit(s, &err);
		if (file_size(wal) > longest)
			longest = file_size(wal);
	}
	au_store_close(s);
	CHECK(longest > 100 * page);
	CHECK(longest <= 32 + (1000 + 4) * (page + 24));
	CHECK_INT(au_store_open(db, true, &s, &err), 0);
	CHECK_INT(au_store_meta_get(s, "long1199", &v), 0);
	CHECK_STR(v, "v1199");
	free(v);
	au_store_close(s);

	g_unlink(wal);
	g_unlink(shm);
	g_unlink(db);
	g_rmdir(dir);
	g_free(wal);
	g_free(shm);
	g_free(db);
	g_free(dir);
	return check_done("test_store_defer");
}

/*
 * au_store_defer_checkpoint (the statusline's store): closing the last
 * connection leaves its commits in the WAL instead of checkpointing, a
 * later ordinary connection reads them and checkpoints them away at its
 * close, and many deferred runs keep the WAL small (the connection
 * checkpoints itself past 128 pages).
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "check.h"
#include "store.h"

static int64_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
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

	/* 300 deferred runs, each a small commit: the WAL stays under 1 MiB
	 * (128 pages of 4 KiB and one run's pages), and the last value wins */
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
	}
	CHECK(file_size(wal) < 1 << 20); /* -1: the last close checkpointed */
	CHECK_INT(au_store_open(db, false, &s, &err), 0);
	CHECK_INT(au_store_meta_get(s, "k49", &v), 0);
	CHECK_STR(v, "v299");
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

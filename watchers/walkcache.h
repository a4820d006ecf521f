/*
 * The walk's cache of directory listings (scan.c uses it): what a scan
 * listed in each directory, with the directory's device, inode, mtime and
 * ctime at the time. A later walk that finds the same four lists the
 * directory from here instead of opening and reading it: adding, removing
 * or renaming an entry changes a directory's mtime and ctime, and nothing
 * sets a ctime back. On a 10 GiB history of 10k directories those reads
 * were most of a warm run, disk reads included once the directory blocks
 * had left the page cache.
 *
 * One file holds every root's directories: $XDG_CACHE_HOME/aiusage/listings
 * (au_wc_default_path). It is a cache and nothing but: a record is used
 * only when its directory is as the record saw it, so a cache from another
 * build, another store or another time can cost a getdents but never a
 * file. Its format is this build's own (native byte order behind a magic
 * and a version); a file that does not parse whole is no cache at all, and
 * a record whose entries do not parse is a directory to list again.
 */
#ifndef AU_WALKCACHE_H
#define AU_WALKCACHE_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* One record: a view into the cache. A directory's listing has its dev,
 * ino, mtime_ns and ctime_ns for numbers, its entries for entries. */
typedef struct au_wc_dir {
	guint id; /* for au_wc_mark_used */
	int64_t num[4];
	const uint8_t *entries, *entries_end; /* au_wc_next_entry walks them */
} au_wc_dir;

typedef struct au_wc au_wc;

/* $XDG_CACHE_HOME/aiusage/listings, else ~/.cache/aiusage/listings;
 * NULL without a home. g_free it. */
char *au_wc_default_path(void);
/* The cache at path; NULL when there is none or it does not parse. */
au_wc *au_wc_load(const char *path);
/* blob as path, whole or not at all (a new file renamed over it), 0600 in
 * a folder made 0700; false with *ret_why (g_free) when it could not be. */
bool au_wc_save(const char *path, const GByteArray *blob, char **ret_why);

/* Takes blob (g_malloc'd; freed with the cache, or here when it does not
 * parse: then NULL). */
au_wc *au_wc_parse(void *blob, size_t len);
void au_wc_free(au_wc *c);
guint au_wc_count(const au_wc *c);
/* What au_wc_start was given ("" for none, or without a cache). */
const char *au_wc_tag(const au_wc *c);
/* fn for every record whose entries parse, in no order. */
void au_wc_each(const au_wc *c, void (*fn)(const char *path, const au_wc_dir *d, void *ud), void *ud);
/* The record of path, when c has one and its entries parse (c may be
 * NULL). Safe from several threads at once. */
bool au_wc_find(const au_wc *c, const char *path, au_wc_dir *ret);
/* sb is the directory as it is now: its listing is d's. */
bool au_wc_matches(const au_wc_dir *d, const struct stat *sb);
/* The next entry (its d_type and name) at *p, moving *p past it; false at
 * end. au_wc_find checked every entry. */
bool au_wc_next_entry(const uint8_t **p, const uint8_t *end, unsigned char *ret_type, const char **ret_name);
/* The walk found d's directory as d says (from any thread). */
void au_wc_mark_used(au_wc *c, const au_wc_dir *d);
guint au_wc_count_used(const au_wc *c);

/* A stat time in nanoseconds. */
int64_t au_wc_time_ns(const struct timespec *t);

/* Building a blob: au_wc_start first (tag: what the cache is valid for,
 * or NULL), then a record per path. */
void au_wc_start(GByteArray *out, const char *tag);
/* entries: what au_wc_entry appended, one per directory entry */
void au_wc_entry(GByteArray *entries, unsigned char type, const char *name);
/* a directory as sb says, with its entries */
void au_wc_add(GByteArray *out, const char *path, const struct stat *sb, const GByteArray *entries);
/* any record: its four numbers and entries (len bytes of au_wc_entry's) */
void au_wc_add_nums(GByteArray *out, const char *path, const int64_t nums[4], const void *entries, size_t len);
/* Every record of c marked used, as it was. */
void au_wc_add_used(GByteArray *out, const au_wc *c);

#endif

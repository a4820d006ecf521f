/*
 * The walk's caches (scan.c uses them), files of records found by two
 * 64-bit ids:
 *
 * - Listings ($XDG_CACHE_HOME/aiusage/listings, au_wc_default_path): a
 *   directory's entries as a scan listed them, found by the directory's
 *   device and inode and good while its mtime and ctime are the ones
 *   recorded. A later walk that stats a directory and finds it so lists it
 *   from here instead of opening and reading it: adding, removing or
 *   renaming an entry changes a directory's mtime and ctime, and nothing
 *   sets a ctime back. On a 10 GiB history of 10k directories those reads
 *   were most of a warm run, disk reads included once the directory blocks
 *   had left the page cache. The device and inode are the directory's
 *   identity, so a record can only ever describe the directory it is used
 *   for, whatever path it is reached by.
 * - The cursors' keys of one store (scan.c): found by au_wc_path_id of a
 *   file's path, the four numbers its stored cursor was made at.
 *
 * A cache and nothing but: a cache from another build, another store or
 * another time can cost a getdents or a read of the store, never a file.
 * The format is this build's own (native byte order behind a magic and a
 * version); a file that does not parse whole is no cache at all, and a
 * record whose entries do not parse is not found.
 */
#ifndef AU_WALKCACHE_H
#define AU_WALKCACHE_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* One record: a view into the cache. A listing has the directory's mtime_ns
 * and ctime_ns for its first two numbers and its entries for entries. */
typedef struct au_wc_rec {
	guint id; /* for au_wc_mark_used */
	uint64_t a, b;
	int64_t num[4];
	const uint8_t *entries, *entries_end; /* au_wc_next_entry walks them */
} au_wc_rec;

typedef struct au_wc au_wc;

/* $XDG_CACHE_HOME/aiusage/listings, else ~/.cache/aiusage/listings;
 * NULL without a home. g_free it. */
char *au_wc_default_path(void);
/* The cache at path; NULL when there is none or it does not parse. */
au_wc *au_wc_load(const char *path);
/* blob as path, whole or not at all (a new file renamed over it), 0600 in
 * a folder made 0700, with its index (au_wc_finish); false with *ret_why
 * (g_free) when it could not be. */
bool au_wc_save(const char *path, GByteArray *blob, char **ret_why);

/* Takes blob (g_malloc'd; freed with the cache, or here when it does not
 * parse: then NULL). */
au_wc *au_wc_parse(void *blob, size_t len);
void au_wc_free(au_wc *c);
guint au_wc_count(const au_wc *c);
/* What au_wc_start was given ("" for none, or without a cache). */
const char *au_wc_tag(const au_wc *c);
/* The record of (a, b), when c has one and its entries parse (c may be
 * NULL). Safe from several threads at once. */
bool au_wc_find(const au_wc *c, uint64_t a, uint64_t b, au_wc_rec *ret);
/* Starts bringing the slot where au_wc_find(c, a, b) begins into the CPU's
 * cache, for a find that follows something slow, a stat() (c may be
 * NULL). */
void au_wc_prefetch(const au_wc *c, uint64_t a, uint64_t b);
/* fn for every record whose entries parse, in no order. */
void au_wc_each(const au_wc *c, void (*fn)(const au_wc_rec *r, void *ud), void *ud);
/* The next entry (its d_type and name) at *p, moving *p past it; false at
 * end. au_wc_find checked every entry. */
bool au_wc_next_entry(const uint8_t **p, const uint8_t *end, unsigned char *ret_type, const char **ret_name);
/* The walk used r (from any thread). */
void au_wc_mark_used(au_wc *c, const au_wc_rec *r);
guint au_wc_count_used(const au_wc *c);

/* Listings: a directory's record, and whether sb (the directory now) is
 * as the record saw it. */
bool au_wc_find_dir(const au_wc *c, const struct stat *sb, au_wc_rec *ret);
bool au_wc_matches(const au_wc_rec *r, const struct stat *sb);
/* A stat time in nanoseconds. */
int64_t au_wc_time_ns(const struct timespec *t);
/* A path's 64-bit id for the keys file. */
uint64_t au_wc_path_id(const char *path);

/* Building a blob: au_wc_start first (tag: what the cache is valid for,
 * or NULL), then a record per id. */
void au_wc_start(GByteArray *out, const char *tag);
/* entries: what au_wc_entry appended, one per directory entry */
void au_wc_entry(GByteArray *entries, unsigned char type, const char *name);
/* Appends the index, so that a load maps the blob and finds its records
 * without reading them all; nothing is added after it. A blob whose
 * records do not parse whole is left as it is (and is no cache). */
void au_wc_finish(GByteArray *out);
/* a directory as sb says, with its entries */
void au_wc_add_dir(GByteArray *out, const struct stat *sb, const GByteArray *entries);
/* any record: its ids, four numbers and entries (len bytes of au_wc_entry's) */
void au_wc_add(GByteArray *out, uint64_t a, uint64_t b, const int64_t num[4], const void *entries, size_t len);
/* Every record of c marked used, as it was. */
void au_wc_add_used(GByteArray *out, const au_wc *c);

#endif

/*
 * The cache files (walkcache.h): "AUWC", a version, a tag (u32 length,
 * bytes), then one record per path:
 *   u32 length of the rest of the record
 *   u32 the path's hash (path_hash)
 *   i64 four numbers (a listing: dev, ino, mtime_ns, ctime_ns)
 *   u32 path length, the path, NUL
 *   entries to the record's end: u8 d_type, the name, NUL
 * Numbers in native byte order, unaligned (read with memcpy). Reading it
 * makes only an open-addressed table of (hash, offset): 10k records took
 * 2.9 ms as a GHashTable of parsed records and take 0.3 ms this way; a
 * record's entries are checked when the walk asks for it.
 */
#include "walkcache.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#define MAGIC "AUWC"
#define VERSION 4u
#define HEADER 12 /* before the tag */
#define FIXED (4 + 4 * 8 + 4) /* the numbers after the length, before the path */

struct au_wc {
	uint8_t *blob;
	size_t len;
	char *tag;
	guint n;	   /* records */
	guint mask;	   /* slots - 1 */
	struct slot {
		uint32_t hash; /* the record's path's */
		uint32_t off;  /* the record's offset, 0 when empty */
	} *slot;	       /* side by side: one cache line a probe */
	gint *used;	   /* per slot (atomic) */
};

int64_t au_wc_time_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static int64_t get64(const uint8_t *p)
{
	int64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

/* The table's order only, never trusted (a path is compared): eight bytes
 * a step and a final mix, since paths differ in their last bytes and the
 * slot is the low bits. Byte-wise FNV-1a made lookups 13 % of a warm run's
 * CPU (134-byte paths, 30k lookups). Part of the format: changing it needs
 * a new VERSION. */
static uint32_t path_hash(const char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15u ^ n, w;
	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, p, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
	h ^= h >> 29;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 32;
	return (uint32_t)h;
}

/* Every entry from p to end: a type byte and a NUL-terminated name that
 * is a name (not empty, no '/', not . or ..). */
static bool entries_valid(const uint8_t *p, const uint8_t *end)
{
	while (p < end) {
		p++; /* type */
		const uint8_t *nul = p < end ? memchr(p, '\0', (size_t)(end - p)) : NULL;
		if (!nul || nul == p || memchr(p, '/', (size_t)(nul - p)))
			return false;
		if (p[0] == '.' && (nul - p == 1 || (nul - p == 2 && p[1] == '.')))
			return false;
		p = nul + 1;
	}
	return true;
}

/* The record at off (its length field), checked up to its path: its
 * path's length, or 0 when it is not a record. */
static uint32_t record_at(const uint8_t *blob, size_t len, size_t off)
{
	if (len - off < 4)
		return 0;
	uint32_t n = get32(blob + off);
	if (n < FIXED + 2 || n > len - off - 4)
		return 0;
	const uint8_t *rec = blob + off + 4;
	uint32_t path_len = get32(rec + FIXED - 4);
	if (path_len == 0 || path_len > n - FIXED - 1 || rec[FIXED + path_len] != '\0')
		return 0;
	return path_len;
}

au_wc *au_wc_parse(void *blob, size_t len)
{
	const uint8_t *b = blob;
	if (!blob || len < HEADER || len >= UINT32_MAX || memcmp(b, MAGIC, 4) != 0 || get32(b + 4) != VERSION ||
	    get32(b + 8) > len - HEADER) {
		g_free(blob);
		return NULL;
	}
	size_t first = HEADER + get32(b + 8);
	guint n = 0;
	for (size_t off = first; off < len; off += 4 + get32(b + off), n++)
		if (!record_at(b, len, off)) {
			g_free(blob);
			return NULL;
		}
	guint slots = 16;
	while (slots < 2 * n)
		slots *= 2;
	au_wc *c = g_new0(au_wc, 1);
	*c = (au_wc){.blob = blob, .len = len, .n = n, .mask = slots - 1};
	c->tag = g_strndup((const char *)b + HEADER, first - HEADER);
	c->slot = g_new0(struct slot, slots);
	c->used = g_new0(gint, slots);
	for (size_t off = first; off < len; off += 4 + get32(b + off)) {
		uint32_t h = get32(b + off + 4);
		guint i = h & c->mask;
		while (c->slot[i].off)
			i = (i + 1) & c->mask;
		c->slot[i] = (struct slot){.hash = h, .off = (uint32_t)off};
	}
	return c;
}

void au_wc_free(au_wc *c)
{
	if (!c)
		return;
	g_free(c->slot);
	g_free(c->used);
	g_free(c->tag);
	g_free(c->blob);
	g_free(c);
}

guint au_wc_count(const au_wc *c)
{
	return c ? c->n : 0;
}

const char *au_wc_tag(const au_wc *c)
{
	return c ? c->tag : "";
}

/* The record in slot i as a view (its entries not checked). */
static const char *view(const au_wc *c, guint i, au_wc_dir *ret)
{
	const uint8_t *rec = c->blob + c->slot[i].off + 4;
	uint32_t n = get32(rec - 4), path_len = get32(rec + FIXED - 4);
	*ret = (au_wc_dir){
		.id = i,
		.num = {get64(rec + 4), get64(rec + 12), get64(rec + 20), get64(rec + 28)},
		.entries = rec + FIXED + path_len + 1,
		.entries_end = rec + n,
	};
	return (const char *)rec + FIXED;
}

void au_wc_each(const au_wc *c, void (*fn)(const char *path, const au_wc_dir *d, void *ud), void *ud)
{
	for (guint i = 0; c && i <= c->mask; i++) {
		if (!c->slot[i].off)
			continue;
		au_wc_dir d;
		const char *path = view(c, i, &d);
		if (entries_valid(d.entries, d.entries_end))
			fn(path, &d, ud);
	}
}

bool au_wc_find(const au_wc *c, const char *path, au_wc_dir *ret)
{
	if (!c)
		return false;
	size_t plen = strlen(path);
	uint32_t h = path_hash(path, plen);
	for (guint i = h & c->mask; c->slot[i].off; i = (i + 1) & c->mask) {
		if (c->slot[i].hash != h)
			continue;
		const uint8_t *rec = c->blob + c->slot[i].off + 4;
		if (get32(rec + FIXED - 4) != plen || memcmp(rec + FIXED, path, plen) != 0)
			continue;
		view(c, i, ret);
		return entries_valid(ret->entries, ret->entries_end);
	}
	return false;
}

bool au_wc_matches(const au_wc_dir *d, const struct stat *sb)
{
	return d->num[0] == (int64_t)sb->st_dev && d->num[1] == (int64_t)sb->st_ino &&
	       d->num[2] == au_wc_time_ns(&sb->st_mtim) && d->num[3] == au_wc_time_ns(&sb->st_ctim);
}

bool au_wc_next_entry(const uint8_t **p, const uint8_t *end, unsigned char *ret_type, const char **ret_name)
{
	if (*p >= end)
		return false;
	*ret_type = **p;
	*ret_name = (const char *)*p + 1;
	*p += 1 + strlen(*ret_name) + 1;
	return true;
}

void au_wc_mark_used(au_wc *c, const au_wc_dir *d)
{
	/* two roots may share a directory, and their walkers mark it at once;
	 * relaxed: it is read after the walkers are joined */
	__atomic_store_n(&c->used[d->id], 1, __ATOMIC_RELAXED);
}

guint au_wc_count_used(const au_wc *c)
{
	guint n = 0;
	for (guint i = 0; c && i <= c->mask; i++)
		n += __atomic_load_n(&c->used[i], __ATOMIC_RELAXED) != 0;
	return n;
}

void au_wc_start(GByteArray *out, const char *tag)
{
	uint32_t v = VERSION, n = tag ? (uint32_t)strlen(tag) : 0;
	g_byte_array_append(out, (const guint8 *)MAGIC, 4);
	g_byte_array_append(out, (const guint8 *)&v, 4);
	g_byte_array_append(out, (const guint8 *)&n, 4);
	if (n)
		g_byte_array_append(out, (const guint8 *)tag, n);
}

void au_wc_entry(GByteArray *entries, unsigned char type, const char *name)
{
	g_byte_array_append(entries, &type, 1);
	g_byte_array_append(entries, (const guint8 *)name, (guint)strlen(name) + 1);
}

void au_wc_add(GByteArray *out, const char *path, const struct stat *sb, const GByteArray *entries)
{
	int64_t nums[4] = {(int64_t)sb->st_dev, (int64_t)sb->st_ino, au_wc_time_ns(&sb->st_mtim),
			   au_wc_time_ns(&sb->st_ctim)};
	au_wc_add_nums(out, path, nums, entries->data, entries->len);
}

void au_wc_add_nums(GByteArray *out, const char *path, const int64_t nums[4], const void *entries, size_t len)
{
	uint32_t path_len = (uint32_t)strlen(path);
	uint32_t n = FIXED + path_len + 1 + (uint32_t)len, h = path_hash(path, path_len);
	g_byte_array_append(out, (const guint8 *)&n, 4);
	g_byte_array_append(out, (const guint8 *)&h, 4);
	g_byte_array_append(out, (const guint8 *)nums, 4 * sizeof(nums[0]));
	g_byte_array_append(out, (const guint8 *)&path_len, 4);
	g_byte_array_append(out, (const guint8 *)path, path_len + 1);
	g_byte_array_append(out, entries, (guint)len);
}

void au_wc_add_used(GByteArray *out, const au_wc *c)
{
	for (guint i = 0; c && i <= c->mask; i++)
		if (c->slot[i].off && __atomic_load_n(&c->used[i], __ATOMIC_RELAXED))
			g_byte_array_append(out, c->blob + c->slot[i].off, 4 + get32(c->blob + c->slot[i].off));
}

char *au_wc_default_path(void)
{
	const char *xdg = g_getenv("XDG_CACHE_HOME");
	if (xdg && g_path_is_absolute(xdg))
		return g_build_filename(xdg, "aiusage", "listings", NULL);
	const char *home = g_getenv("HOME");
	if (!home || !g_path_is_absolute(home))
		return NULL;
	return g_build_filename(home, ".cache", "aiusage", "listings", NULL);
}

au_wc *au_wc_load(const char *path)
{
	gchar *blob = NULL;
	gsize len = 0;
	if (!path || !g_file_get_contents(path, &blob, &len, NULL))
		return NULL;
	return au_wc_parse(blob, len);
}

bool au_wc_save(const char *path, const GByteArray *blob, char **ret_why)
{
	*ret_why = NULL;
	char *dir = g_path_get_dirname(path);
	int made = g_mkdir_with_parents(dir, 0700);
	int e = errno;
	g_free(dir);
	if (made != 0) {
		*ret_why = g_strdup(g_strerror(e));
		return false;
	}
	GError *ge = NULL;
	if (!g_file_set_contents_full(path, (const gchar *)blob->data, (gssize)blob->len,
				      G_FILE_SET_CONTENTS_CONSISTENT, 0600, &ge)) {
		*ret_why = g_strdup(ge->message);
		g_error_free(ge);
		return false;
	}
	return true;
}

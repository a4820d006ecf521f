/*
 * The cache files (walkcache.h): "AUWC", a version, the tag's length, the
 * index's offset (0: none), the tag's bytes, then one record per pair of
 * ids:
 *   u32 length of the rest of the record
 *   u64 a, b: the ids (a listing: the directory's dev and ino)
 *   i64 four numbers (a listing: mtime_ns, ctime_ns, 0, 0)
 *   entries to the record's end: u8 d_type, the name, NUL
 * and, in a file au_wc_save wrote, the index after them: u32 where the
 * records end, three u32 zeros, then the open-addressed table of (u32 hash
 * of the ids, u32 record offset, 0 for an empty slot), a power of two of
 * slots, at an offset that is a multiple of 8.
 * Numbers in native byte order, unaligned (read with memcpy). A file is
 * mapped, not read: 1.7 MB of listings took 0.7-1.9 ms to read into fresh
 * pages and take 0.1 ms to map. With its index it is not parsed either:
 * building the table took 0.6-0.8 ms of the walk's start for 10k
 * directories, 2.5 ms for 22k keys. A lookup checks the one record it
 * finds, so damage costs a record, never a read out of bounds. A blob
 * without an index (au_wc_start and au_wc_add in memory) is checked whole
 * and its table made. Keying listings by path made the file 2.7 MB for 10k
 * directories (their paths, again and again) and every lookup a hash and a
 * compare of a 134-byte path.
 *
 * A mapped file is read as it is on disk. aiusage only ever renames a new
 * file over it, which leaves the mapped one whole; a file cut short in
 * place by another program during a scan would fault that scan.
 */
#include "walkcache.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAGIC "AUWC"
#define VERSION 6u
#define HEADER 16	      /* before the tag */
#define INDEX_AT 12	      /* the index's offset, in the header */
#define INDEX_HEAD 16	      /* before the index's table */
#define SLOTS_MAX (1u << 26) /* 64M records: no cache is near it */
#define FIXED (16 + 32)	      /* the ids and numbers after the length */

struct slot {
	uint32_t hash; /* of the record's ids */
	uint32_t off;  /* the record's offset, 0 when empty */
};		       /* side by side: one cache line a probe */

struct au_wc {
	uint8_t *blob;
	size_t mapped; /* the blob is a mapping of this length; 0: g_malloc'd */
	char *tag;
	uint32_t first, end; /* the records are [first, end) */
	guint n;	     /* records */
	guint mask;	     /* slots - 1 */
	const struct slot *slot; /* the file's index, or table */
	struct slot *table;	 /* made here for a blob without an index */
	gint *used;		 /* per slot (atomic) */
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

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53u;
	h ^= h >> 33;
	return h;
}

/* The table's slot for a pair of ids (the low bits pick it). */
static uint32_t ids_hash(uint64_t a, uint64_t b)
{
	return (uint32_t)mix64(a ^ mix64(b + 0x9e3779b97f4a7c15u));
}

/* Eight bytes a step and a final mix. Part of the format: changing it needs
 * a new VERSION. Two paths with one id would need the same 64 bits and a
 * file at each with one device, inode, size and mtime: one file, whose
 * records its cursor's path already holds. */
uint64_t au_wc_path_id(const char *p)
{
	size_t n = strlen(p);
	uint64_t h = 0x9e3779b97f4a7c15u ^ n, w;
	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&w, p, 8);
		h = mix64(h ^ w);
	}
	w = 0;
	memcpy(&w, p, n);
	return mix64(h ^ w ^ 0x2545f4914f6cdd1du);
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

static void blob_free(void *blob, size_t mapped)
{
	if (mapped)
		munmap(blob, mapped);
	else
		g_free(blob);
}

/* The table of a blob without an index: every record checked whole. */
static bool make_table(au_wc *c, const uint8_t *b, size_t len)
{
	guint n = 0;
	for (size_t off = c->first; off < len; off += 4 + get32(b + off), n++)
		if (len - off < 4 || get32(b + off) < FIXED || get32(b + off) > len - off - 4)
			return false;
	guint slots = 16;
	while (slots < 2 * n)
		slots *= 2;
	/* zeroed by writing: calloc's fresh pages read as the zero page, and
	 * the probes below read a slot before writing it, so each page took
	 * a copy-on-write fault that flushed every CPU's TLB (1.3 % of a
	 * warm run over 22k files) */
	c->table = memset(g_new(struct slot, slots), 0, slots * sizeof(struct slot));
	c->slot = c->table;
	c->mask = slots - 1;
	c->end = (uint32_t)len;
	c->n = n;
	for (size_t off = c->first; off < len; off += 4 + get32(b + off)) {
		uint32_t h = ids_hash(get64(b + off + 4), get64(b + off + 12));
		guint i = h & c->mask;
		while (c->table[i].off)
			i = (i + 1) & c->mask;
		c->table[i] = (struct slot){.hash = h, .off = (uint32_t)off};
	}
	return true;
}

/* The index au_wc_save wrote, where the header says: its bounds only (a
 * slot's record is checked when it is looked at). */
static bool use_index(au_wc *c, const uint8_t *b, size_t len, uint32_t at)
{
	if (at % 8 || at < c->first || at > len || len - at < INDEX_HEAD)
		return false;
	uint32_t end = get32(b + at);
	size_t slots = (len - at - INDEX_HEAD) / sizeof(struct slot);
	if (end < c->first || end > at || (len - at - INDEX_HEAD) % sizeof(struct slot) || slots < 16 ||
	    slots > SLOTS_MAX || (slots & (slots - 1)))
		return false;
	c->slot = (const struct slot *)(b + at + INDEX_HEAD);
	c->mask = (guint)slots - 1;
	c->end = end;
	for (size_t i = 0; i < slots; i++)
		c->n += c->slot[i].off != 0;
	/* at most half full, as written: a probe always reaches an empty
	 * slot, so a find ends */
	return c->n <= slots / 2;
}

static au_wc *parse(void *blob, size_t len, size_t mapped)
{
	const uint8_t *b = blob;
	if (!blob || len < HEADER || len >= UINT32_MAX || memcmp(b, MAGIC, 4) != 0 || get32(b + 4) != VERSION ||
	    get32(b + 8) > len - HEADER) {
		if (blob)
			blob_free(blob, mapped);
		return NULL;
	}
	au_wc *c = g_new0(au_wc, 1);
	*c = (au_wc){.blob = blob, .mapped = mapped, .first = HEADER + get32(b + 8)};
	uint32_t at = get32(b + INDEX_AT);
	if (at ? !use_index(c, b, len, at) : !make_table(c, b, len)) {
		g_free(c->table);
		g_free(c);
		blob_free(blob, mapped);
		return NULL;
	}
	c->tag = g_strndup((const char *)b + HEADER, c->first - HEADER);
	c->used = g_new0(gint, c->mask + 1);
	return c;
}

au_wc *au_wc_parse(void *blob, size_t len)
{
	return parse(blob, len, 0);
}

void au_wc_free(au_wc *c)
{
	if (!c)
		return;
	g_free(c->table);
	g_free(c->used);
	g_free(c->tag);
	blob_free(c->blob, c->mapped);
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

/* Slot i holds a record, whole within the records. */
static bool slot_ok(const au_wc *c, guint i)
{
	uint32_t off = c->slot[i].off;
	return off >= c->first && off <= c->end - 4 && get32(c->blob + off) >= FIXED &&
	       get32(c->blob + off) <= c->end - off - 4;
}

/* The record in slot i (slot_ok) as a view (its entries not checked). */
static void view(const au_wc *c, guint i, au_wc_rec *ret)
{
	const uint8_t *rec = c->blob + c->slot[i].off + 4;
	*ret = (au_wc_rec){
		.id = i,
		.a = get64(rec),
		.b = get64(rec + 8),
		.num = {(int64_t)get64(rec + 16), (int64_t)get64(rec + 24), (int64_t)get64(rec + 32),
			(int64_t)get64(rec + 40)},
		.entries = rec + FIXED,
		.entries_end = rec + get32(rec - 4),
	};
}

void au_wc_each(const au_wc *c, void (*fn)(const au_wc_rec *r, void *ud), void *ud)
{
	for (guint i = 0; c && i <= c->mask; i++) {
		if (!c->slot[i].off || !slot_ok(c, i))
			continue;
		au_wc_rec r;
		view(c, i, &r);
		if (entries_valid(r.entries, r.entries_end))
			fn(&r, ud);
	}
}

bool au_wc_find(const au_wc *c, uint64_t a, uint64_t b, au_wc_rec *ret)
{
	if (!c)
		return false;
	uint32_t h = ids_hash(a, b);
	for (guint i = h & c->mask; c->slot[i].off; i = (i + 1) & c->mask) {
		if (c->slot[i].hash != h || !slot_ok(c, i))
			continue;
		const uint8_t *rec = c->blob + c->slot[i].off + 4;
		if (get64(rec) != a || get64(rec + 8) != b)
			continue;
		view(c, i, ret);
		return entries_valid(ret->entries, ret->entries_end);
	}
	return false;
}

void au_wc_prefetch(const au_wc *c, uint64_t a, uint64_t b)
{
	if (c)
		__builtin_prefetch(&c->slot[ids_hash(a, b) & c->mask]);
}

bool au_wc_find_dir(const au_wc *c, const struct stat *sb, au_wc_rec *ret)
{
	return au_wc_find(c, (uint64_t)sb->st_dev, (uint64_t)sb->st_ino, ret);
}

bool au_wc_matches(const au_wc_rec *r, const struct stat *sb)
{
	return r->a == (uint64_t)sb->st_dev && r->b == (uint64_t)sb->st_ino &&
	       r->num[0] == au_wc_time_ns(&sb->st_mtim) && r->num[1] == au_wc_time_ns(&sb->st_ctim);
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

void au_wc_mark_used(au_wc *c, const au_wc_rec *r)
{
	/* two roots may share a directory, and their walkers mark it at once;
	 * relaxed: it is read after the walkers are joined */
	__atomic_store_n(&c->used[r->id], 1, __ATOMIC_RELAXED);
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
	uint32_t v = VERSION, n = tag ? (uint32_t)strlen(tag) : 0, none = 0;
	g_byte_array_append(out, (const guint8 *)MAGIC, 4);
	g_byte_array_append(out, (const guint8 *)&v, 4);
	g_byte_array_append(out, (const guint8 *)&n, 4);
	g_byte_array_append(out, (const guint8 *)&none, 4);
	if (n)
		g_byte_array_append(out, (const guint8 *)tag, n);
}

void au_wc_entry(GByteArray *entries, unsigned char type, const char *name)
{
	g_byte_array_append(entries, &type, 1);
	g_byte_array_append(entries, (const guint8 *)name, (guint)strlen(name) + 1);
}

void au_wc_add_dir(GByteArray *out, const struct stat *sb, const GByteArray *entries)
{
	int64_t num[4] = {au_wc_time_ns(&sb->st_mtim), au_wc_time_ns(&sb->st_ctim), 0, 0};
	au_wc_add(out, (uint64_t)sb->st_dev, (uint64_t)sb->st_ino, num, entries->data, entries->len);
}

void au_wc_add(GByteArray *out, uint64_t a, uint64_t b, const int64_t num[4], const void *entries, size_t len)
{
	uint32_t n = FIXED + (uint32_t)len;
	g_byte_array_append(out, (const guint8 *)&n, 4);
	g_byte_array_append(out, (const guint8 *)&a, 8);
	g_byte_array_append(out, (const guint8 *)&b, 8);
	g_byte_array_append(out, (const guint8 *)num, 4 * sizeof(num[0]));
	g_byte_array_append(out, entries, (guint)len);
}

void au_wc_add_used(GByteArray *out, const au_wc *c)
{
	for (guint i = 0; c && i <= c->mask; i++)
		if (c->slot[i].off && __atomic_load_n(&c->used[i], __ATOMIC_RELAXED) && slot_ok(c, i))
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
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	struct stat sb;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size < HEADER || sb.st_size >= UINT32_MAX) {
		close(fd);
		return NULL;
	}
	size_t len = (size_t)sb.st_size;
	void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (map != MAP_FAILED)
		return parse(map, len, len);
	/* a file system that cannot map it: read, as before mapping */
	gchar *blob = NULL;
	gsize got = 0;
	return g_file_get_contents(path, &blob, &got, NULL) ? parse(blob, got, 0) : NULL;
}

void au_wc_finish(GByteArray *out)
{
	if (out->len < HEADER || get32(out->data + INDEX_AT) != 0)
		return;
	au_wc *c = g_new0(au_wc, 1);
	*c = (au_wc){.blob = out->data, .first = HEADER + get32(out->data + 8)};
	if (!make_table(c, out->data, out->len)) {
		g_free(c);
		return;
	}
	uint32_t end = out->len, zero = 0;
	while (out->len % 8)
		g_byte_array_append(out, (const guint8 *)&zero, 1);
	uint32_t at = out->len;
	uint32_t head[4] = {end, 0, 0, 0};
	g_byte_array_append(out, (const guint8 *)head, sizeof(head));
	g_byte_array_append(out, (const guint8 *)c->table, (c->mask + 1) * (guint)sizeof(struct slot));
	memcpy(out->data + INDEX_AT, &at, 4);
	g_free(c->table);
	g_free(c);
}

/* A new file renamed over the old, without an fsync: a cache lost in a
 * crash, or cut short, parses to no cache. */
bool au_wc_save(const char *path, GByteArray *blob, char **ret_why)
{
	*ret_why = NULL;
	au_wc_finish(blob);
	char *dir = g_path_get_dirname(path);
	int made = g_mkdir_with_parents(dir, 0700);
	int e = errno;
	g_free(dir);
	if (made != 0) {
		*ret_why = g_strdup(g_strerror(e));
		return false;
	}
	char *tmp = g_strconcat(path, ".XXXXXX", NULL);
	int fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, 0600);
	bool ok = fd >= 0;
	for (size_t at = 0; ok && at < blob->len;) {
		ssize_t w = write(fd, blob->data + at, blob->len - at);
		if (w < 0 && errno == EINTR)
			continue;
		ok = w > 0;
		at += ok ? (size_t)w : 0;
	}
	e = errno;
	if (fd >= 0 && close(fd) != 0 && ok)
		ok = false, e = errno;
	if (ok && rename(tmp, path) != 0)
		ok = false, e = errno;
	if (!ok) {
		*ret_why = g_strdup(g_strerror(e ? e : EIO));
		if (fd >= 0)
			g_unlink(tmp);
	}
	g_free(tmp);
	return ok;
}

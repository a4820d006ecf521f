/*
 * libFuzzer target for the walk's listing cache file (watchers/walkcache.c):
 * a damaged or hostile file must parse to no cache or to records whose
 * entries are names, and what the walk keeps of it must parse back to the
 * same records. An input not starting with the magic gets a header put in
 * front of it, so that the fuzzer spends its time on the records.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "walkcache.h"
#include "require.h"

/* Every NUL-terminated string in the input that starts with '/': the
 * paths a record may have. */
static GPtrArray *candidate_paths(const uint8_t *p, size_t n)
{
	GPtrArray *out = g_ptr_array_new();
	for (size_t i = 0; i < n; i++) {
		if (p[i] != '/')
			continue;
		const uint8_t *nul = memchr(p + i, '\0', n - i);
		if (!nul)
			break;
		g_ptr_array_add(out, (gpointer)(p + i));
		i = (size_t)(nul - p);
	}
	return out;
}

static void check_entries(const au_wc_dir *d)
{
	const uint8_t *e = d->entries;
	unsigned char type;
	const char *name;
	while (au_wc_next_entry(&e, d->entries_end, &type, &name)) {
		REQUIRE(name[0] != '\0' && !strchr(name, '/'));
		REQUIRE(strcmp(name, ".") != 0 && strcmp(name, "..") != 0);
		REQUIRE(e <= d->entries_end);
	}
	REQUIRE(e == d->entries_end);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GByteArray *in = g_byte_array_new();
	if (size < 4 || memcmp(data, "AUWC", 4) != 0)
		au_wc_start(in, NULL);
	g_byte_array_append(in, data, (guint)size);
	au_wc *c = au_wc_parse(g_memdup2(in->data, in->len), in->len);
	if (c) {
		GPtrArray *paths = candidate_paths(in->data, in->len);
		guint found = 0;
		for (guint i = 0; i < paths->len; i++) {
			au_wc_dir d;
			if (!au_wc_find(c, paths->pdata[i], &d))
				continue;
			check_entries(&d);
			au_wc_mark_used(c, &d);
			found++;
		}
		guint used = au_wc_count_used(c);
		REQUIRE(used <= au_wc_count(c) && used <= found);
		/* what a walk keeps is itself a cache of those records */
		GByteArray *kept = g_byte_array_new();
		au_wc_start(kept, au_wc_tag(c));
		au_wc_add_used(kept, c);
		au_wc *k = au_wc_parse(g_memdup2(kept->data, kept->len), kept->len);
		REQUIRE(k != NULL);
		REQUIRE(au_wc_count(k) == used);
		REQUIRE(strcmp(au_wc_tag(k), au_wc_tag(c)) == 0);
		for (guint i = 0; i < paths->len; i++) {
			au_wc_dir a, b;
			bool in_c = au_wc_find(c, paths->pdata[i], &a);
			if (!in_c)
				continue;
			REQUIRE(au_wc_find(k, paths->pdata[i], &b));
			REQUIRE(memcmp(a.num, b.num, sizeof(a.num)) == 0);
			REQUIRE(a.entries_end - a.entries == b.entries_end - b.entries);
			REQUIRE(memcmp(a.entries, b.entries, (size_t)(a.entries_end - a.entries)) == 0);
		}
		au_wc_free(k);
		g_byte_array_unref(kept);
		g_ptr_array_free(paths, TRUE);
		au_wc_free(c);
	}
	g_byte_array_unref(in);
	return 0;
}

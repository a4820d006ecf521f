/*
 * libFuzzer target for the walk's cache files (watchers/walkcache.c): a
 * damaged or hostile file must parse to no cache or to records whose
 * entries are names, and what the walk keeps of it must parse back to the
 * same records, with its index and without. An input not starting with
 * the magic gets a header put in front of it, so that the fuzzer spends
 * its time on the records.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "walkcache.h"
#include "require.h"

static void check_entries(const au_wc_rec *r)
{
	const uint8_t *e = r->entries;
	unsigned char type;
	const char *name;
	while (au_wc_next_entry(&e, r->entries_end, &type, &name)) {
		REQUIRE(name[0] != '\0' && !strchr(name, '/'));
		REQUIRE(strcmp(name, ".") != 0 && strcmp(name, "..") != 0);
		REQUIRE(e <= r->entries_end);
	}
	REQUIRE(e == r->entries_end);
}

typedef struct seen {
	au_wc *c;
	GArray *ids; /* uint64_t pairs of the records marked */
} seen;

/* Every record's entries are names; the record its ids find (the first of
 * them when the file has them twice, and not found when that one's entries
 * are not names) is theirs, and it is marked for keeping. */
static void visit(const au_wc_rec *r, void *ud)
{
	seen *s = ud;
	check_entries(r);
	au_wc_rec f;
	if (!au_wc_find(s->c, r->a, r->b, &f))
		return;
	check_entries(&f);
	REQUIRE(f.a == r->a && f.b == r->b);
	au_wc_mark_used(s->c, &f);
	uint64_t pair[2] = {f.a, f.b};
	g_array_append_vals(s->ids, pair, 2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GByteArray *in = g_byte_array_new();
	if (size < 4 || memcmp(data, "AUWC", 4) != 0)
		au_wc_start(in, NULL);
	g_byte_array_append(in, data, (guint)size);
	au_wc *c = au_wc_parse(g_memdup2(in->data, in->len), in->len);
	if (c) {
		seen s = {.c = c, .ids = g_array_new(FALSE, FALSE, sizeof(uint64_t))};
		au_wc_each(c, visit, &s);
		guint used = au_wc_count_used(c);
		REQUIRE(used <= au_wc_count(c));
		/* what a walk keeps is itself a cache of those records */
		GByteArray *kept = g_byte_array_new();
		au_wc_start(kept, au_wc_tag(c));
		au_wc_add_used(kept, c);
		au_wc *k = au_wc_parse(g_memdup2(kept->data, kept->len), kept->len);
		REQUIRE(k != NULL);
		/* and with its index, as a saved file is */
		au_wc_finish(kept);
		au_wc *ki = au_wc_parse(g_memdup2(kept->data, kept->len), kept->len);
		REQUIRE(ki != NULL);
		REQUIRE(au_wc_count(ki) == used);
		REQUIRE(au_wc_count(k) == used);
		REQUIRE(strcmp(au_wc_tag(k), au_wc_tag(c)) == 0);
		for (guint i = 0; i + 1 < s.ids->len; i += 2) {
			uint64_t a = g_array_index(s.ids, uint64_t, i), b = g_array_index(s.ids, uint64_t, i + 1);
			au_wc_rec x, y;
			REQUIRE(au_wc_find(c, a, b, &x));
			for (int m = 0; m < 2; m++) {
				REQUIRE(au_wc_find(m ? ki : k, a, b, &y));
				REQUIRE(memcmp(x.num, y.num, sizeof(x.num)) == 0);
				REQUIRE(x.entries_end - x.entries == y.entries_end - y.entries);
				REQUIRE(memcmp(x.entries, y.entries, (size_t)(x.entries_end - x.entries)) == 0);
			}
		}
		au_wc_free(ki);
		au_wc_free(k);
		/* the indexed file damaged at a byte the input picks: no cache,
		 * or records that are whole and names */
		if (size && kept->len) {
			kept->data[(size * 7919u) % kept->len] ^= (uint8_t)(data[size - 1] | 1u);
			au_wc *d = au_wc_parse(g_memdup2(kept->data, kept->len), kept->len);
			if (d) {
				seen t = {.c = d, .ids = g_array_new(FALSE, FALSE, sizeof(uint64_t))};
				au_wc_each(d, visit, &t);
				REQUIRE(au_wc_count_used(d) <= au_wc_count(d));
				g_array_free(t.ids, TRUE);
				au_wc_free(d);
			}
		}
		g_byte_array_unref(kept);
		g_array_free(s.ids, TRUE);
		au_wc_free(c);
	}
	g_byte_array_unref(in);
	return 0;
}

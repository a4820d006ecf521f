/*
 * The model-name rules (see model_id.h): three PCRE2 patterns, compiled
 * once per process and shared by every caller; match data is made per
 * call, so reports built on several threads can use them at once.
 */
#include "model_id.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "util.h"

enum {
	/* Provider paths: "openai/", "openrouter/anthropic/", "vertex_ai/",
	 * "gemini/", "bedrock/", even an ARN ending in ".../". */
	RE_PROVIDER,
	/* Bedrock model ids and cross-region profiles: "anthropic.",
	 * "us.anthropic.", "eu.anthropic.", "global.anthropic.". */
	RE_VENDOR,
	/* One decoration at the end: Bedrock "-v1:0", Vertex "@20250929",
	 * "-thinking", Claude Code's "[1m]", "-latest", a preview mark
	 * ("-preview", Copilot's "(Preview)"), and release dates
	 * "-20250929" / "-2025-08-07". Only these: a fallback that dropped any
	 * trailing "-<digits>" would turn gpt-5-1 into gpt-5 and
	 * claude-sonnet-4-5 into claude-sonnet-4, which are different models. */
	RE_SUFFIX,
	/* "4.5" -> "4-5": Anthropic ids use dashes where others write dots. */
	RE_VERSION_DOT,
	RE_COUNT
};

static const char *const re_source[RE_COUNT] = {
	[RE_PROVIDER] = "^.*/",
	[RE_VENDOR] = "^(?:(?:us|eu|apac|au|ca|jp|us-gov|global)\\.)?(?:anthropic|openai)\\.",
	/* one pattern over two lines (parenthesized: not two array elements) */
	[RE_SUFFIX] = ("(?:-v\\d+:\\d+|@[^@]*|[-:]thinking|\\[[^\\]]*\\]|-latest|-preview"
		       "|-?\\((?:preview|thinking)\\)|-20\\d\\d(?:[01]\\d[0-3]\\d|-[01]\\d-[0-3]\\d))$"),
	[RE_VERSION_DOT] = "(?<=\\d)\\.(?=\\d)",
};

static pcre2_code *re[RE_COUNT];

static gpointer compile_all(gpointer unused)
{
	(void)unused;
	for (int i = 0; i < RE_COUNT; i++) {
		int errcode;
		PCRE2_SIZE erroff;
		re[i] = pcre2_compile((PCRE2_SPTR)re_source[i], PCRE2_ZERO_TERMINATED,
				      PCRE2_DOLLAR_ENDONLY | PCRE2_DOTALL, &errcode, &erroff, NULL);
		if (!re[i]) {
			/* A constant pattern: failing is a bug, like OOM not reportable. */
			fprintf(stderr, "aiusage: bad built-in pattern %d at %zu\n", i, (size_t)erroff);
			abort();
		}
	}
	return NULL;
}

static pcre2_code *pattern(int which)
{
	static GOnce once = G_ONCE_INIT;
	g_once(&once, compile_all, NULL);
	return re[which];
}

/* Offsets of the first match of pattern `which` in s, or false. */
static bool re_find(int which, const char *s, size_t *ret_start, size_t *ret_end)
{
	pcre2_code *code = pattern(which);
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
	if (!md)
		abort();
	int rc = pcre2_match(code, (PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL);
	bool found = rc >= 0;
	if (found) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		*ret_start = ov[0];
		*ret_end = ov[1];
	}
	pcre2_match_data_free(md);
	return found;
}

/* ASCII only: model ids are ASCII and tolower() would consult the locale.
 * A display name's blanks become the dashes of an id: Copilot's "Claude
 * Sonnet 4.5" and "claude-sonnet-4.5" are one model. */
void au_model_lower(char *s)
{
	for (; *s; s++) {
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
		else if (*s == ' ')
			*s = '-';
	}
}

size_t au_model_prefix_len(const char *s)
{
	size_t start, end, off = 0;
	if (re_find(RE_PROVIDER, s, &start, &end))
		off = end;
	if (re_find(RE_VENDOR, s + off, &start, &end))
		off += end;
	return off;
}

bool au_model_strip_suffix(char *s)
{
	size_t start, end;
	/* Every alternative matches at least one character, so a caller's
	 * loop ends. */
	if (!re_find(RE_SUFFIX, s, &start, &end))
		return false;
	s[start] = '\0';
	return true;
}

void au_model_dots_to_dashes(char *s)
{
	size_t len = strlen(s);
	PCRE2_UCHAR *out = xmalloc(len + 1);
	PCRE2_SIZE outlen = len + 1;
	int rc = pcre2_substitute(pattern(RE_VERSION_DOT), (PCRE2_SPTR)s, len, 0, PCRE2_SUBSTITUTE_GLOBAL, NULL,
				  NULL, (PCRE2_SPTR) "-", 1, out, &outlen);
	/* Same length in and out, so the buffer always fits. */
	if (rc > 0 && outlen == len)
		memcpy(s, out, len);
	free(out);
}

char *au_model_id(const char *name)
{
	char *s = xstrdup(name);
	au_model_lower(s);
	size_t off = au_model_prefix_len(s);
	if (off && s[off]) /* "openai/" alone stays a name, not "" */
		memmove(s, s + off, strlen(s + off) + 1);
	char *whole = xstrdup(s);
	while (au_model_strip_suffix(s))
		;
	if (!*s) { /* nothing but decoration ("-latest"): keep it as it was */
		free(s);
		s = whole;
	} else {
		free(whole);
	}
	if (strncmp(s, "claude", 6) == 0)
		au_model_dots_to_dashes(s);
	return s;
}

struct au_model_ids {
	GHashTable *ids; /* name -> id, both owned */
};

au_model_ids *au_model_ids_new(void)
{
	au_model_ids *m = xcalloc(1, sizeof(*m));
	m->ids = g_hash_table_new_full(g_str_hash, g_str_equal, free, free);
	return m;
}

void au_model_ids_free(au_model_ids *m)
{
	if (!m)
		return;
	g_hash_table_destroy(m->ids);
	free(m);
}

const char *au_model_ids_get(au_model_ids *m, const char *name)
{
	const char *id = g_hash_table_lookup(m->ids, name);
	if (!id) {
		char *made = au_model_id(name);
		g_hash_table_insert(m->ids, xstrdup(name), made);
		id = made;
	}
	return id;
}

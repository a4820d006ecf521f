/*
 * Columns of a database row as the row parsers (parse_row) read them, and
 * the rowid watermark they resume from: one reading for every database
 * tool (Copilot's session store, VS Code's span database).
 */
#ifndef AU_ROW_COLS_H
#define AU_ROW_COLS_H

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "parser.h"
#include "util.h"

/* A count column: 1 read (SQL NULL is 0), -1 not a whole number from 0 to
 * AU_TOKENS_MAX (a store may hold a number's text: read the same). */
static inline int au_row_count(const char *v, int64_t *ret)
{
	*ret = 0;
	if (!v)
		return 1;
	return au_parse_int64(v, ret) && *ret >= 0 && *ret <= AU_TOKENS_MAX ? 1 : -1;
}

/* A text column into dst (cap bytes), blanks around it left out: 1 copied,
 * 0 NULL, empty or only blanks, -1 too long or holding a NUL. */
static inline int au_row_text(const char *v, size_t len, char *dst, size_t cap)
{
	dst[0] = '\0';
	if (!v)
		return 0;
	while (len > 0 && (v[0] == ' ' || v[0] == '\t')) {
		v++;
		len--;
	}
	while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t'))
		len--;
	if (len == 0)
		return 0;
	if (len >= cap || memchr(v, '\0', len))
		return -1;
	memcpy(dst, v, len);
	dst[len] = '\0';
	return 1;
}

/* The watermark of a table read by rowid: the highest one read (-1:
 * none yet), for the query_since bind (?1; ?2 unused), and as the saved
 * state "TAG ID". */
static inline bool au_watermark_since(int64_t max_id, int64_t ret[2])
{
	if (max_id < 0)
		return false;
	ret[0] = max_id;
	ret[1] = 0;
	return true;
}

static inline char *au_watermark_save(const char *tag, int64_t max_id)
{
	return xasprintf("%s %" PRId64, tag, max_id);
}

static inline int au_watermark_load(const char *text, const char *tag, int64_t *ret, const char *what, au_err *err)
{
	size_t n = strlen(tag);
	int64_t id;
	int used = 0;
	if (strncmp(text, tag, n) != 0 || text[n] != ' ' || sscanf(text + n + 1, "%" SCNd64 "%n", &id, &used) != 1 ||
	    text[n + 1 + used] != '\0' || id < -1)
		return au_fail(err, EINVAL, "unreadable %s watermark", what);
	*ret = id;
	return 0;
}

#endif

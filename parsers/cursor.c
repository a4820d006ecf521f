/*
 * Cursor's chat records in its global state.vscdb (a SQLite database Cursor
 * keeps open and rewrites in place): cursorDiskKV rows
 * "bubbleId:<composer>:<bubble>" (one per chat message) and
 * "composerData:<composer>" (one per chat; older builds keep the messages
 * inline in its "conversation" array). A message's tokenCount
 * {inputTokens, outputTokens} is counted as recorded: many recent builds
 * write zeros on every message, and those count for nothing; the per-file
 * state keeps how many replies had counts and how many had zeros, so
 * `aiusage sources` can say "not recorded locally" instead of inventing a
 * number. No cache split, no project: neither is in these records.
 * The "agentKv:" rows beside them (agentKv:blob:<sha256>, content-addressed
 * message chunks, and the checkpoints naming them) are not read: no public
 * source shows a token count in them (tuo-lei/vibe-replay#279; trackers
 * that read them estimate from text length), so they would add nothing
 * but a guess.
 * Counting rules: shared/docs/formats.md section 4.
 */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "jsonscan.h"
#include "jsonw.h"
#include "parser.h"

/*
 * Bubbles in key order (the index on cursorDiskKV.key), each with its
 * chat's model and start time; the chats are read once into a
 * materialized table, where a malformed one is skipped rather than failing
 * the whole statement. Then the chats that still hold their messages
 * inline. Bubble values are handed over whole and parsed here.
 */
#define CURSOR_QUERY                                                                                   \
	"WITH composer(cid, model, created) AS MATERIALIZED ("                                        \
	"  SELECT substr(key, 14), json_extract(v, '$.modelConfig.modelName'),"                       \
	"         json_extract(v, '$.createdAt')"                                                      \
	"  FROM (SELECT key, CAST(value AS TEXT) AS v FROM cursorDiskKV"                               \
	"        WHERE key >= 'composerData:' AND key < 'composerData;')"                              \
	"  WHERE json_valid(v))"                                                                       \
	" SELECT b.key, b.value, c.model, c.created FROM cursorDiskKV AS b"                            \
	"  LEFT JOIN composer AS c ON c.cid = substr(b.key, 10, instr(substr(b.key, 10), ':') - 1)"    \
	"  WHERE b.key >= 'bubbleId:' AND b.key < 'bubbleId;'"                                         \
	" UNION ALL"                                                                                   \
	" SELECT key, value, NULL, NULL FROM cursorDiskKV"                                             \
	"  WHERE key >= 'composerData:' AND key < 'composerData;'"                                     \
	"    AND instr(CAST(value AS TEXT), '\"conversation\":[{') > 0"

/* A model Cursor named nowhere: counted, and shown unpriced under this name. */
#define CURSOR_UNKNOWN_MODEL "cursor-unknown"

/* What one read of the database found; saved with its cursor, where
 * `aiusage sources` reads it. Owns no pointers. */
typedef struct cursor_state {
	int64_t messages; /* every bubble seen */
	int64_t replies;  /* bubbles of type 2 (the AI's side) */
	int64_t counted;  /* bubbles with token counts, emitted */
	int64_t zero;     /* replies with no or zero token counts */
	int64_t undated;  /* bubbles with counts but no time at all: not counted */
} cursor_state;

static void cursor_init(void *vs, const char *path)
{
	memset(vs, 0, sizeof(cursor_state));
}

/* A real number token's value (the text is JSON's, so the C locale's
 * reading of it is right). */
static bool real_value(const js_doc *d, int t, double *ret)
{
	char buf[64];
	if (js_typeof(d, t) != JS_REAL)
		return false;
	size_t n = d->toks[t].end - d->toks[t].start;
	if (n >= sizeof(buf))
		return false;
	memcpy(buf, d->src + d->toks[t].start, n);
	buf[n] = '\0';
	*ret = g_ascii_strtod(buf, NULL);
	return true;
}

/* A number of milliseconds since the epoch (integer or, from timing
 * fields, real), before the year 10000. */
static bool number_ms(const js_doc *d, int t, int64_t *ret)
{
	double v;
	if (js_typeof(d, t) == JS_INTEGER)
		return js_int(d, t, ret) && *ret > 0 && *ret < INT64_C(253402300800000);
	if (!real_value(d, t, &v) || !(v >= 1 && v < 253402300800000.0))
		return false;
	*ret = (int64_t)v;
	return true;
}

/* A time field: an ISO-8601 string or epoch milliseconds. */
static bool time_field(const js_doc *d, int t, int64_t *ret)
{
	if (js_typeof(d, t) == JS_STRING) {
		char buf[64];
		int n = js_str(d, t, buf, sizeof(buf));
		return n > 0 && au_parse_iso8601_ms(buf, (size_t)n, ret) == 0;
	}
	return number_ms(d, t, ret);
}

/* Text a column holds ("" for NULL), and the same as a time. */
static bool col_time(const char *s, size_t n, int64_t *ret)
{
	if (!s || !n)
		return false;
	if (s[0] >= '0' && s[0] <= '9' && !memchr(s, '-', n)) {
		char *end;
		double v = g_ascii_strtod(s, &end);
		if (end != s + n || !(v > 0 && v < 253402300800000.0))
			return false;
		*ret = (int64_t)v;
		return true;
	}
	return au_parse_iso8601_ms(s, n, ret) == 0;
}

/* A token count: absent, null or zero is 0; anything else must be a
 * whole number in range (some builds write 0.0). -1 when it is not. */
static int token_field(const js_doc *d, int obj, const char *key, int64_t *ret)
{
	int t = js_get(d, obj, key);
	double v;
	*ret = 0;
	if (t < 0 || js_typeof(d, t) == JS_NULL)
		return 0;
	if (js_typeof(d, t) == JS_REAL) {
		if (!real_value(d, t, &v) || !(v >= 0 && v <= (double)AU_TOKENS_MAX) || v != (double)(int64_t)v)
			return -1;
		*ret = (int64_t)v;
		return 0;
	}
	return js_int(d, t, ret) && *ret >= 0 && *ret <= AU_TOKENS_MAX ? 0 : -1;
}

/* The context of one message: its chat's id and what the chat says. */
typedef struct chat {
	const char *cid;
	size_t cid_len;
	const char *model; /* the chat's model, NUL-terminated, or NULL */
	bool have_created;
	int64_t created;
} chat;

/* One message object: counts it and emits it when it carries tokens. */
static int bubble(cursor_state *st, const js_doc *d, int obj, const chat *c, const char *bid, size_t bid_len,
		  au_emit_fn emit, void *ctx, au_err *err)
{
	st->messages++;
	int64_t type = js_int_or(d, obj, "type", 0);
	if (type == 2)
		st->replies++;
	int tc = js_get_obj(d, obj, "tokenCount");
	int64_t in = 0, out = 0;
	if (tc >= 0 && (token_field(d, tc, "inputTokens", &in) < 0 || token_field(d, tc, "outputTokens", &out) < 0))
		return au_fail(err, EINVAL, "message %.*s: tokenCount is not a pair of whole numbers in range",
			       (int)(bid_len > 80 ? 80 : bid_len), bid);
	if (in == 0 && out == 0) {
		if (type == 2)
			st->zero++;
		return 0;
	}

	au_event ev;
	memset(&ev, 0, sizeof(ev));
	int ti = js_get_obj(d, obj, "timingInfo");
	if (!time_field(d, js_get(d, obj, "createdAt"), &ev.ts_ms) &&
	    !(ti >= 0 && time_field(d, js_get(d, ti, "clientStartTime"), &ev.ts_ms))) {
		if (!c->have_created) {
			st->undated++;
			return 0;
		}
		ev.ts_ms = c->created;
	}
	ev.source = AU_SRC_CURSOR;
	ev.dedup = AU_DEDUP_LATEST; /* Cursor rewrites a message in place */
	int key_len = snprintf(ev.key, sizeof(ev.key), "cursor:b:%.*s:%.*s", (int)c->cid_len, c->cid,
			       (int)bid_len, bid);
	if (key_len < 0 || (size_t)key_len >= sizeof(ev.key) || c->cid_len >= sizeof(ev.session))
		return au_fail(err, EINVAL, "chat or message id longer than %d bytes", AU_KEY_MAX / 2);
	/* ids from the table's key column, where nothing unescapes: a NUL
	 * there would cut the key and the session short all the same */
	if (memchr(c->cid, '\0', c->cid_len) || memchr(bid, '\0', bid_len))
		return au_fail(err, EINVAL, "chat or message id " AU_ID_NUL_MSG);
	memcpy(ev.session, c->cid, c->cid_len);

	int mi = js_get_obj(d, obj, "modelInfo");
	if (!(mi >= 0 && js_get_str(d, mi, "modelName", ev.model, sizeof(ev.model)) > 0)) {
		if (c->model && *c->model && strlen(c->model) < sizeof(ev.model)) {
			strcpy(ev.model, c->model);
		} else {
			/* not model_fallback: that flag means Codex's gpt-5 guess */
			strcpy(ev.model, CURSOR_UNKNOWN_MODEL);
		}
	}
	/* recorded as two numbers: no cache split, no reasoning */
	ev.tok.input = in;
	ev.tok.output = out;
	st->counted++;
	return emit(ctx, &ev) < 0 ? au_fail(err, EIO, "stopped") : 0;
}

/* Columns: key, value, the chat's model, the chat's createdAt. */
static int cursor_row(void *vs, int ncols, const char *const *cols, const size_t *lens, au_emit_fn emit, void *ctx,
		      au_err *err)
{
	cursor_state *st = vs;
	if (ncols < 2 || !cols[0] || !cols[1])
		return 0;
	const char *key = cols[0];
	size_t klen = lens[0];
	chat c = {0};
	if (ncols >= 3 && cols[2] && lens[2])
		c.model = cols[2];
	if (ncols >= 4)
		c.have_created = col_time(cols[3], cols[3] ? lens[3] : 0, &c.created);

	js_doc *d = js_thread_doc();
	int r;
	if (klen > 9 && memcmp(key, "bubbleId:", 9) == 0) {
		const char *rest = key + 9, *colon = memchr(rest, ':', klen - 9);
		if (!colon)
			return au_fail(err, EINVAL, "bubble key without a message id");
		c.cid = rest;
		c.cid_len = (size_t)(colon - rest);
		if ((r = js_parse(d, cols[1], lens[1], err)) < 0)
			return r;
		if (js_typeof(d, 0) != JS_OBJECT)
			return au_fail(err, EINVAL, "a message that is not a JSON object");
		return bubble(st, d, 0, &c, colon + 1, klen - (size_t)(colon + 1 - key), emit, ctx, err);
	}
	if (klen > 13 && memcmp(key, "composerData:", 13) == 0) {
		/* an older build: the messages are inside the chat */
		c.cid = key + 13;
		c.cid_len = klen - 13;
		if ((r = js_parse(d, cols[1], lens[1], err)) < 0)
			return r;
		int conv = js_get(d, 0, "conversation");
		if (js_typeof(d, conv) != JS_ARRAY)
			return 0;
		char model[AU_MODEL_MAX];
		int mc = js_get_obj(d, 0, "modelConfig");
		if (mc >= 0 && js_get_str(d, mc, "modelName", model, sizeof(model)) > 0)
			c.model = model;
		c.have_created = time_field(d, js_get(d, 0, "createdAt"), &c.created);
		for (int t = conv + 1; t < (int)d->toks[conv].next; t = (int)d->toks[t].next) {
			if (js_typeof(d, t) != JS_OBJECT)
				continue;
			char bid[AU_ID_MAX];
			int n = js_get_id(d, t, "bubbleId", bid, sizeof(bid));
			if (n == -EILSEQ)
				return au_fail(err, EINVAL, "bubbleId " AU_ID_NUL_MSG);
			if (n <= 0) {
				/* without an id it cannot be kept apart from the others */
				st->messages++;
				continue;
			}
			if ((r = bubble(st, d, t, &c, bid, (size_t)n, emit, ctx, err)) < 0)
				return r;
		}
		return 0;
	}
	return 0;
}

static char *cursor_save(const void *vs)
{
	const cursor_state *st = vs;
	au_buf b;
	au_buf_init(&b, 0);
	au_jw w;
	au_jw_init_buf(&w, &b);
	au_jw_obj_begin(&w);
	au_jw_kint(&w, "messages", st->messages);
	au_jw_kint(&w, "replies", st->replies);
	au_jw_kint(&w, "counted", st->counted);
	au_jw_kint(&w, "zero", st->zero);
	au_jw_kint(&w, "undated", st->undated);
	au_jw_obj_end(&w);
	au_jw_finish(&w); /* unbounded: cannot fail */
	return b.data;
}

static int cursor_load(void *vs, const char *text, au_err *err)
{
	cursor_state *st = vs;
	js_doc d;
	js_doc_init(&d);
	int r = js_parse(&d, text, strlen(text), err);
	if (r == 0 && js_typeof(&d, 0) == JS_OBJECT) {
		st->messages = js_int_or(&d, 0, "messages", 0);
		st->replies = js_int_or(&d, 0, "replies", 0);
		st->counted = js_int_or(&d, 0, "counted", 0);
		st->zero = js_int_or(&d, 0, "zero", 0);
		st->undated = js_int_or(&d, 0, "undated", 0);
	} else {
		r = au_fail(err, EINVAL, "unreadable saved cursor state");
	}
	js_doc_release(&d);
	return r;
}

bool au_cursor_state_counts(const char *text, int64_t *ret_replies, int64_t *ret_counted, int64_t *ret_zero,
			    int64_t *ret_undated)
{
	cursor_state st = {0};
	if (!text || cursor_load(&st, text, NULL) < 0)
		return false;
	*ret_replies = st.replies;
	*ret_counted = st.counted;
	*ret_zero = st.zero;
	*ret_undated = st.undated;
	return true;
}

/* ---- the dashboard's CSV export ---- */

#define CSV_MAX_COLS 64
#define CSV_FIELD_MAX 512

typedef struct csv {
	const char *p, *end;
	char field[CSV_MAX_COLS][CSV_FIELD_MAX];
	int n;
} csv;

/* Reads one record (fields unquoted and trimmed). 1 read, 0 at the end,
 * -1 malformed with *why set. A blank line is a record of one empty field. */
static int csv_record(csv *c, const char **why)
{
	if (c->p >= c->end)
		return 0;
	c->n = 0;
	for (;;) {
		if (c->n == CSV_MAX_COLS) {
			*why = "more than 64 columns";
			return -1;
		}
		char *f = c->field[c->n++];
		size_t len = 0;
		bool quoted = false;
		while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
			c->p++;
		if (c->p < c->end && *c->p == '"') {
			quoted = true;
			c->p++;
			for (;;) {
				if (c->p >= c->end) {
					*why = "a quoted field is not closed";
					return -1;
				}
				char ch = *c->p++;
				if (ch == '"') {
					if (c->p < c->end && *c->p == '"')
						c->p++;
					else
						break;
				}
				if (len + 1 >= CSV_FIELD_MAX) {
					*why = "a field longer than 511 bytes";
					return -1;
				}
				f[len++] = ch;
			}
		}
		while (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r') {
			if (quoted && *c->p != ' ' && *c->p != '\t') {
				*why = "text after a quoted field";
				return -1;
			}
			if (*c->p == '"') {
				*why = "a quote inside an unquoted field";
				return -1;
			}
			if (len + 1 >= CSV_FIELD_MAX) {
				*why = "a field longer than 511 bytes";
				return -1;
			}
			f[len++] = *c->p++;
		}
		while (!quoted && len > 0 && (f[len - 1] == ' ' || f[len - 1] == '\t'))
			len--;
		f[len] = '\0';
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		/* the end of the record: \n, \r\n, a lone \r, or the end of the data */
		if (c->p < c->end && *c->p == '\r')
			c->p++;
		if (c->p < c->end && *c->p == '\n')
			c->p++;
		return 1;
	}
}

static int csv_col(const csv *header, const char *name)
{
	for (int i = 0; i < header->n; i++)
		if (g_ascii_strcasecmp(header->field[i], name) == 0)
			return i;
	return -1;
}

/* A whole token count: digits with optional thousands separators, an
 * all-zero fraction allowed ("12.0"); empty is 0. */
static bool csv_count(const char *s, int64_t *ret)
{
	int64_t v = 0;
	bool digits = false;
	for (; *s && *s != '.'; s++) {
		if (*s == ',' && digits)
			continue;
		if (*s < '0' || *s > '9' || v > AU_TOKENS_MAX)
			return false;
		v = v * 10 + (*s - '0');
		digits = true;
	}
	if (*s == '.') {
		if (!digits)
			return false;
		for (s++; *s; s++)
			if (*s != '0')
				return false;
	}
	if (v > AU_TOKENS_MAX)
		return false;
	*ret = v;
	return true;
}

/* "$1,234.5678" or "0.49" dollars into pico-dollars (rounded half up at
 * the 12th decimal); false for anything else ("Included", "", "EUR 3"). */
static bool csv_dollars(const char *s, int64_t *ret)
{
	if (*s == '$')
		s++;
	int64_t whole = 0, frac = 0;
	int nd = 0, nf = 0;
	for (; *s && *s != '.'; s++) {
		if (*s == ',' && nd)
			continue;
		if (*s < '0' || *s > '9' || nd >= 7)
			return false;
		whole = whole * 10 + (*s - '0');
		nd++;
	}
	bool round_up = false;
	if (*s == '.') {
		for (s++; *s; s++) {
			if (*s < '0' || *s > '9')
				return false;
			if (nf < 12) {
				frac = frac * 10 + (*s - '0');
				nf++;
			} else if (nf++ == 12) {
				round_up = *s >= '5';
			}
		}
	}
	if (!nd && !nf)
		return false;
	for (int i = nf < 12 ? nf : 12; i < 12; i++)
		frac *= 10;
	*ret = whole * INT64_C(1000000000000) + frac + round_up;
	return true;
}

/* "2026-03-20T06:56:12.521Z", "2026-06-17 13:00:00" (UTC), "2026-03-10". */
static bool csv_time(const char *s, int64_t *ret)
{
	char buf[80];
	size_t n = strlen(s);
	if (n < 10 || n > 60)
		return false;
	memcpy(buf, s, n + 1);
	if (n == 10) {
		memcpy(buf + 10, "T00:00:00Z", 11);
		n += 10;
	} else if (buf[10] == ' ') {
		buf[10] = 'T';
	}
	bool zone = false;
	for (size_t i = 11; i < n; i++)
		if (buf[i] == 'Z' || buf[i] == 'z' || buf[i] == '+' || buf[i] == '-')
			zone = true;
	if (!zone) {
		buf[n++] = 'Z';
		buf[n] = '\0';
	}
	return au_parse_iso8601_ms(buf, n, ret) == 0;
}

int au_cursor_export_parse(const char *data, size_t len, au_cursor_export_fn fn, void *ctx,
			   au_cursor_export_stats *ret_stats, au_err *err)
{
	au_cursor_export_stats stz = {0};
	au_cursor_export_stats *stats = ret_stats ? ret_stats : &stz;
	memset(stats, 0, sizeof(*stats));
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		data += 3;
		len -= 3;
	}
	csv *hdr = xcalloc(1, sizeof(csv)), *row = xcalloc(1, sizeof(csv));
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	au_cursor_export_event *e = xcalloc(1, sizeof(*e));
	const char *why = NULL;
	int r = 0;
	hdr->p = data;
	hdr->end = data + len;
	if (csv_record(hdr, &why) <= 0 || csv_col(hdr, "Date") != 0) {
		r = au_fail(err, EINVAL, "not a usage export: it does not start with a Date column%s%s",
			    why ? ": " : "", why ? why : "");
		goto out;
	}
	int c_date = 0, c_model = csv_col(hdr, "Model"), c_with = csv_col(hdr, "Input (w/ Cache Write)"),
	    c_without = csv_col(hdr, "Input (w/o Cache Write)"), c_read = csv_col(hdr, "Cache Read"),
	    c_out = csv_col(hdr, "Output Tokens"), c_cost = csv_col(hdr, "Cost");
	if (c_cost < 0)
		c_cost = csv_col(hdr, "API Cost");
	if (c_model < 0 || (c_with < 0 && c_without < 0) || c_out < 0) {
		r = au_fail(err, EINVAL, "usage export without a Model, Input or Output Tokens column");
		goto out;
	}
	row->p = hdr->p;
	row->end = hdr->end;
	int64_t line = 1;
	int got;
	while ((got = csv_record(row, &why)) > 0) {
		line++;
		if (row->n == 1 && row->field[0][0] == '\0')
			continue; /* a blank line */
		int need = c_model;
		const int cols[] = {c_with, c_without, c_read, c_out, c_cost};
		for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
			if (cols[i] > need)
				need = cols[i];
		if (row->n <= need) {
			r = au_fail(err, EINVAL, "usage export line %lld: %d fields, the header has %d", (long long)line,
				    row->n, hdr->n);
			goto out;
		}
		stats->rows++;
		memset(e, 0, sizeof(*e));
		au_event *ev = &e->ev;
		int64_t with = 0, without = 0, read = 0, out = 0;
		if (!csv_time(row->field[c_date], &ev->ts_ms)) {
			r = au_fail(err, EINVAL, "usage export line %lld: a Date that is not a time", (long long)line);
			goto out;
		}
		if ((c_with >= 0 && !csv_count(row->field[c_with], &with)) ||
		    (c_without >= 0 && !csv_count(row->field[c_without], &without)) ||
		    (c_read >= 0 && !csv_count(row->field[c_read], &read)) || !csv_count(row->field[c_out], &out)) {
			r = au_fail(err, EINVAL, "usage export line %lld: a token count that is not a whole number",
				    (long long)line);
			goto out;
		}
		if (with == 0 && without == 0 && read == 0 && out == 0) {
			stats->empty++;
			continue;
		}
		const char *model = row->field[c_model];
		if (!*model || strlen(model) >= sizeof(ev->model)) {
			r = au_fail(err, EINVAL, "usage export line %lld: %s model name", (long long)line,
				    *model ? "an overlong" : "no");
			goto out;
		}
		strcpy(ev->model, model);
		ev->source = AU_SRC_CURSOR;
		ev->dedup = AU_DEDUP_LATEST;
		strcpy(ev->session, "cursor.com");
		if (c_without >= 0) {
			ev->tok.input = without;
			ev->tok.cache_create_5m = with > without ? with - without : 0;
		} else {
			ev->tok.input = with;
		}
		ev->tok.cache_read = read;
		ev->tok.output = out;
		snprintf(ev->key, sizeof(ev->key), "cursor:e:%lld:%s", (long long)ev->ts_ms, ev->model);
		gpointer n = g_hash_table_lookup(seen, ev->key);
		g_hash_table_replace(seen, g_strdup(ev->key), GINT_TO_POINTER(GPOINTER_TO_INT(n) + 1));
		if (n) {
			size_t kl = strlen(ev->key);
			snprintf(ev->key + kl, sizeof(ev->key) - kl, "#%d", GPOINTER_TO_INT(n));
		}
		e->has_cost = c_cost >= 0 && csv_dollars(row->field[c_cost], &e->cost_pico);
		if ((r = fn(ctx, e)) < 0)
			goto out;
	}
	if (got < 0)
		r = au_fail(err, EINVAL, "usage export line %lld: %s", (long long)line + 1, why);
out:
	free(e);
	g_hash_table_destroy(seen);
	free(hdr);
	free(row);
	return r;
}

const au_parser_ops au_parser_cursor = {
	.name = "cursor-vscdb",
	.source = AU_SRC_CURSOR,
	.storage = AU_STORAGE_SQLITE,
	.state_size = sizeof(cursor_state),
	.init = cursor_init,
	.save = cursor_save,
	.load = cursor_load,
	.query = CURSOR_QUERY,
	.parse_row = cursor_row,
};

/*
 * Validating JSON tokenizer: see jsonscan.h. Accepts exactly what
 * json_loadb(..., JSON_ALLOW_NUL) accepts (an object or array root, UTF-8
 * checked, lone surrogates and overflowing numbers rejected, depth limited
 * like Jansson), which the differential tests hold it to.
 */
#include "jsonscan.h"

#include <errno.h>
#include <glib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct js_parser {
	js_doc *d;
	const unsigned char *s, *p, *end;
	int depth;
	au_err *err;
	const char *why;
} js_parser;

void js_doc_init(js_doc *d)
{
	memset(d, 0, sizeof(*d));
}

void js_doc_release(js_doc *d)
{
	free(d->toks);
	js_doc_init(d);
}

static void free_thread_doc(gpointer p)
{
	js_doc_release(p);
	free(p);
}

js_doc *js_thread_doc(void)
{
	static GPrivate key = G_PRIVATE_INIT(free_thread_doc);
	js_doc *d = g_private_get(&key);
	if (!d) {
		d = xcalloc(1, sizeof(*d));
		g_private_set(&key, d);
	}
	return d;
}

static int fail(js_parser *ps, const char *why)
{
	ps->why = why;
	return -EINVAL;
}

static int new_tok(js_parser *ps, js_type type, const unsigned char *start)
{
	js_doc *d = ps->d;
	if (d->ntok == d->cap) {
		if (d->cap >= (1u << 28))
			return fail(ps, "too many values");
		d->cap = d->cap ? d->cap * 2 : 256;
		d->toks = xrealloc(d->toks, d->cap * sizeof(js_tok));
	}
	js_tok *t = &d->toks[d->ntok];
	t->type = (uint8_t)type;
	t->escaped = 0;
	t->start = (uint32_t)(start - ps->s);
	t->end = t->start;
	t->next = d->ntok + 1;
	return (int)d->ntok++;
}

static void skip_ws(js_parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

/* Byte classes inside strings: 0 plain ASCII, 1 stop (quote, backslash,
 * control), 2 UTF-8 lead/continuation byte to check. Const and filled at
 * compile time: reader threads and the cloud thread parse at once, so a
 * table filled lazily on first use would be a data race. */
#define SC_R4(v) v, v, v, v
#define SC_R16(v) SC_R4(v), SC_R4(v), SC_R4(v), SC_R4(v)
#define SC_R32(v) SC_R16(v), SC_R16(v)
static const unsigned char str_class[256] = {
	SC_R32(1),                                           /* 0x00-0x1f: controls */
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,      /* 0x20-0x2f: '"' stops */
	SC_R16(0), SC_R16(0),                                /* 0x30-0x4f */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,      /* 0x50-0x5f: '\\' stops */
	SC_R32(0),                                           /* 0x60-0x7f */
	SC_R32(2), SC_R32(2), SC_R32(2), SC_R32(2),          /* 0x80-0xff: UTF-8 */
};

static int hex4(const unsigned char *p, unsigned *ret)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		unsigned c = p[i], x;
		if (c >= '0' && c <= '9')
			x = c - '0';
		else if (c >= 'a' && c <= 'f')
			x = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			x = c - 'A' + 10;
		else
			return -1;
		v = v << 4 | x;
	}
	*ret = v;
	return 0;
}

/* Validates one UTF-8 sequence at p; returns its length or 0. */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0];
	size_t n;
	unsigned lo = 0x80, hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F; /* no UTF-16 surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return n;
}

/* p at the opening quote. */
static int parse_string(js_parser *ps, bool is_key)
{
	int t = new_tok(ps, JS_STRING, ps->p + 1);
	if (t < 0)
		return t;
	const unsigned char *p = ps->p + 1, *end = ps->end;
	bool escaped = false;
	for (;;) {
#ifdef __SSE2__
		/* 16 plain ASCII bytes at a time: stop at a quote, a backslash, a
		 * control byte or a non-ASCII byte (negative as a signed char). */
		const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
		const __m128i space = _mm_set1_epi8(0x20);
		while (end - p >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)p);
			__m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
						    _mm_cmplt_epi8(v, space));
			int mask = _mm_movemask_epi8(stop);
			if (mask) {
				p += __builtin_ctz((unsigned)mask);
				break;
			}
			p += 16;
		}
#endif
		while (p < end && str_class[*p] == 0)
			p++;
		if (p >= end)
			return fail(ps, "unterminated string");
		unsigned c = *p;
		if (c == '"')
			break;
		if (c == '\\') {
			escaped = true;
			if (p + 1 >= end)
				return fail(ps, "unterminated string");
			c = p[1];
			if (c == 'u') {
				unsigned u, u2;
				if (end - p < 6 || hex4(p + 2, &u) < 0)
					return fail(ps, "invalid \\u escape");
				p += 6;
				if (u >= 0xD800 && u <= 0xDBFF) {
					if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || hex4(p + 2, &u2) < 0 ||
					    u2 < 0xDC00 || u2 > 0xDFFF)
						return fail(ps, "invalid Unicode surrogate");
					p += 6;
				} else if (u >= 0xDC00 && u <= 0xDFFF) {
					return fail(ps, "invalid Unicode surrogate");
				} else if (u == 0 && is_key) {
					return fail(ps, "NUL byte in object key");
				}
				continue;
			}
			if (!strchr("\"\\/bfnrt", (int)c) || c == 0)
				return fail(ps, "invalid escape");
			p += 2;
			continue;
		}
		if (c < 0x20)
			return fail(ps, "control character in string");
		size_t n = utf8_seq(p, end);
		if (!n)
			return fail(ps, "invalid UTF-8");
		p += n;
	}
	js_tok *tok = &ps->d->toks[t];
	tok->escaped = escaped;
	tok->end = (uint32_t)(p - ps->s);
	ps->p = p + 1;
	return t;
}

static bool is_digit(unsigned c)
{
	return c >= '0' && c <= '9';
}

static int parse_number(js_parser *ps)
{
	const unsigned char *p = ps->p, *end = ps->end, *start = p;
	bool neg = false, real = false;
	if (*p == '-') {
		neg = true;
		p++;
	}
	if (p >= end || !is_digit(*p))
		return fail(ps, "invalid number");
	const unsigned char *int_start = p;
	if (*p == '0') {
		p++;
		if (p < end && is_digit(*p))
			return fail(ps, "invalid number (leading zero)");
	} else {
		while (p < end && is_digit(*p))
			p++;
	}
	size_t int_digits = (size_t)(p - int_start);
	long exp10 = 0;
	if (p < end && *p == '.') {
		real = true;
		p++;
		if (p >= end || !is_digit(*p))
			return fail(ps, "invalid number");
		while (p < end && is_digit(*p))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		real = true;
		p++;
		bool eneg = false;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (p >= end || !is_digit(*p))
			return fail(ps, "invalid number");
		while (p < end && is_digit(*p)) {
			if (exp10 < 100000)
				exp10 = exp10 * 10 + (*p - '0');
			p++;
		}
		if (eneg)
			exp10 = -exp10;
	}
	if (!real) {
		/* Jansson rejects what strtoll cannot hold. */
		uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
		for (const unsigned char *q = int_start; q < p; q++) {
			unsigned dgt = *q - '0';
			if (v > (lim - dgt) / 10)
				return fail(ps, "integer too big");
			v = v * 10 + dgt;
		}
	} else if ((long)int_digits + exp10 > 300) {
		/* Only a value this large can overflow a double: let strtod say. */
		size_t n = (size_t)(p - start);
		char *tmp = xstrndup((const char *)start, n);
		double dv = strtod(tmp, NULL);
		free(tmp);
		if (isinf(dv))
			return fail(ps, "real number overflow");
	}
	int t = new_tok(ps, real ? JS_REAL : JS_INTEGER, start);
	if (t < 0)
		return t;
	ps->d->toks[t].end = (uint32_t)(p - ps->s);
	ps->p = p;
	return t;
}

static int parse_value(js_parser *ps);

static int parse_container(js_parser *ps, bool object)
{
	int t = new_tok(ps, object ? JS_OBJECT : JS_ARRAY, ps->p);
	if (t < 0)
		return t;
	ps->p++;
	skip_ws(ps);
	char close = object ? '}' : ']';
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
	} else {
		for (;;) {
			if (object) {
				if (ps->p >= ps->end || *ps->p != '"')
					return fail(ps, "string or '}' expected");
				int r = parse_string(ps, true);
				if (r < 0)
					return r;
				skip_ws(ps);
				if (ps->p >= ps->end || *ps->p != ':')
					return fail(ps, "':' expected");
				ps->p++;
			}
			int r = parse_value(ps);
			if (r < 0)
				return r;
			skip_ws(ps);
			if (ps->p >= ps->end)
				return fail(ps, object ? "'}' expected" : "']' expected");
			if (*ps->p == ',') {
				ps->p++;
				skip_ws(ps);
				continue;
			}
			if (*ps->p == close) {
				ps->p++;
				break;
			}
			return fail(ps, object ? "',' or '}' expected" : "',' or ']' expected");
		}
	}
	js_tok *tok = &ps->d->toks[t];
	tok->end = (uint32_t)(ps->p - ps->s);
	tok->next = ps->d->ntok;
	return t;
}

static int parse_value(js_parser *ps)
{
	if (++ps->depth > JS_MAX_DEPTH)
		return fail(ps, "maximum nesting depth reached");
	skip_ws(ps);
	if (ps->p >= ps->end)
		return fail(ps, "value expected");
	int r;
	unsigned c = *ps->p;
	switch (c) {
	case '{':
	case '[':
		r = parse_container(ps, c == '{');
		break;
	case '"':
		r = parse_string(ps, false);
		break;
	case 't':
	case 'f':
	case 'n': {
		const char *word = c == 't' ? "true" : c == 'f' ? "false" : "null";
		size_t n = strlen(word);
		if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
			return fail(ps, "invalid literal");
		r = new_tok(ps, c == 't' ? JS_TRUE : c == 'f' ? JS_FALSE : JS_NULL, ps->p);
		if (r >= 0) {
			ps->p += n;
			ps->d->toks[r].end = (uint32_t)(ps->p - ps->s);
		}
		break;
	}
	default:
		if (c == '-' || is_digit(c))
			r = parse_number(ps);
		else
			return fail(ps, "unexpected character");
	}
	ps->depth--;
	return r;
}

int js_parse(js_doc *d, const char *src, size_t len, au_err *err)
{
	if (len >= UINT32_MAX)
		return au_fail(err, EINVAL, "line too long for JSON");
	js_parser ps = {
		.d = d,
		.s = (const unsigned char *)src,
		.p = (const unsigned char *)src,
		.end = (const unsigned char *)src + len,
		.err = err,
	};
	d->src = src;
	d->ntok = 0;
	d->gen++;
	skip_ws(&ps);
	int r;
	if (ps.p >= ps.end || (*ps.p != '{' && *ps.p != '['))
		r = fail(&ps, "'[' or '{' expected");
	else
		r = parse_value(&ps);
	if (r >= 0) {
		skip_ws(&ps);
		if (ps.p != ps.end)
			r = fail(&ps, "end of input expected");
	}
	if (r < 0) {
		d->ntok = 0;
		return au_fail(err, EINVAL, "invalid JSON at byte %zu: %s", (size_t)(ps.p - ps.s) + 1, ps.why);
	}
	return 0;
}

/* Decodes the one character at *pp of an escaped string (validated by
 * js_parse) into out; advances *pp and returns the byte count (1-4). */
static size_t unescape_one(const char **pp, char out[4])
{
	const char *p = *pp;
	size_t n = 1;
	if (*p != '\\') {
		out[0] = *p;
		*pp = p + 1;
		return 1;
	}
	char c = p[1];
	if (c != 'u') {
		out[0] = c == 'b' ? '\b' : c == 'f' ? '\f' : c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : c;
		*pp = p + 2;
		return 1;
	}
	unsigned u = 0, u2 = 0;
	hex4((const unsigned char *)p + 2, &u);
	p += 6;
	if (u >= 0xD800 && u <= 0xDBFF) {
		hex4((const unsigned char *)p + 2, &u2);
		p += 6;
		u = 0x10000 + ((u - 0xD800) << 10) + (u2 - 0xDC00);
	}
	if (u < 0x80) {
		out[0] = (char)u;
	} else if (u < 0x800) {
		out[0] = (char)(0xC0 | u >> 6);
		out[1] = (char)(0x80 | (u & 0x3F));
		n = 2;
	} else if (u < 0x10000) {
		out[0] = (char)(0xE0 | u >> 12);
		out[1] = (char)(0x80 | ((u >> 6) & 0x3F));
		out[2] = (char)(0x80 | (u & 0x3F));
		n = 3;
	} else {
		out[0] = (char)(0xF0 | u >> 18);
		out[1] = (char)(0x80 | ((u >> 12) & 0x3F));
		out[2] = (char)(0x80 | ((u >> 6) & 0x3F));
		out[3] = (char)(0x80 | (u & 0x3F));
		n = 4;
	}
	*pp = p;
	return n;
}

/* Unescapes string token t into buf[cap]; returns the length or -ENOSPC. */
int js_str(const js_doc *d, int t, char *buf, size_t cap)
{
	if (js_typeof(d, t) != JS_STRING)
		return -EINVAL;
	const js_tok *tok = &d->toks[t];
	const char *p = d->src + tok->start, *end = d->src + tok->end;
	size_t o = 0;
	if (!tok->escaped) {
		size_t n = (size_t)(end - p);
		if (n >= cap)
			return -ENOSPC;
		memcpy(buf, p, n);
		buf[n] = '\0';
		return (int)n;
	}
	while (p < end) {
		char out[4];
		size_t n = unescape_one(&p, out);
		if (o + n >= cap)
			return -ENOSPC;
		memcpy(buf + o, out, n);
		o += n;
	}
	buf[o] = '\0';
	return (int)o;
}

bool js_str_eq(const js_doc *d, int t, const char *s)
{
	if (js_typeof(d, t) != JS_STRING)
		return false;
	const js_tok *tok = &d->toks[t];
	size_t n = strlen(s);
	if (!tok->escaped)
		return tok->end - tok->start == n && memcmp(d->src + tok->start, s, n) == 0;
	/* compare as it decodes: no buffer, so no length limit */
	const char *p = d->src + tok->start, *end = d->src + tok->end;
	size_t o = 0;
	while (p < end) {
		char out[4];
		size_t k = unescape_one(&p, out);
		if (o + k > n || memcmp(s + o, out, k) != 0)
			return false;
		o += k;
	}
	return o == n;
}

int js_get(const js_doc *d, int obj, const char *key)
{
	if (js_typeof(d, obj) != JS_OBJECT)
		return -1;
	int found = -1;
	size_t n = strlen(key);
	uint32_t end = d->toks[obj].next;
	for (uint32_t k = (uint32_t)obj + 1; k < end;) {
		uint32_t v = k + 1; /* a key is always a single token */
		const js_tok *kt = &d->toks[k];
		/* the first byte before a call to memcmp: most keys of one
		 * length differ there */
		if (kt->escaped ? js_str_eq(d, (int)k, key)
				: kt->end - kt->start == n &&
					  (n == 0 || (d->src[kt->start] == key[0] &&
						      memcmp(d->src + kt->start, key, n) == 0)))
			found = (int)v; /* the last duplicate wins, as in Jansson */
		k = d->toks[v].next;
	}
	return found;
}

bool js_str_in(const js_doc *d, int t, const char *const *known)
{
	if (js_typeof(d, t) != JS_STRING)
		return false;
	for (const char *const *n = known; *n; n++)
		if (js_str_eq(d, t, *n))
			return true;
	return false;
}

bool js_str_cut(const js_doc *d, int t, char *buf, size_t cap)
{
	if (js_typeof(d, t) != JS_STRING || cap == 0)
		return false;
	if (js_str(d, t, buf, cap) < 0) {
		/* js_str fails only when it does not fit: the raw bytes, cut */
		const js_tok *tk = &d->toks[t];
		size_t n = MIN((size_t)(tk->end - tk->start), cap - 1);
		memcpy(buf, d->src + tk->start, n);
		buf[n] = '\0';
	}
	return true;
}

bool js_unknown_key(const js_doc *d, int obj, const char *const *known, char *buf, size_t cap)
{
	if (js_typeof(d, obj) != JS_OBJECT || cap == 0)
		return false;
	uint32_t end = d->toks[obj].next;
	for (uint32_t k = (uint32_t)obj + 1; k < end; k = d->toks[k + 1].next) {
		bool hit = false;
		for (const char *const *n = known; *n && !hit; n++)
			hit = js_str_eq(d, (int)k, *n);
		if (hit)
			continue;
		/* js_str fails only when the name does not fit: cut it */
		const js_tok *kt = &d->toks[k];
		if (js_str(d, (int)k, buf, cap) < 0) {
			size_t n = MIN((size_t)(kt->end - kt->start), cap - 1);
			memcpy(buf, d->src + kt->start, n);
			buf[n] = '\0';
		}
		return true;
	}
	return false;
}

int js_get_str(const js_doc *d, int obj, const char *key, char *dst, size_t cap)
{
	int t = js_get(d, obj, key);
	int n = js_typeof(d, t) == JS_STRING ? js_str(d, t, dst, cap) : -1;
	return n < 0 ? -1 : n;
}

int js_id(const js_doc *d, int t, char *buf, size_t cap)
{
	int n = js_str(d, t, buf, cap);
	if (n > 0 && memchr(buf, '\0', (size_t)n)) {
		buf[0] = '\0';
		return -EILSEQ;
	}
	return n;
}

int js_get_id(const js_doc *d, int obj, const char *key, char *dst, size_t cap)
{
	int t = js_get(d, obj, key);
	int n = js_typeof(d, t) == JS_STRING ? js_id(d, t, dst, cap) : -1;
	return n == -EILSEQ ? n : n < 0 ? -1 : n;
}

int js_get_obj(const js_doc *d, int obj, const char *key)
{
	int v = js_get(d, obj, key);
	return js_typeof(d, v) == JS_OBJECT ? v : -1;
}

bool js_int(const js_doc *d, int t, int64_t *ret)
{
	if (js_typeof(d, t) != JS_INTEGER)
		return false;
	const js_tok *tok = &d->toks[t];
	const char *p = d->src + tok->start, *end = d->src + tok->end;
	bool neg = *p == '-';
	if (neg)
		p++;
	uint64_t v = 0;
	for (; p < end; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	*ret = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

int64_t js_int_or(const js_doc *d, int obj, const char *key, int64_t dflt)
{
	int64_t v;
	return js_int(d, js_get(d, obj, key), &v) ? v : dflt;
}

bool js_real(const js_doc *d, int t, double *ret)
{
	js_type ty = js_typeof(d, t);
	if (ty != JS_INTEGER && ty != JS_REAL)
		return false;
	size_t n = d->toks[t].end - d->toks[t].start;
	const char *s = d->src + d->toks[t].start;
	/* Most numbers in logs are short decimals ("42", "12.5"): digits and
	 * a point, at most 15 significant digits. Then mantissa and 10^k are
	 * exact doubles and one division rounds correctly, as strtod would
	 * (Clinger's fast path); anything else goes to strtod. */
	static const double pow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
				       1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
	size_t i = s[0] == '-';
	uint64_t mant = 0;
	int digits = 0, frac = -1;
	for (; i < n && digits <= 15; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			mant = mant * 10 + (uint64_t)(s[i] - '0');
			digits++;
			if (frac >= 0)
				frac++;
		} else if (s[i] == '.' && frac < 0) {
			frac = 0;
		} else {
			break;
		}
	}
	if (i == n && digits > 0 && digits <= 15 && frac != 0) {
		double v = (double)mant / pow10[frac > 0 ? frac : 0];
		*ret = s[0] == '-' ? -v : v;
		return true;
	}
	char buf[64];
	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	char *end;
	*ret = g_ascii_strtod(buf, &end);
	return end == buf + n && isfinite(*ret);
}

int js_parse_document(js_doc *d, const char *src, size_t len, au_err *err)
{
	size_t i = 0;
	while (i < len && (src[i] == ' ' || src[i] == '\n' || src[i] == '\r' || src[i] == '\t'))
		i++;
	if (i == len)
		return 0;
	int r = js_parse(d, src, len, err);
	return r < 0 ? r : 1;
}

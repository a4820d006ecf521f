/*
 * gen_home: writes a deterministic fake HOME full of Claude Code and Codex CLI
 * logs, with every trap docs/formats.md lists (streaming snapshots, resumed
 * and forked copies, sidechain replays, progress copies, re-emitted and
 * restarted Codex counters, corrupt lines), plus truth.json: the totals per
 * UTC day and model that the generator INTENDED, kept as it writes, never
 * re-parsed from its own output. Plain C11 + libm so it builds anywhere.
 *
 *   gen_home --out DIR [--size-mb N] [--seed S] [--days D] [--start YYYY-MM-DD]
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KIB 1024
#define MIB (1024 * 1024)
#define DAY_MS 86400000LL

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("gen_home: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die("out of memory");
	return q;
}

/* ---- PRNG: xoshiro256** seeded through splitmix64 (no rand()) ---- */

static uint64_t rs[4];

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rnd_seed(uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		rs[i] = splitmix(&seed);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rnd(void)
{
	uint64_t r = rotl(rs[1] * 5, 7) * 9, t = rs[1] << 17;
	rs[2] ^= rs[0];
	rs[3] ^= rs[1];
	rs[1] ^= rs[2];
	rs[0] ^= rs[3];
	rs[2] ^= t;
	rs[3] = rotl(rs[3], 45);
	return r;
}

static double rnd_unit(void)
{
	return (double)(rnd() >> 11) * 0x1.0p-53;
}

static bool rnd_pct(double p)
{
	return rnd_unit() < p;
}

/* uniform in [lo, hi] */
static int64_t rnd_range(int64_t lo, int64_t hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1));
}

/* log-uniform in [lo, hi]: many small values, a long tail of big ones */
static int64_t rnd_log(int64_t lo, int64_t hi)
{
	if (lo < 1)
		lo = 1;
	if (hi <= lo)
		return lo;
	int64_t v = (int64_t)exp(log((double)lo) + rnd_unit() * (log((double)hi) - log((double)lo)));
	return v < lo ? lo : v > hi ? hi : v;
}

/* ---- growable string buffer ---- */

typedef struct sbuf {
	char *p;
	size_t len, cap;
} sbuf;

static void sb_reserve(sbuf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->len + extra + 1)
		cap *= 2;
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
}

static void sb_put(sbuf *b, const void *d, size_t n)
{
	sb_reserve(b, n);
	memcpy(b->p + b->len, d, n);
	b->len += n;
	b->p[b->len] = 0;
}

static void sb_puts(sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static void sb_putc(sbuf *b, char c)
{
	sb_reserve(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = 0;
}

static void sb_int(sbuf *b, int64_t v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof tmp, "%lld", (long long)v);
	sb_put(b, tmp, (size_t)n);
}

/* "key":"value" with a leading comma; value must need no escaping */
static void sb_kv(sbuf *b, const char *key, const char *val)
{
	sb_putc(b, ',');
	sb_putc(b, '"');
	sb_puts(b, key);
	sb_puts(b, "\":\"");
	sb_puts(b, val);
	sb_putc(b, '"');
}

static void sb_ki(sbuf *b, const char *key, int64_t v)
{
	sb_putc(b, ',');
	sb_putc(b, '"');
	sb_puts(b, key);
	sb_puts(b, "\":");
	sb_int(b, v);
}

/* ---- output files: one buffered writer per open file ---- */

static uint64_t g_bytes;	/* everything written under home/ */
static uint64_t g_bytes_src[2]; /* per source: 0 Claude, 1 Codex */
static long g_files;

typedef struct writer {
	int fd;
	int src;
	char *buf;
	size_t len;
	uint64_t written;
} writer;

#define WBUF (1 << 20)

static void mkdir_p(const char *path)
{
	char tmp[4096];
	size_t n = strlen(path);
	if (n >= sizeof tmp)
		die("path too long: %s", path);
	memcpy(tmp, path, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
			die("mkdir %s: %s", tmp, strerror(errno));
		*p = '/';
	}
	if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
		die("mkdir %s: %s", tmp, strerror(errno));
}

static void w_open(writer *w, const char *path, int src)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = 0;
		mkdir_p(dir);
	}
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (w->fd < 0)
		die("open %s: %s", path, strerror(errno));
	w->src = src;
	w->buf = xrealloc(NULL, WBUF);
	w->len = 0;
	w->written = 0;
	g_files++;
}

static void w_flush(writer *w)
{
	size_t off = 0;
	while (off < w->len) {
		ssize_t n = write(w->fd, w->buf + off, w->len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("write: %s", strerror(errno));
		}
		off += (size_t)n;
	}
	w->len = 0;
}

static void w_put(writer *w, const char *p, size_t n)
{
	w->written += n;
	g_bytes += n;
	g_bytes_src[w->src] += n;
	if (w->len + n > WBUF)
		w_flush(w);
	if (n >= WBUF) {
		size_t off = 0;
		while (off < n) {
			ssize_t k = write(w->fd, p + off, n - off);
			if (k < 0) {
				if (errno == EINTR)
					continue;
				die("write: %s", strerror(errno));
			}
			off += (size_t)k;
		}
		return;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

/* a JSONL line: the text plus its newline */
static void w_line(writer *w, const char *p, size_t n)
{
	w_put(w, p, n);
	w_put(w, "\n", 1);
}

static void w_close(writer *w)
{
	w_flush(w);
	if (close(w->fd) != 0)
		die("close: %s", strerror(errno));
	free(w->buf);
	w->buf = NULL;
	w->fd = -1;
}

/* ---- time: UTC milliseconds since the epoch <-> civil dates ---- */

static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *ry, int *rm, int *rd)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*ry = (int)(y + (m <= 2));
	*rm = m;
	*rd = d;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* "2026-10-01T12:34:56.789Z" */
#define TS_LEN 64 /* room for any int year, though ours have four digits */
static void fmt_ts(char out[TS_LEN], int64_t ms)
{
	int64_t days = floor_div(ms, DAY_MS), rem = ms - days * DAY_MS;
	int y, m, d;
	civil_from_days(days, &y, &m, &d);
	snprintf(out, TS_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, m, d, (int)(rem / 3600000),
		 (int)(rem / 60000 % 60), (int)(rem / 1000 % 60), (int)(rem % 1000));
}

static void sb_ts(sbuf *b, const char *key, int64_t ms)
{
	char ts[TS_LEN];
	fmt_ts(ts, ms);
	sb_kv(b, key, ts);
}

/* ---- ids ---- */

static const char B62[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
static const char HEX[] = "0123456789abcdef";

static void gen_b62(char *out, const char *prefix, int n)
{
	size_t pl = strlen(prefix);
	memcpy(out, prefix, pl);
	for (int i = 0; i < n; i++)
		out[pl + (size_t)i] = B62[rnd() % 62];
	out[pl + (size_t)n] = 0;
}

static void gen_hex(char *out, int n)
{
	for (int i = 0; i < n; i++)
		out[i] = HEX[rnd() & 15];
	out[n] = 0;
}

static void gen_uuid(char out[37])
{
	gen_hex(out, 36);
	out[8] = out[13] = out[18] = out[23] = '-';
	out[14] = '4';
	out[19] = HEX[8 + (rnd() & 3)];
}

/* ---- filler text: a pool of already JSON-escaped words, sliced at spaces ---- */

static const char *const WORDS[] = {
	"the", "a", "of", "to", "in", "is", "and", "for", "return", "if", "else", "while",
	"static", "const", "int", "char", "size_t", "void", "struct", "NULL", "free", "malloc",
	"src/main.c", "parser.c", "README.md", "Makefile", "test_", "error:", "warning:", "note:",
	"function", "buffer", "length", "offset", "config", "token", "request", "response",
	"session", "project", "cache", "input", "output", "model", "total", "daily", "report",
	"=", "==", "!=", "->", "{", "}", "(", ")", "[", "]", ";", ",", ":", "+", "-", "*", "/",
	"0", "1", "2", "42", "100", "4096", "0x7f", "1e9", "3.14", "true", "false", "null",
	"git", "diff", "commit", "npm", "cmake", "ctest", "gcc", "-Wall", "--json", "$HOME",
	"line", "file", "path", "directory", "permission", "denied", "passed", "failed", "ok",
	"assert", "expected", "got", "TODO", "FIXME", "fn", "let", "mut", "def", "self", "import",
	"from", "export", "async", "await", "class", "public", "private", "#include", "<stdio.h>",
	"PASS", "FAIL", "ERROR", "INFO", "DEBUG", "100%", "ms", "KiB", "MiB", "tokens", "usage",
	"\\n", "\\n", "\\n", "\\n", "\\t", "\\\"quoted\\\"", "\\\\", "C:\\\\path", "\\u00e9t\\u00e9",
	"caf\xc3\xa9", "\xe2\x86\x92", "\xe2\x9c\x93", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
	"\xf0\x9f\x98\x80", "na\xc3\xafve", "\\u2028", "<tag>", "&amp;", "'single'",
};
#define NWORDS (sizeof WORDS / sizeof WORDS[0])

/* rarer words that look like the things a parser looks for */
static const char *const TRAPS[] = {
	"\\\"usage\\\":{\\\"input_tokens\\\":1200,\\\"output_tokens\\\":345}",
	"{\\\"message\\\":{\\\"id\\\":\\\"msg_01Fake\\\",\\\"usage\\\":{\\\"input_tokens\\\":9}}}",
	"\\\"type\\\":\\\"token_count\\\",\\\"info\\\":{\\\"total_token_usage\\\":{\\\"input_tokens\\\":5}}",
	"\\\"cache_read_input_tokens\\\":99999",
	"\\\"usage\\\":{",
	"usage:",
	"\\\"requestId\\\":\\\"req_fake\\\"",
};
#define NTRAPS (sizeof TRAPS / sizeof TRAPS[0])

static sbuf g_pool;

static void pool_init(void)
{
	size_t target = 6 * MIB;
	while (g_pool.len < target) {
		const char *w;
		if (rnd_pct(0.0004))
			w = TRAPS[rnd() % NTRAPS];
		else
			w = WORDS[rnd() % NWORDS];
		sb_puts(&g_pool, w);
		sb_putc(&g_pool, ' ');
	}
}

/* Appends about n bytes of escaped text; cuts only at spaces, so never inside an escape. */
static void sb_text(sbuf *b, size_t n)
{
	while (n > 0) {
		size_t chunk = n < g_pool.len / 3 ? n : g_pool.len / 3;
		size_t start = (size_t)(rnd() % (g_pool.len - chunk - 64));
		while (g_pool.p[start] != ' ')
			start++;
		start++;
		size_t end = start + chunk;
		while (end > start && g_pool.p[end - 1] != ' ')
			end--;
		if (end > start)
			end--; /* drop the trailing space */
		if (end <= start) {
			sb_puts(b, "ok");
			return;
		}
		sb_put(b, g_pool.p + start, end - start);
		n -= chunk;
		if (n > 0)
			sb_putc(b, ' ');
	}
}

static void sb_b64(sbuf *b, size_t n)
{
	static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	sb_reserve(b, n + 2);
	for (size_t i = 0; i < n; i++)
		b->p[b->len++] = A[rnd() & 63];
	b->p[b->len++] = '=';
	b->p[b->len] = 0;
}

/* ---- models and the truth table ---- */

enum { SRC_CLAUDE = 0, SRC_CODEX = 1 };

static const char *const MODELS[] = {
	"claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805", "claude-haiku-4-5-20251001",
	"claude-sonnet-4-20250514",   "claude-opus-4-5-20251101", "gpt-5-codex",
	"gpt-5",		      "gpt-5.1-codex",		  "gpt-5.1-codex-mini",
};
#define NMODELS 9
#define CLAUDE_FIRST 0
#define NCLAUDE 5
#define CODEX_FIRST 5
#define NCODEX 4
#define HAIKU 2

enum { F_IN, F_OUT, F_CC, F_CR, F_RS, NF };
static const char *const FIELDS[NF] = {"inputTokens", "outputTokens", "cacheCreationTokens",
				       "cacheReadTokens", "reasoningTokens"};

static int64_t g_day0; /* first day (days since epoch) */
static int g_ndays;
static int64_t *g_truth; /* [src][day][model][field] */
static long g_records[2];

static int64_t *truth_cell(int src, int day, int model)
{
	return g_truth + (((size_t)src * (size_t)g_ndays + (size_t)day) * NMODELS + (size_t)model) * NF;
}

static void truth_add(int src, int64_t ts, int model, int64_t in, int64_t out, int64_t cc, int64_t cr,
		      int64_t rs_)
{
	int64_t day = floor_div(ts, DAY_MS) - g_day0;
	if (day < 0 || day >= g_ndays)
		die("internal: timestamp outside the planned days");
	int64_t *c = truth_cell(src, (int)day, model);
	c[F_IN] += in;
	c[F_OUT] += out;
	c[F_CC] += cc;
	c[F_CR] += cr;
	c[F_RS] += rs_;
	g_records[src]++;
}

/* src_lo..src_hi: both sources for truth.json, one for truth-claude/-codex.json */
static void write_truth(const char *path, int src_lo, int src_hi)
{
	FILE *f = fopen(path, "w");
	if (!f)
		die("open %s: %s", path, strerror(errno));
	int64_t tot[NF] = {0};
	fputs("{\"daily\":[", f);
	bool first_day = true;
	for (int d = 0; d < g_ndays; d++) {
		bool first_model = true;
		for (int m = 0; m < NMODELS; m++) {
			int64_t v[NF] = {0};
			for (int s = src_lo; s <= src_hi; s++)
				for (int k = 0; k < NF; k++)
					v[k] += truth_cell(s, d, m)[k];
			if (!v[F_IN] && !v[F_OUT] && !v[F_CC] && !v[F_CR] && !v[F_RS])
				continue;
			if (first_model) {
				int y, mo, da;
				civil_from_days(g_day0 + d, &y, &mo, &da);
				fprintf(f, "%s\n{\"date\":\"%04d-%02d-%02d\",\"models\":{", first_day ? "" : ",", y,
					mo, da);
				first_day = false;
			}
			fprintf(f, "%s\"%s\":{", first_model ? "" : ",", MODELS[m]);
			first_model = false;
			for (int k = 0; k < NF; k++) {
				fprintf(f, "\"%s\":%lld,", FIELDS[k], (long long)v[k]);
				tot[k] += v[k];
			}
			fprintf(f, "\"totalTokens\":%lld}",
				(long long)(v[F_IN] + v[F_OUT] + v[F_CC] + v[F_CR]));
		}
		if (!first_model)
			fputs("}}", f);
	}
	fputs("\n],\"totals\":{", f);
	for (int k = 0; k < NF; k++)
		fprintf(f, "\"%s\":%lld,", FIELDS[k], (long long)tot[k]);
	fprintf(f, "\"totalTokens\":%lld}}\n", (long long)(tot[F_IN] + tot[F_OUT] + tot[F_CC] + tot[F_CR]));
	if (fclose(f) != 0)
		die("write %s: %s", path, strerror(errno));
}

/* ---- global settings ---- */

static char g_home[4096];
static int64_t g_payload_max = 200 * KIB; /* biggest tool output; smaller for small runs */
static int64_t g_range_start, g_range_end; /* ms */

static const char *const PROJECTS[] = {
	"/home/dev/src/aiusage",       "/home/dev/src/web.app",	     "/home/dev/work/api_server",
	"/home/dev/src/ml-pipeline",   "/home/dev/notes",	     "/home/dev/src/game engine",
	"/home/dev/work/infra/tf",     "/home/dev/src/rust_parser",  "/home/dev/.config/nvim",
	"/tmp/scratch",		       "/home/dev/src/ccusage-fork", "/home/dev/work/mobile.app/ios",
};
#define NPROJECTS (sizeof PROJECTS / sizeof PROJECTS[0])

/* A session start: mostly anywhere in the range, sometimes just before midnight UTC. */
static int64_t pick_start(void)
{
	int64_t span = g_range_end - g_range_start;
	int64_t t = g_range_start + (int64_t)(rnd_unit() * (double)span);
	if (rnd_pct(0.18)) {
		int64_t day = floor_div(t, DAY_MS);
		t = day * DAY_MS + DAY_MS - rnd_range(5000, 15 * 60 * 1000);
		if (t < g_range_start)
			t += DAY_MS;
	}
	return t;
}

/* Copy store: the head of a finished session, kept so a later one can replay it verbatim. */
#define STORE_MAX (1 * MIB)
#define POOL_N 8

typedef struct xstate {
	int64_t tot[4]; /* Codex running total after this line: input, cached, output, reasoning */
	int model;
} xstate;

typedef struct store {
	bool used;
	bool full;
	sbuf text;
	size_t *ends; /* end offset of each line in text */
	bool *copyable;
	xstate *xs;
	size_t n, cap;
	int64_t last_ts;
	/* session facts a continuation needs */
	int project;
	int model;
	bool nocached;
	bool noreq;
} store;

static store g_pool_claude[POOL_N], g_pool_codex[POOL_N];

static void store_reset(store *s)
{
	s->used = true;
	s->full = false;
	s->text.len = 0;
	s->n = 0;
}

static void store_add(store *s, const char *p, size_t n, bool copyable, const xstate *xs)
{
	if (s->full)
		return;
	if (s->text.len + n > STORE_MAX) {
		s->full = true;
		return;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->ends = xrealloc(s->ends, s->cap * sizeof *s->ends);
		s->copyable = xrealloc(s->copyable, s->cap * sizeof *s->copyable);
		s->xs = xrealloc(s->xs, s->cap * sizeof *s->xs);
	}
	sb_put(&s->text, p, n);
	s->ends[s->n] = s->text.len;
	s->copyable[s->n] = copyable;
	if (xs)
		s->xs[s->n] = *xs;
	s->n++;
}

static store *pool_pick(store *pool)
{
	int n = 0;
	for (int i = 0; i < POOL_N; i++)
		n += pool[i].used && pool[i].n > 0;
	if (!n)
		return NULL;
	int k = (int)(rnd() % (uint64_t)n);
	for (int i = 0; i < POOL_N; i++)
		if (pool[i].used && pool[i].n > 0 && k-- == 0)
			return &pool[i];
	return NULL;
}

/* =====================================================================
 * Claude Code
 * ===================================================================== */

typedef struct cusage {
	int64_t in, cc5, cc1, cr, out;
	bool split;	 /* has the cache_creation object */
	bool old_style; /* no cache fields at all */
} cusage;

typedef struct recent {
	char id[40];
	char req[40];
	bool has_req;
	cusage u;
	int model;
} recent;

typedef struct csess {
	char sid[37];
	int project;
	char cwd[256];
	const char *version;
	const char *branch;
	int model;
	bool noreq;
	int64_t t;
	writer w;
	char last_uuid[37];
	store *st;
	recent rec[8];
	int nrec;
	uint64_t sub_bytes;
} csess;

/* A chain of lines: the main file or one subagent file. */
typedef struct cchain {
	csess *s;
	writer *w; /* NULL: main file */
	bool sidechain;
	char agent[24];
	char *last;	   /* uuid of the chain's last line (parentUuid of the next) */
	char own_last[37]; /* storage for a subagent chain */
} cchain;

static cchain main_chain(csess *s)
{
	cchain c = {.s = s, .last = s->last_uuid};
	return c;
}

/* in place: the chain points into itself */
static void side_chain_init(cchain *c, csess *s, writer *w)
{
	memset(c, 0, sizeof *c);
	c->s = s;
	c->w = w;
	c->sidechain = true;
	c->last = c->own_last;
}

/* the project directory name: the cwd with every non-alphanumeric turned into '-' */
static void encode_cwd(char out[256], const char *cwd)
{
	size_t k = 0;
	for (const char *p = cwd; *p && k < 255; p++)
		out[k++] = ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')) ? *p : '-';
	out[k] = 0;
}

static sbuf g_line, g_line2;

static void cl_emit_main(csess *s, const sbuf *l, bool copyable)
{
	w_line(&s->w, l->p, l->len);
	if (s->st)
		store_add(s->st, l->p, l->len, copyable, NULL);
}

static void cl_emit(cchain *c, const sbuf *l, bool copyable)
{
	if (c->w)
		w_line(c->w, l->p, l->len);
	else
		cl_emit_main(c->s, l, copyable);
}

/* the common head of a Claude line; the caller appends its own fields and the closing brace */
static void cl_begin(sbuf *b, cchain *c, char ret_uuid[37])
{
	csess *s = c->s;
	b->len = 0;
	sb_puts(b, "{\"parentUuid\":");
	if (c->last[0]) {
		sb_putc(b, '"');
		sb_puts(b, c->last);
		sb_putc(b, '"');
	} else {
		sb_puts(b, "null");
	}
	sb_puts(b, ",\"isSidechain\":");
	sb_puts(b, c->sidechain ? "true" : "false");
	sb_kv(b, "userType", "external");
	sb_kv(b, "cwd", s->cwd);
	sb_kv(b, "sessionId", s->sid);
	sb_kv(b, "version", s->version);
	sb_kv(b, "gitBranch", s->branch);
	if (c->agent[0])
		sb_kv(b, "agentId", c->agent);
	gen_uuid(ret_uuid);
	memcpy(c->last, ret_uuid, 37);
}

static cusage cl_sample_usage(void)
{
	cusage u = {0};
	u.in = rnd_pct(0.7) ? rnd_range(1, 30) : rnd_log(100, 9000);
	u.cr = rnd_pct(0.1) ? 0 : rnd_log(4000, 190000);
	int64_t cc = rnd_pct(0.3) ? 0 : rnd_log(80, 30000);
	u.out = rnd_log(12, 6000);
	if (rnd_pct(0.03)) {
		u.old_style = true;
		u.cc5 = u.cr = 0;
		return u;
	}
	u.split = rnd_pct(0.78);
	if (!u.split) {
		u.cc5 = cc;
	} else {
		double r = rnd_unit();
		if (r < 0.45)
			u.cc5 = cc;
		else if (r < 0.75)
			u.cc1 = cc;
		else {
			u.cc1 = rnd_range(0, cc);
			u.cc5 = cc - u.cc1;
		}
	}
	return u;
}

static void sb_cusage(sbuf *b, const cusage *u, int64_t out, bool string_input)
{
	sb_puts(b, ",\"usage\":{\"input_tokens\":");
	if (string_input) {
		sb_putc(b, '"');
		sb_int(b, u->in);
		sb_putc(b, '"');
	} else {
		sb_int(b, u->in);
	}
	if (!u->old_style) {
		sb_ki(b, "cache_creation_input_tokens", u->cc5 + u->cc1);
		sb_ki(b, "cache_read_input_tokens", u->cr);
		if (u->split) {
			sb_puts(b, ",\"cache_creation\":{\"ephemeral_5m_input_tokens\":");
			sb_int(b, u->cc5);
			sb_ki(b, "ephemeral_1h_input_tokens", u->cc1);
			sb_putc(b, '}');
		}
	}
	sb_ki(b, "output_tokens", out);
	if (!u->old_style)
		sb_puts(b, ",\"service_tier\":\"standard\"");
	sb_putc(b, '}');
}

enum { BLK_TEXT, BLK_THINKING, BLK_TOOL };

static const char *const TOOLS[] = {"Bash", "Read", "Edit", "Grep", "Glob", "Write", "WebFetch"};

/* content array of one streaming line */
static void sb_block(sbuf *b, int blk, const char *tool_id, const char *tool_name)
{
	sb_puts(b, ",\"content\":[");
	if (blk == BLK_THINKING) {
		sb_puts(b, "{\"type\":\"thinking\",\"thinking\":\"");
		sb_text(b, (size_t)rnd_log(100, 9000));
		sb_puts(b, "\",\"signature\":\"");
		sb_b64(b, (size_t)rnd_range(200, 900));
		sb_puts(b, "\"}");
	} else if (blk == BLK_TOOL) {
		sb_puts(b, "{\"type\":\"tool_use\",\"id\":\"");
		sb_puts(b, tool_id);
		sb_puts(b, "\",\"name\":\"");
		sb_puts(b, tool_name);
		sb_puts(b, "\",\"input\":{\"command\":\"");
		sb_text(b, (size_t)rnd_log(10, 600));
		sb_puts(b, "\",\"description\":\"");
		sb_text(b, (size_t)rnd_range(10, 80));
		sb_puts(b, "\"}}");
	} else {
		sb_puts(b, "{\"type\":\"text\",\"text\":\"");
		sb_text(b, (size_t)rnd_log(20, 4000));
		sb_puts(b, "\"}");
	}
	sb_putc(b, ']');
}

enum { SHAPE_OK, SHAPE_NO_TS, SHAPE_STRING_INPUT };

static void cl_assistant_line(sbuf *b, cchain *c, const char *msgid, const char *reqid, int model,
			      const cusage *u, int64_t out, int blk, int64_t ts, const char *tool_id,
			      const char *tool_name, int shape)
{
	char uuid[37];
	cl_begin(b, c, uuid);
	sb_puts(b, ",\"message\":{");
	sb_puts(b, "\"model\":\"");
	sb_puts(b, MODELS[model]);
	sb_putc(b, '"');
	if (msgid)
		sb_kv(b, "id", msgid);
	sb_kv(b, "type", "message");
	sb_kv(b, "role", "assistant");
	sb_block(b, blk, tool_id, tool_name);
	sb_puts(b, ",\"stop_reason\":null,\"stop_sequence\":null");
	sb_cusage(b, u, out, shape == SHAPE_STRING_INPUT);
	sb_putc(b, '}');
	if (reqid)
		sb_kv(b, "requestId", reqid);
	sb_kv(b, "type", "assistant");
	sb_kv(b, "uuid", uuid);
	if (shape != SHAPE_NO_TS)
		sb_ts(b, "timestamp", ts);
	sb_putc(b, '}');
}

/* the progress line that carries a copy of a subagent record under data.message */
static void cl_progress_line(sbuf *b, csess *s, const sbuf *record, const char *agent, int64_t ts)
{
	cchain main = main_chain(s);
	char uuid[37];
	cl_begin(b, &main, uuid);
	sb_puts(b, ",\"type\":\"progress\",\"data\":{\"message\":");
	sb_put(b, record->p, record->len);
	sb_puts(b, ",\"normalizedMessages\":[],\"type\":\"agent_progress\",\"prompt\":\"");
	sb_text(b, (size_t)rnd_range(20, 200));
	sb_putc(b, '"');
	sb_kv(b, "agentId", agent);
	sb_putc(b, '}');
	char tid[40];
	gen_b62(tid, "toolu_01", 22);
	sb_kv(b, "toolUseID", tid);
	sb_kv(b, "parentToolUseID", tid);
	sb_kv(b, "uuid", uuid);
	sb_ts(b, "timestamp", ts);
	sb_putc(b, '}');
}

enum { MIRROR_NONE, MIRROR_SOME, MIRROR_ONLY };

/*
 * One API response: 1-5 streaming snapshot lines with one message.id and
 * requestId, the earlier ones with fewer output tokens. The copy with the
 * largest total is unique unless all copies fall on one UTC day, so its day
 * is well defined; it is usually the last one but not always. A subagent's
 * snapshots can be mirrored as progress lines in the main file, sometimes
 * as their only copy. The response enters the truth exactly once, here.
 */
static void cl_response(cchain *c, int model, int last_blk, const char *tool, int mirror, char ret_tool_id[40])
{
	csess *s = c->s;
	char msgid[40], reqid[40];
	gen_b62(msgid, "msg_01", 22);
	bool has_req = !s->noreq && !rnd_pct(0.02);
	gen_b62(reqid, "req_011C", 20);
	cusage u = cl_sample_usage();

	int n = rnd_pct(0.2) ? 1 : (int)rnd_range(2, 5);
	if (u.out < 12)
		n = 1;
	int64_t ts[5], outs[5];
	for (int i = 0; i < n; i++) {
		s->t += rnd_range(40, i == 0 ? 9000 : 2500);
		ts[i] = s->t;
	}
	int maxpos = n - 1;
	if (n >= 3 && rnd_pct(0.12))
		maxpos = (int)rnd_range(0, n - 2);
	bool same_day = floor_div(ts[0], DAY_MS) == floor_div(ts[n - 1], DAY_MS);
	bool ties = same_day && rnd_pct(0.3);
	/* earlier snapshots: growing, but below the full count (or equal to it on one day) */
	int64_t prev = 0;
	for (int i = 0; i < n; i++) {
		if (i == maxpos) {
			outs[i] = u.out;
		} else if (ties && i > 0) {
			outs[i] = u.out;
		} else {
			int64_t lo = prev + 1 < u.out - 1 ? prev + 1 : 1;
			outs[i] = rnd_range(lo, u.out - 1);
			if (i < maxpos)
				prev = outs[i];
		}
	}
	char tool_id[40];
	gen_b62(tool_id, "toolu_01", 22);
	if (!tool)
		tool = TOOLS[rnd() % (sizeof TOOLS / sizeof TOOLS[0])];
	if (ret_tool_id)
		memcpy(ret_tool_id, tool_id, sizeof tool_id);

	for (int i = 0; i < n; i++) {
		int blk = i == n - 1 ? last_blk : (i == 0 && rnd_pct(0.6) ? BLK_THINKING : BLK_TEXT);
		cl_assistant_line(&g_line, c, msgid, has_req ? reqid : NULL, model, &u, outs[i], blk, ts[i],
				  tool_id, tool, SHAPE_OK);
		if (mirror != MIRROR_ONLY)
			cl_emit(c, &g_line, true);
		if (mirror == MIRROR_ONLY || (mirror == MIRROR_SOME && rnd_pct(0.6))) {
			cl_progress_line(&g_line2, s, &g_line, c->agent, ts[i] + rnd_range(1, 40));
			cl_emit_main(s, &g_line2, true);
		}
	}
	truth_add(SRC_CLAUDE, ts[maxpos], model, u.in, u.out, u.cc5 + u.cc1, u.cr, 0);

	if (!c->sidechain) {
		recent *r = &s->rec[s->nrec++ % 8];
		memcpy(r->id, msgid, sizeof msgid);
		memcpy(r->req, reqid, sizeof reqid);
		r->has_req = has_req;
		r->u = u;
		r->model = model;
	}
}

static void cl_user_prompt(cchain *c)
{
	char uuid[37];
	c->s->t += rnd_range(2000, 180000);
	cl_begin(&g_line, c, uuid);
	sb_puts(&g_line, ",\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"");
	sb_text(&g_line, (size_t)rnd_log(10, 3000));
	sb_puts(&g_line, "\"}");
	sb_kv(&g_line, "uuid", uuid);
	sb_ts(&g_line, "timestamp", c->s->t);
	sb_putc(&g_line, '}');
	cl_emit(c, &g_line, true);
}

/* The big lines: a tool result, sometimes with a nested "usage" that must not count. */
static void cl_tool_result(cchain *c, const char *tool_id, bool task, int model)
{
	char uuid[37];
	c->s->t += rnd_range(50, task ? 2000 : 40000);
	cl_begin(&g_line, c, uuid);
	sb_puts(&g_line, ",\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":[{\"tool_use_id\":\"");
	sb_puts(&g_line, tool_id);
	sb_puts(&g_line, "\",\"type\":\"tool_result\",\"content\":");
	size_t size = (size_t)rnd_log(300, g_payload_max);
	if (rnd_pct(0.3)) {
		sb_puts(&g_line, "[{\"type\":\"text\",\"text\":\"");
		sb_text(&g_line, size);
		sb_puts(&g_line, "\"}]");
	} else {
		sb_putc(&g_line, '"');
		sb_text(&g_line, size);
		sb_putc(&g_line, '"');
	}
	if (rnd_pct(0.03))
		sb_puts(&g_line, ",\"usage\":{\"input_tokens\":777,\"output_tokens\":55}");
	sb_puts(&g_line, ",\"is_error\":false}]}");
	sb_kv(&g_line, "uuid", uuid);
	sb_ts(&g_line, "timestamp", c->s->t);
	if (task) {
		cusage u = cl_sample_usage();
		sb_puts(&g_line, ",\"toolUseResult\":{\"status\":\"completed\",\"prompt\":\"");
		sb_text(&g_line, (size_t)rnd_range(30, 400));
		sb_puts(&g_line, "\",\"content\":[{\"type\":\"text\",\"text\":\"");
		sb_text(&g_line, (size_t)rnd_range(100, 3000));
		sb_puts(&g_line, "\"}]");
		sb_ki(&g_line, "totalDurationMs", rnd_range(2000, 600000));
		sb_ki(&g_line, "totalTokens", u.in + u.cr + u.cc5 + u.out);
		sb_ki(&g_line, "totalToolUseCount", rnd_range(1, 40));
		u.old_style = false;
		sb_cusage(&g_line, &u, u.out, false);
		sb_puts(&g_line, ",\"model\":\"");
		sb_puts(&g_line, MODELS[model]);
		sb_puts(&g_line, "\"}");
	} else if (rnd_pct(0.3)) {
		sb_puts(&g_line, ",\"toolUseResult\":{\"stdout\":\"");
		sb_text(&g_line, size / 2 + 10);
		sb_puts(&g_line, "\",\"stderr\":\"\",\"interrupted\":false,\"isImage\":false}");
	}
	sb_putc(&g_line, '}');
	cl_emit(c, &g_line, true);
}

static void cl_system(csess *s)
{
	cchain c = main_chain(s);
	char uuid[37];
	s->t += rnd_range(10, 3000);
	cl_begin(&g_line, &c, uuid);
	if (rnd_pct(0.5)) {
		sb_puts(&g_line, ",\"type\":\"system\",\"subtype\":\"compact_boundary\",\"content\":"
				 "\"Conversation compacted\",\"isMeta\":false");
		sb_kv(&g_line, "uuid", uuid);
		sb_ts(&g_line, "timestamp", s->t);
		sb_puts(&g_line, ",\"level\":\"info\",\"compactMetadata\":{\"trigger\":\"auto\",\"preTokens\":");
		sb_int(&g_line, rnd_range(100000, 190000));
		sb_puts(&g_line, "}}");
	} else {
		sb_puts(&g_line, ",\"type\":\"system\",\"subtype\":\"turn_duration\",\"durationMs\":");
		sb_int(&g_line, rnd_range(1000, 900000));
		sb_kv(&g_line, "uuid", uuid);
		sb_ts(&g_line, "timestamp", s->t);
		sb_putc(&g_line, '}');
	}
	cl_emit_main(s, &g_line, true);
	if (rnd_pct(0.3)) {
		g_line.len = 0;
		sb_puts(&g_line, "{\"type\":\"file-history-snapshot\",\"messageId\":\"");
		sb_puts(&g_line, uuid);
		sb_puts(&g_line, "\",\"snapshot\":{\"messageId\":\"");
		sb_puts(&g_line, uuid);
		sb_puts(&g_line, "\",\"trackedFileBackups\":{}");
		sb_ts(&g_line, "timestamp", s->t);
		sb_puts(&g_line, "},\"isSnapshotUpdate\":false}");
		cl_emit_main(s, &g_line, true);
	}
}

static void cl_summary(csess *s)
{
	char leaf[37];
	gen_uuid(leaf);
	g_line.len = 0;
	sb_puts(&g_line, "{\"type\":\"summary\",\"summary\":\"");
	sb_text(&g_line, (size_t)rnd_range(20, 120));
	sb_puts(&g_line, "\",\"leafUuid\":\"");
	sb_puts(&g_line, leaf);
	sb_puts(&g_line, "\"}");
	cl_emit_main(s, &g_line, true);
}

/* zero-usage error line from Claude Code itself */
static void cl_synthetic(csess *s)
{
	cchain c = main_chain(s);
	char uuid[37], mid[37];
	s->t += rnd_range(100, 5000);
	cl_begin(&g_line, &c, uuid);
	gen_uuid(mid);
	sb_puts(&g_line, ",\"message\":{\"id\":\"");
	sb_puts(&g_line, mid);
	sb_puts(&g_line, "\",\"container\":null,\"model\":\"<synthetic>\",\"role\":\"assistant\","
			 "\"stop_reason\":\"stop_sequence\",\"stop_sequence\":\"\",\"type\":\"message\","
			 "\"usage\":{\"input_tokens\":0,\"output_tokens\":0,\"cache_creation_input_tokens\":0,"
			 "\"cache_read_input_tokens\":0,\"server_tool_use\":{\"web_search_requests\":0},"
			 "\"service_tier\":null,\"cache_creation\":{\"ephemeral_1h_input_tokens\":0,"
			 "\"ephemeral_5m_input_tokens\":0}},\"content\":[{\"type\":\"text\",\"text\":"
			 "\"API Error: 529 {\\\"type\\\":\\\"error\\\",\\\"error\\\":{\\\"type\\\":"
			 "\\\"overloaded_error\\\",\\\"message\\\":\\\"Overloaded\\\"}}\"}]}");
	sb_kv(&g_line, "type", "assistant");
	sb_kv(&g_line, "uuid", uuid);
	sb_ts(&g_line, "timestamp", s->t);
	sb_puts(&g_line, ",\"isApiErrorMessage\":true}");
	cl_emit_main(s, &g_line, true);
}

/* a record without message.id: it counts on its own, so it is never copied */
static void cl_no_id(csess *s)
{
	cchain c = main_chain(s);
	cusage u = cl_sample_usage();
	char req[40];
	gen_b62(req, "req_011C", 20);
	s->t += rnd_range(500, 20000);
	cl_assistant_line(&g_line, &c, NULL, rnd_pct(0.5) ? req : NULL, s->model, &u, u.out, BLK_TEXT, s->t,
			  NULL, NULL, SHAPE_OK);
	cl_emit_main(s, &g_line, false);
	truth_add(SRC_CLAUDE, s->t, s->model, u.in, u.out, u.cc5 + u.cc1, u.cr, 0);
}

/* lines that count for nothing: truncated JSON, binary garbage, wrong shapes */
static void cl_junk(csess *s)
{
	cchain c = main_chain(s);
	cusage u = cl_sample_usage();
	char mid[40], req[40];
	gen_b62(mid, "msg_01", 22);
	gen_b62(req, "req_011C", 20);
	s->t += rnd_range(100, 5000);
	double r = rnd_unit();
	if (r < 0.4) {
		cl_assistant_line(&g_line, &c, mid, req, s->model, &u, u.out, BLK_TEXT, s->t, NULL, NULL, SHAPE_OK);
		g_line.len = (size_t)rnd_range((int64_t)g_line.len / 3, (int64_t)g_line.len - 2);
	} else if (r < 0.7) {
		g_line.len = 0;
		size_t n = (size_t)rnd_range(10, 400);
		sb_reserve(&g_line, n);
		for (size_t i = 0; i < n; i++) {
			char ch = (char)(rnd() & 0xff);
			g_line.p[i] = ch == '\n' ? '\x01' : ch;
		}
		g_line.len = n;
		if (rnd_pct(0.5))
			memcpy(g_line.p + n / 2 - 5, "\"usage\":{", 9);
	} else {
		cl_assistant_line(&g_line, &c, mid, req, s->model, &u, u.out, BLK_TEXT, s->t, NULL, NULL,
				  r < 0.85 ? SHAPE_NO_TS : SHAPE_STRING_INPUT);
	}
	cl_emit_main(s, &g_line, true);
}

/* A Task subagent: its own file under <session>/subagents, mirrored by progress lines. */
static void cl_subagent(csess *s)
{
	cchain main = main_chain(s);
	char tool_id[40], hex[20], enc[256], path[4600];
	int model = rnd_pct(0.6) ? HAIKU : s->model;
	cl_response(&main, s->model, BLK_TOOL, "Task", MIRROR_NONE, tool_id);

	writer w;
	cchain sub;
	side_chain_init(&sub, s, &w);
	gen_hex(hex, 16);
	snprintf(sub.agent, sizeof sub.agent, "a%.16s", hex);
	encode_cwd(enc, s->cwd);
	snprintf(path, sizeof path, "%s/.claude/projects/%s/%s/subagents/agent-%s.jsonl", g_home, enc, s->sid,
		 sub.agent);
	w_open(&w, path, SRC_CLAUDE);
	cl_user_prompt(&sub);
	int steps = (int)rnd_range(1, 8);
	for (int i = 0; i < steps; i++) {
		int mirror = rnd_pct(0.12) ? MIRROR_ONLY : MIRROR_SOME;
		char tid[40];
		bool last = i == steps - 1;
		cl_response(&sub, model, last ? BLK_TEXT : BLK_TOOL, NULL, mirror, tid);
		if (!last)
			cl_tool_result(&sub, tid, false, model);
	}
	s->sub_bytes += w.written;
	w_close(&w);
	cl_tool_result(&main, tool_id, true, model);
}

/*
 * A /btw aside: a sidechain file replaying recent main-chain responses (same
 * message.id, new requestId, often a bigger total) that must be dropped, then
 * the aside's own answer, which counts.
 */
static void cl_aside(csess *s)
{
	if (s->nrec == 0)
		return;
	char path[4600], hex[20], enc[256];
	encode_cwd(enc, s->cwd);
	gen_hex(hex, 16);
	writer w;
	cchain sub;
	side_chain_init(&sub, s, &w);
	snprintf(sub.agent, sizeof sub.agent, "aside_%.12s", hex);
	snprintf(path, sizeof path, "%s/.claude/projects/%s/%s/subagents/agent-%s.jsonl", g_home, enc, s->sid,
		 sub.agent);
	w_open(&w, path, SRC_CLAUDE);
	int avail = s->nrec < 8 ? s->nrec : 8;
	int n = (int)rnd_range(1, avail);
	for (int i = 0; i < n; i++) {
		recent *r = &s->rec[(s->nrec - 1 - i) % 8];
		cusage u = r->u;
		if (rnd_pct(0.5))
			u.cr += rnd_range(1000, 50000);
		char req[40];
		gen_b62(req, "req_011C", 20);
		s->t += rnd_range(5, 200);
		/* a gateway session has no requestIds at all: then the key is the same and main wins */
		cl_assistant_line(&g_line, &sub, r->id, r->has_req ? req : NULL, r->model, &u, u.out, BLK_TEXT, s->t,
				  NULL, NULL, SHAPE_OK);
		cl_emit(&sub, &g_line, true);
	}
	cl_user_prompt(&sub);
	cl_response(&sub, s->model, BLK_TEXT, NULL, MIRROR_NONE, NULL);
	s->sub_bytes += w.written;
	w_close(&w);
}

static const char *const VERSIONS[] = {"1.0.98", "2.0.14", "2.0.37", "2.1.3", "2.1.12"};
static const char *const BRANCHES[] = {"main", "master", "feature/login", "fix-123", ""};

static int pick_claude_model(void)
{
	double r = rnd_unit();
	return r < 0.4 ? 0 : r < 0.5 ? 1 : r < 0.65 ? 2 : r < 0.8 ? 3 : 4;
}

static void claude_session(uint64_t target)
{
	csess s;
	memset(&s, 0, sizeof s);
	gen_uuid(s.sid);
	s.version = VERSIONS[rnd() % 5];
	s.branch = BRANCHES[rnd() % 5];
	s.model = pick_claude_model();
	s.noreq = rnd_pct(0.05);
	s.project = (int)(rnd() % NPROJECTS);
	s.t = pick_start();

	store *parent = NULL;
	size_t ncopy = 0;
	if (rnd_pct(0.15) && (parent = pool_pick(g_pool_claude)) != NULL) {
		int64_t t = parent->last_ts + rnd_range(60000, 2 * DAY_MS);
		if (t < g_range_end) {
			s.t = t;
			s.project = parent->project;
			s.noreq = parent->noreq;
			ncopy = (size_t)rnd_range(1, (int64_t)parent->n);
		} else {
			parent = NULL;
		}
	}
	snprintf(s.cwd, sizeof s.cwd, "%s", PROJECTS[s.project]);

	/* this session goes into a pool slot, replacing an old one (never the parent) */
	store *st = &g_pool_claude[rnd() % POOL_N];
	if (st == parent) {
		st = NULL;
	} else {
		store_reset(st);
		st->project = s.project;
		st->noreq = s.noreq;
	}
	s.st = st;

	char enc[256], path[4600];
	encode_cwd(enc, s.cwd);
	snprintf(path, sizeof path, "%s/.claude/projects/%s/%s.jsonl", g_home, enc, s.sid);
	w_open(&s.w, path, SRC_CLAUDE);

	if (parent) {
		cl_summary(&s);
		size_t off = 0;
		for (size_t i = 0; i < ncopy; i++) {
			size_t end = parent->ends[i];
			if (parent->copyable[i]) {
				w_line(&s.w, parent->text.p + off, end - off);
				if (s.st)
					store_add(s.st, parent->text.p + off, end - off, true, NULL);
			}
			off = end;
		}
	} else if (rnd_pct(0.1)) {
		cl_summary(&s);
	}

	int64_t t0 = s.t;
	cchain main = main_chain(&s);
	while (s.w.written + s.sub_bytes < target && s.t < g_range_end + DAY_MS && s.t - t0 < 30 * 3600000LL) {
		if (rnd_pct(0.05))
			s.model = pick_claude_model();
		cl_user_prompt(&main);
		int steps = (int)rnd_range(1, 10);
		for (int i = 0; i < steps; i++) {
			if (rnd_pct(0.06)) {
				cl_subagent(&s);
				continue;
			}
			char tid[40];
			bool last = i == steps - 1;
			cl_response(&main, s.model, last ? BLK_TEXT : BLK_TOOL, NULL, MIRROR_NONE, tid);
			if (!last)
				cl_tool_result(&main, tid, false, s.model);
		}
		if (rnd_pct(0.06))
			cl_aside(&s);
		if (rnd_pct(0.05))
			cl_system(&s);
		if (rnd_pct(0.03))
			cl_synthetic(&s);
		if (rnd_pct(0.04))
			cl_no_id(&s);
		if (rnd_pct(0.05))
			cl_junk(&s);
		if (rnd_pct(0.03))
			s.t += rnd_range(300000, 4 * 3600000LL); /* a break */
	}
	if (st)
		st->last_ts = s.t;
	w_close(&s.w);
}

/* =====================================================================
 * Codex CLI
 * ===================================================================== */

typedef struct xsess {
	char id[37];
	int project;
	int model;
	bool nocached;
	int64_t t;
	int64_t tot[4]; /* input (incl. cached), cached, output (incl. reasoning), reasoning */
	int nevents;
	writer w;
	store *st;
} xsess;

static void cx_emit(xsess *s, const sbuf *l)
{
	w_line(&s->w, l->p, l->len);
	if (s->st) {
		xstate xs;
		memcpy(xs.tot, s->tot, sizeof xs.tot);
		xs.model = s->model;
		store_add(s->st, l->p, l->len, true, &xs);
	}
}

static void cx_begin(sbuf *b, xsess *s, const char *type, int64_t adv_lo, int64_t adv_hi)
{
	s->t += rnd_range(adv_lo, adv_hi);
	b->len = 0;
	sb_puts(b, "{\"timestamp\":\"");
	char ts[TS_LEN];
	fmt_ts(ts, s->t);
	sb_puts(b, ts);
	sb_puts(b, "\",\"type\":\"");
	sb_puts(b, type);
	sb_puts(b, "\",\"payload\":{");
}

static void cx_session_meta(xsess *s)
{
	cx_begin(&g_line, s, "session_meta", 0, 0);
	char ts[TS_LEN], hash[41];
	fmt_ts(ts, s->t);
	gen_hex(hash, 40);
	sb_puts(&g_line, "\"id\":\"");
	sb_puts(&g_line, s->id);
	sb_putc(&g_line, '"');
	sb_kv(&g_line, "timestamp", ts);
	sb_kv(&g_line, "cwd", PROJECTS[s->project]);
	sb_kv(&g_line, "originator", rnd_pct(0.8) ? "codex_cli_rs" : "codex_vscode");
	sb_kv(&g_line, "cli_version", rnd_pct(0.5) ? "0.58.0" : "0.63.0");
	sb_puts(&g_line, ",\"instructions\":\"");
	sb_text(&g_line, (size_t)rnd_range(8 * KIB, 40 * KIB));
	sb_putc(&g_line, '"');
	sb_kv(&g_line, "source", "cli");
	sb_kv(&g_line, "model_provider", "openai");
	sb_puts(&g_line, ",\"git\":{\"commit_hash\":\"");
	sb_puts(&g_line, hash);
	sb_puts(&g_line, "\",\"branch\":\"main\",\"repository_url\":\"git@example.com:dev/proj.git\"}}}");
	w_line(&s->w, g_line.p, g_line.len);
}

static void cx_turn_context(xsess *s)
{
	cx_begin(&g_line, s, "turn_context", 5, 400);
	sb_puts(&g_line, "\"cwd\":\"");
	sb_puts(&g_line, PROJECTS[s->project]);
	sb_puts(&g_line, "\",\"approval_policy\":\"on-request\",\"sandbox_policy\":{\"type\":\"workspace-write\","
			 "\"network_access\":false,\"exclude_tmpdir_env_var\":false,\"exclude_slash_tmp\":false}");
	sb_kv(&g_line, "model", MODELS[s->model]);
	sb_puts(&g_line, ",\"effort\":\"medium\",\"summary\":\"auto\"}}");
	cx_emit(s, &g_line);
}

static void sb_rate_limits(sbuf *b, xsess *s)
{
	sb_puts(b, ",\"rate_limits\":{\"primary\":{\"used_percent\":");
	sb_int(b, rnd_range(0, 99));
	sb_puts(b, ".0,\"window_minutes\":300,\"resets_at\":");
	sb_int(b, s->t / 1000 + rnd_range(60, 18000));
	sb_puts(b, "},\"secondary\":{\"used_percent\":");
	sb_int(b, rnd_range(0, 99));
	sb_puts(b, ".0,\"window_minutes\":10080,\"resets_at\":");
	sb_int(b, s->t / 1000 + rnd_range(3600, 600000));
	sb_puts(b, "}}");
}

static void sb_xusage(sbuf *b, const char *key, const int64_t u[4], bool nocached)
{
	sb_putc(b, '"');
	sb_puts(b, key);
	sb_puts(b, "\":{\"input_tokens\":");
	sb_int(b, u[0]);
	if (!nocached)
		sb_ki(b, "cached_input_tokens", u[1]);
	sb_ki(b, "output_tokens", u[2]);
	sb_ki(b, "reasoning_output_tokens", u[3]);
	sb_ki(b, "total_tokens", u[0] + u[2]);
	sb_putc(b, '}');
}

static void cx_token_count(xsess *s, const int64_t last[4])
{
	cx_begin(&g_line, s, "event_msg", 5, 1500);
	sb_puts(&g_line, "\"type\":\"token_count\",\"info\":{");
	sb_xusage(&g_line, "total_token_usage", s->tot, s->nocached);
	sb_putc(&g_line, ',');
	sb_xusage(&g_line, "last_token_usage", last, s->nocached);
	sb_puts(&g_line, ",\"model_context_window\":272000}");
	sb_rate_limits(&g_line, s);
	sb_puts(&g_line, "}}");
	cx_emit(s, &g_line);
}

static void cx_info_null(xsess *s)
{
	cx_begin(&g_line, s, "event_msg", 5, 800);
	sb_puts(&g_line, "\"type\":\"token_count\",\"info\":null");
	sb_rate_limits(&g_line, s);
	sb_puts(&g_line, "}}");
	cx_emit(s, &g_line);
}

/*
 * One model call: advances the cumulative total by a fresh delta (or, rarely,
 * restarts the counter, so the total goes down in every field and that event
 * counts its last_token_usage), sometimes re-emits the same totals later.
 */
static void cx_usage_event(xsess *s)
{
	int64_t d[4];
	d[0] = rnd_log(1500, 150000);
	d[1] = s->nocached ? 0 : (rnd_pct(0.15) ? 0 : (int64_t)(rnd_unit() * 0.95 * (double)d[0]));
	d[2] = rnd_log(20, 8000);
	d[3] = rnd_pct(0.3) ? 0 : rnd_range(0, d[2]);

	bool restart = s->nevents >= 3 && rnd_pct(0.03) && d[0] < s->tot[0] && d[2] < s->tot[2] &&
		       (d[1] < s->tot[1] || (d[1] == 0 && s->tot[1] == 0)) &&
		       (d[3] < s->tot[3] || (d[3] == 0 && s->tot[3] == 0));
	if (restart) {
		memcpy(s->tot, d, sizeof d);
	} else {
		for (int i = 0; i < 4; i++)
			s->tot[i] += d[i];
	}
	s->nevents++;
	cx_token_count(s, d);
	truth_add(SRC_CODEX, s->t, s->model, d[0] - d[1], d[2], 0, d[1], d[3]);
	int re = rnd_pct(0.2) ? (int)rnd_range(1, 3) : 0;
	for (int i = 0; i < re; i++)
		cx_token_count(s, d); /* unchanged totals, fresh timestamp: adds nothing */
}

static const char *const SHELL_CMDS[] = {"ls -la", "cat src/main.c", "git status", "make -j2",
					 "ctest --output-on-failure", "rg usage src", "sed -n 1,80p README.md"};

static void cx_step(xsess *s)
{
	cx_begin(&g_line, s, "response_item", 300, 20000);
	sb_puts(&g_line, "\"type\":\"reasoning\",\"summary\":[{\"type\":\"summary_text\",\"text\":\"");
	sb_text(&g_line, (size_t)rnd_log(20, 1500));
	sb_puts(&g_line, "\"}],\"content\":null,\"encrypted_content\":\"");
	sb_b64(&g_line, (size_t)rnd_range(800, 6000));
	sb_puts(&g_line, "\"}}");
	cx_emit(s, &g_line);
	if (rnd_pct(0.5)) {
		cx_begin(&g_line, s, "event_msg", 1, 50);
		sb_puts(&g_line, "\"type\":\"agent_reasoning\",\"text\":\"");
		sb_text(&g_line, (size_t)rnd_log(20, 1500));
		sb_puts(&g_line, "\"}}");
		cx_emit(s, &g_line);
	}
	char call[40];
	gen_b62(call, "call_", 24);
	cx_begin(&g_line, s, "response_item", 10, 3000);
	sb_puts(&g_line, "\"type\":\"function_call\",\"name\":\"shell\",\"arguments\":\"{\\\"command\\\":[\\\"bash\\\","
			 "\\\"-lc\\\",\\\"");
	sb_puts(&g_line, SHELL_CMDS[rnd() % (sizeof SHELL_CMDS / sizeof SHELL_CMDS[0])]);
	sb_puts(&g_line, "\\\"],\\\"workdir\\\":\\\"");
	sb_puts(&g_line, PROJECTS[s->project]);
	sb_puts(&g_line, "\\\"}\"");
	sb_kv(&g_line, "call_id", call);
	sb_puts(&g_line, "}}");
	cx_emit(s, &g_line);
	cx_begin(&g_line, s, "response_item", 50, 60000);
	sb_puts(&g_line, "\"type\":\"function_call_output\"");
	sb_kv(&g_line, "call_id", call);
	sb_puts(&g_line, ",\"output\":\"");
	sb_text(&g_line, (size_t)rnd_log(300, g_payload_max * 9 / 10));
	sb_puts(&g_line, "\"}}");
	cx_emit(s, &g_line);
	if (rnd_pct(0.05))
		cx_info_null(s);
	cx_usage_event(s);
	if (rnd_pct(0.01)) {
		/* a corrupt line: a cut-off copy of the last one, or garbage */
		if (rnd_pct(0.5) && g_line.len > 20) {
			g_line.len = (size_t)rnd_range((int64_t)g_line.len / 3, (int64_t)g_line.len - 2);
		} else {
			g_line.len = 0;
			size_t n = (size_t)rnd_range(10, 300);
			sb_reserve(&g_line, n);
			for (size_t i = 0; i < n; i++) {
				char ch = (char)(rnd() & 0xff);
				g_line.p[i] = ch == '\n' ? ' ' : ch;
			}
			g_line.len = n;
		}
		cx_emit(s, &g_line);
	}
}

static void cx_turn(xsess *s)
{
	if (rnd_pct(0.08))
		s->model = CODEX_FIRST + (int)(rnd() % NCODEX);
	cx_turn_context(s);
	cx_begin(&g_line, s, "response_item", 100, 1000);
	sb_puts(&g_line, "\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"");
	sb_text(&g_line, (size_t)rnd_log(10, 3000));
	sb_puts(&g_line, "\"}]}}");
	cx_emit(s, &g_line);
	cx_begin(&g_line, s, "event_msg", 1, 20);
	sb_puts(&g_line, "\"type\":\"user_message\",\"message\":\"");
	sb_text(&g_line, (size_t)rnd_log(10, 500));
	sb_puts(&g_line, "\",\"images\":[]}}");
	cx_emit(s, &g_line);
	if (s->nevents == 0)
		cx_info_null(s);
	int steps = (int)rnd_range(1, 10);
	for (int i = 0; i < steps; i++)
		cx_step(s);
	cx_begin(&g_line, s, "response_item", 500, 20000);
	sb_puts(&g_line, "\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"");
	sb_text(&g_line, (size_t)rnd_log(50, 4000));
	sb_puts(&g_line, "\"}]}}");
	cx_emit(s, &g_line);
	cx_begin(&g_line, s, "event_msg", 1, 20);
	sb_puts(&g_line, "\"type\":\"agent_message\",\"message\":\"");
	sb_text(&g_line, (size_t)rnd_log(50, 1000));
	sb_puts(&g_line, "\"}}");
	cx_emit(s, &g_line);
	cx_usage_event(s);
}

static void codex_session(uint64_t target)
{
	xsess s;
	memset(&s, 0, sizeof s);
	gen_uuid(s.id);
	s.project = (int)(rnd() % NPROJECTS);
	s.model = CODEX_FIRST + (int)(rnd() % NCODEX);
	s.nocached = rnd_pct(0.06);
	s.t = pick_start();

	store *parent = NULL;
	size_t ncopy = 0;
	if (rnd_pct(0.12) && (parent = pool_pick(g_pool_codex)) != NULL) {
		ncopy = (size_t)rnd_range(1, (int64_t)parent->n);
		int64_t t = parent->last_ts + rnd_range(1000, DAY_MS);
		if (t < g_range_end) {
			s.t = t;
			s.project = parent->project;
			s.nocached = parent->nocached;
		} else {
			parent = NULL;
		}
	}
	store *st = &g_pool_codex[rnd() % POOL_N];
	if (st == parent) {
		st = NULL;
	} else {
		store_reset(st);
		st->project = s.project;
		st->nocached = s.nocached;
	}
	s.st = st;

	int y, mo, d;
	int64_t day = floor_div(s.t, DAY_MS), rem = s.t - day * DAY_MS;
	civil_from_days(day, &y, &mo, &d);
	char path[4600];
	if (rnd_pct(0.05))
		snprintf(path, sizeof path, "%s/.codex/archived_sessions/rollout-%04d-%02d-%02dT%02d-%02d-%02d-%s.jsonl",
			 g_home, y, mo, d, (int)(rem / 3600000), (int)(rem / 60000 % 60), (int)(rem / 1000 % 60), s.id);
	else
		snprintf(path, sizeof path,
			 "%s/.codex/sessions/%04d/%02d/%02d/rollout-%04d-%02d-%02dT%02d-%02d-%02d-%s.jsonl", g_home, y,
			 mo, d, y, mo, d, (int)(rem / 3600000), (int)(rem / 60000 % 60), (int)(rem / 1000 % 60), s.id);
	w_open(&s.w, path, SRC_CODEX);
	cx_session_meta(&s);

	if (parent) {
		/* a fork: the parent's lines verbatim (same timestamps and totals), then its own turns */
		size_t off = 0;
		for (size_t i = 0; i < ncopy; i++) {
			w_line(&s.w, parent->text.p + off, parent->ends[i] - off);
			if (s.st)
				store_add(s.st, parent->text.p + off, parent->ends[i] - off, true, &parent->xs[i]);
			off = parent->ends[i];
		}
		const xstate *xs = &parent->xs[ncopy - 1];
		memcpy(s.tot, xs->tot, sizeof s.tot);
		s.model = xs->model;
		s.nevents = 1;
	}

	int64_t t0 = s.t;
	while (s.w.written < target && s.t < g_range_end + DAY_MS && s.t - t0 < 30 * 3600000LL) {
		cx_turn(&s);
		if (rnd_pct(0.03))
			s.t += rnd_range(300000, 4 * 3600000LL);
	}
	if (st)
		st->last_ts = s.t;
	w_close(&s.w);
}

/* ===================================================================== */

static void usage(void)
{
	fputs("usage: gen_home --out DIR [--size-mb N] [--seed S] [--days D] [--start YYYY-MM-DD]\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *out = NULL;
	double size_mb = 64;
	uint64_t seed = 1;
	int days = 30;
	int sy = 2026, sm = 10, sd = 1;
	for (int i = 1; i < argc; i += 2) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			usage();
		if (!v)
			usage();
		if (!strcmp(a, "--out"))
			out = v;
		else if (!strcmp(a, "--size-mb"))
			size_mb = strtod(v, NULL);
		else if (!strcmp(a, "--seed"))
			seed = strtoull(v, NULL, 10);
		else if (!strcmp(a, "--days"))
			days = atoi(v);
		else if (!strcmp(a, "--start")) {
			if (sscanf(v, "%d-%d-%d", &sy, &sm, &sd) != 3 || sm < 1 || sm > 12 || sd < 1 || sd > 31)
				die("bad --start %s (want YYYY-MM-DD)", v);
		} else
			usage();
	}
	if (!out)
		usage();
	if (size_mb <= 0 || days < 1)
		die("--size-mb and --days must be positive");

	rnd_seed(seed);
	g_day0 = days_from_civil(sy, sm, sd);
	g_ndays = days + 4;
	g_range_start = g_day0 * DAY_MS;
	g_range_end = g_range_start + (int64_t)days * DAY_MS;
	g_truth = calloc((size_t)2 * (size_t)g_ndays * NMODELS * NF, sizeof *g_truth);
	if (!g_truth)
		die("out of memory");
	mkdir_p(out);
	snprintf(g_home, sizeof g_home, "%s/home", out);
	mkdir_p(g_home);
	pool_init();

	uint64_t budget = (uint64_t)(size_mb * MIB);
	/* session sizes scale with the budget, so a small run still has many files */
	uint64_t cap = budget / 24;
	if (cap < 192 * KIB)
		cap = 192 * KIB;
	if (cap > 24 * MIB)
		cap = 24 * MIB;
	g_payload_max = (int64_t)(budget / 512);
	if (g_payload_max < 16 * KIB)
		g_payload_max = 16 * KIB;
	if (g_payload_max > 200 * KIB)
		g_payload_max = 200 * KIB;
	const double claude_share = 0.72;
	while (g_bytes < budget) {
		uint64_t left = budget - g_bytes;
		uint64_t target = (uint64_t)rnd_log((int64_t)(cap / 48), (int64_t)cap);
		if (target > left)
			target = left;
		if ((double)g_bytes_src[SRC_CLAUDE] <= claude_share * (double)g_bytes)
			claude_session(target);
		else
			codex_session(target);
	}

	char path[4600];
	snprintf(path, sizeof path, "%s/truth.json", out);
	write_truth(path, SRC_CLAUDE, SRC_CODEX);
	snprintf(path, sizeof path, "%s/truth-claude.json", out);
	write_truth(path, SRC_CLAUDE, SRC_CLAUDE);
	snprintf(path, sizeof path, "%s/truth-codex.json", out);
	write_truth(path, SRC_CODEX, SRC_CODEX);
	fprintf(stderr, "gen_home: %ld files, %.1f MiB (Claude %.1f, Codex %.1f), %ld Claude responses, %ld Codex events\n",
		g_files, (double)g_bytes / MIB, (double)g_bytes_src[0] / MIB, (double)g_bytes_src[1] / MIB,
		g_records[0], g_records[1]);
	return 0;
}

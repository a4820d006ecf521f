/*
 * gen_home: writes a deterministic fake HOME full of AI coding tools' logs,
 * with every trap docs/formats.md lists, plus truth.json: the totals per UTC
 * day and model that the generator INTENDED, kept as it writes, never
 * re-parsed from its own output (and truth-<source>.json per source).
 *
 *   gen_home --out DIR [--size-mb N] [--seed S] [--days D] [--start YYYY-MM-DD]
 *            [--sources LIST] [--no-gemini-rewind]
 *            [--usage-per-mib N] [--copy-share F] [--session-max-mb M]
 *
 * --sources takes a comma list of claude, codex, gemini, opencode, copilot,
 * vscode, or "all"; the default, claude,codex, writes byte for byte what
 * earlier versions wrote, so the benchmark's numbers stay comparable. The
 * other sources are written after those two, each from its own random
 * stream, so adding one changes nothing in the others' files.
 *
 * The density knobs (off by default, so the default bytes stay the same):
 * --usage-per-mib steers the number of usage lines per MiB written (by
 * shrinking or growing every filler text as it goes), --copy-share the share
 * of those lines that repeat a record written before (streaming copies),
 * --session-max-mb the largest session (and with it the number of files).
 *
 * Claude Code: streaming snapshots, resumed copies, sidechain replays,
 * progress copies, records without ids, corrupt lines. Codex CLI: re-emitted
 * and restarted counters, forked rollouts, info:null. Gemini CLI, OpenCode,
 * Copilot CLI and VS Code Copilot Chat: see their sections below.
 * C11 + libm, and libsqlite3 for OpenCode's database.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
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

/* the sources, in the order they are generated */
enum { SRC_CLAUDE, SRC_CODEX, SRC_GEMINI, SRC_OPENCODE, SRC_COPILOT, SRC_VSCODE, NSRC };
static const char *const SRC_NAMES[NSRC] = {"claude", "codex", "gemini", "opencode", "copilot", "vscode"};

static uint64_t g_bytes;	   /* everything written under home/ */
static uint64_t g_bytes_src[NSRC]; /* per source */
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

/*
 * Density (--usage-per-mib, --copy-share): usage lines are lines that carry
 * a usage record a parser reads (Claude assistant lines and their progress
 * copies, Codex token_count events with info); copies are those that repeat
 * a record written before (a streaming snapshot after the first, a progress
 * mirror, a /btw replay, a resumed or forked head, a re-emitted Codex
 * total). Both are steered by feedback as the files are written: filler
 * text is scaled by g_text_scale, and a Claude response gets several
 * snapshots only while the copy share is below its target.
 */
static bool g_dense;		    /* either knob given */
static double g_usage_per_mib = 0;  /* 0: leave the density alone */
static double g_copy_share = -1;    /* <0: leave the snapshots alone */
static double g_text_scale = 1.0;
static uint64_t g_usage_lines, g_copy_lines;		/* Claude + Codex */
static uint64_t g_claude_usage_lines, g_claude_copy_lines; /* Claude only */
static bool g_emitting_usage;	 /* the line being written carries usage */

static size_t scaled(size_t n)
{
	if (!g_dense || g_usage_per_mib <= 0)
		return n;
	double v = (double)n * g_text_scale;
	return v < 2 ? 2 : (size_t)v;
}

/* one usage line written: is_copy when it repeats an earlier record */
static void count_usage(bool claude, bool is_copy)
{
	g_usage_lines++;
	g_copy_lines += is_copy;
	if (claude) {
		g_claude_usage_lines++;
		g_claude_copy_lines += is_copy;
	}
}

/* After each record: text shrinks while there are too few usage lines per
 * MiB, and grows while there are too many. */
static void steer_density(void)
{
	if (!g_dense || g_usage_per_mib <= 0)
		return;
	double mib = (double)g_bytes / (1024.0 * 1024.0);
	if (mib < 0.25)
		return;
	double d = (double)g_usage_lines / mib;
	g_text_scale *= d < g_usage_per_mib ? 0.97 : 1.03;
	if (g_text_scale < 1.0 / 1024)
		g_text_scale = 1.0 / 1024;
	if (g_text_scale > 8)
		g_text_scale = 8;
}

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
	n = scaled(n);
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
	n = scaled(n);
	sb_reserve(b, n + 2);
	for (size_t i = 0; i < n; i++)
		b->p[b->len++] = A[rnd() & 63];
	b->p[b->len++] = '=';
	b->p[b->len] = 0;
}

/* ---- models and the truth table ---- */

/*
 * Every model name, exactly as aiusage reports it (truth.json's order is
 * this one, so new names go at the end). Several sources share names
 * (gpt-5: Codex, OpenCode, Copilot CLI; gemini-2.5-pro: Gemini CLI and
 * OpenCode; gpt-5-mini, gpt-4.1, claude-sonnet-4.5): a day's row for such a
 * model is the sum over its sources.
 */
static const char *const MODELS[] = {
	"claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805", "claude-haiku-4-5-20251001",
	"claude-sonnet-4-20250514",   "claude-opus-4-5-20251101", "gpt-5-codex",
	"gpt-5",		      "gpt-5.1-codex",		  "gpt-5.1-codex-mini",
	/* Gemini CLI (and gemini-2.5-pro from OpenCode's google provider) */
	"gemini-2.5-pro", "gemini-2.5-flash", "gemini-3-pro-preview",
	/* OpenCode's modelID values */
	"claude-sonnet-4-5", "claude-opus-4-1", "gpt-5-mini", "gpt-4.1",
	/* Copilot CLI's modelMetrics names */
	"claude-sonnet-4.5", "claude-haiku-4.5",
	/* VS Code: modelId without "copilot/", or result.metadata.resolvedModel */
	"claude-sonnet-4", "gpt-4o", "gpt-4.1-2025-04-14",
};
#define NMODELS ((int)(sizeof MODELS / sizeof MODELS[0]))
enum {
	M_GPT5 = 6,
	M_GEMINI_PRO = 9,
	M_GEMINI_FLASH,
	M_GEMINI_3,
	M_OC_SONNET,
	M_OC_OPUS,
	M_GPT5_MINI,
	M_GPT41,
	M_CP_SONNET,
	M_CP_HAIKU,
	M_VS_SONNET4,
	M_GPT4O,
	M_GPT41_DATED,
};
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
static long g_records[NSRC];

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

/* the sources in mask (bit 1 << SRC_x) summed */
static void write_truth(const char *path, unsigned mask)
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
			for (int s = 0; s < NSRC; s++) {
				if (!(mask >> s & 1))
					continue;
				for (int k = 0; k < NF; k++)
					v[k] += truth_cell(s, d, m)[k];
			}
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
	bool *usage; /* the line carries usage (for the density counts) */
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
		s->usage = xrealloc(s->usage, s->cap * sizeof *s->usage);
		s->xs = xrealloc(s->xs, s->cap * sizeof *s->xs);
	}
	sb_put(&s->text, p, n);
	s->ends[s->n] = s->text.len;
	s->copyable[s->n] = copyable;
	s->usage[s->n] = g_emitting_usage;
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
	if (g_copy_share >= 0 && g_claude_usage_lines > 0 &&
	    (double)g_claude_copy_lines >= g_copy_share * (double)g_claude_usage_lines)
		n = 1; /* enough copies for --copy-share */
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
		g_emitting_usage = true;
		if (mirror != MIRROR_ONLY) {
			cl_emit(c, &g_line, true);
			count_usage(true, i > 0);
		}
		if (mirror == MIRROR_ONLY || (mirror == MIRROR_SOME && rnd_pct(0.6))) {
			cl_progress_line(&g_line2, s, &g_line, c->agent, ts[i] + rnd_range(1, 40));
			cl_emit_main(s, &g_line2, true);
			count_usage(true, i > 0 || mirror != MIRROR_ONLY);
		}
		g_emitting_usage = false;
	}
	truth_add(SRC_CLAUDE, ts[maxpos], model, u.in, u.out, u.cc5 + u.cc1, u.cr, 0);
	steer_density();

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
	count_usage(true, false);
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
		count_usage(true, true);
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
				g_emitting_usage = parent->usage[i];
				if (g_emitting_usage)
					count_usage(true, true);
				if (s.st)
					store_add(s.st, parent->text.p + off, end - off, true, NULL);
				g_emitting_usage = false;
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

/*
 * One window as Codex reports it: the same reset time for the whole window
 * and a whole-number share that climbs as the window fills, so consecutive
 * events mostly repeat the reading before (as real rollouts do).
 */
static void sb_window(sbuf *b, const xsess *s, int64_t minutes, int pace)
{
	int64_t len = minutes * 60000, start = s->t / len * len;
	int64_t used = (s->t - start) * pace / len;
	sb_puts(b, "{\"used_percent\":");
	sb_int(b, used > 100 ? 100 : used);
	sb_puts(b, ".0,\"window_minutes\":");
	sb_int(b, minutes);
	sb_puts(b, ",\"resets_at\":");
	sb_int(b, (start + len) / 1000);
	sb_putc(b, '}');
}

static void sb_rate_limits(sbuf *b, xsess *s)
{
	sb_puts(b, ",\"rate_limits\":{\"primary\":");
	sb_window(b, s, 300, 80 + s->model * 7);
	sb_puts(b, ",\"secondary\":");
	sb_window(b, s, 10080, 60 + s->project * 3);
	sb_puts(b, "}");
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
	g_emitting_usage = true;
	cx_emit(s, &g_line);
	g_emitting_usage = false;
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
	count_usage(false, false);
	truth_add(SRC_CODEX, s->t, s->model, d[0] - d[1], d[2], 0, d[1], d[3]);
	int re = rnd_pct(0.2) ? (int)rnd_range(1, 3) : 0;
	for (int i = 0; i < re; i++) {
		cx_token_count(s, d); /* unchanged totals, fresh timestamp: adds nothing */
		count_usage(false, true);
	}
	steer_density();
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
			g_emitting_usage = parent->usage[i];
			if (g_emitting_usage)
				count_usage(false, true);
			if (s.st)
				store_add(s.st, parent->text.p + off, parent->ends[i] - off, true, &parent->xs[i]);
			g_emitting_usage = false;
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

/* =====================================================================
 * Shared by the sources below
 * ===================================================================== */

/* the options the sources below read */
static bool g_gemini_rewind = true; /* --no-gemini-rewind: leave that trap out */

/* A stable 64-bit hash of a string (FNV-1a), for names derived from paths. */
static uint64_t fnv(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* n hex digits derived from a string, the same every run */
static void hash_hex(char *out, int n, const char *s)
{
	uint64_t h = fnv(s);
	for (int i = 0; i < n; i++) {
		if (i % 16 == 0)
			h = splitmix(&h);
		out[i] = HEX[(h >> (4 * (i % 16))) & 15];
	}
	out[n] = 0;
}

/* the last path element with every non-alphanumeric turned into '-', lower case */
static void slug_of(char out[64], const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t k = 0;
	for (const char *p = base; *p && k < 63; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		out[k++] = ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) ? c : '-';
	}
	out[k] = 0;
}

/* a small whole file */
static void write_small(const char *path, int src, const char *text)
{
	writer w;
	w_open(&w, path, src);
	w_put(&w, text, strlen(text));
	w_close(&w);
}

/* a session may run on, but its records stay inside the planned days */
static bool sess_open(int64_t t, int64_t t0)
{
	return t < g_range_end + DAY_MS && t - t0 < 30 * 3600000LL;
}

static int64_t day_end(int64_t t)
{
	return (floor_div(t, DAY_MS) + 1) * DAY_MS;
}

/* =====================================================================
 * Gemini CLI
 *
 * ~/.gemini/tmp/<project>/chats/, where <project> is a readable slug with
 * a .project_root naming the folder (newer CLIs) or a 64-hex hash (older
 * ones). Counted per message id, on the day of the message's own
 * timestamp: inputTokens = input - cached + tool (input includes cached,
 * the tool-use prompt is billed as input), cacheReadTokens = cached,
 * outputTokens = output + thoughts, reasoningTokens = thoughts. Traps:
 *  - JSONL sessions: a header line, then every update of a response
 *    re-appends the whole message under its id: tokens null first, then
 *    grown partial counts, then the final ones. The last copy counts, once.
 *  - a response cancelled before its tokens came (null for good, then an
 *    error message): nothing.
 *  - {"$set":{"lastUpdated":...}} lines, and {"$set":{"messages":[...]}}
 *    checkpoints repeating the messages still in the conversation (same
 *    ids, same tokens): nothing more.
 *  - {"$rewindTo":"<user message id>"}: that user message and everything
 *    after it leave the conversation, but the responses it drops were sent
 *    and billed, so they still count (aiusage's rule, as for Claude Code's
 *    rewinds and VS Code's undone requests; ccusage counts them too).
 *    (--no-gemini-rewind leaves this trap out.)
 *  - info messages, and a user message's line cut short by a crash: nothing.
 *  - subagent chats, chats/<parent session id>/<id>.jsonl with a header of
 *    kind "subagent" and its directories: counted like the rest.
 *  - legacy session-*.json documents (pretty-printed, rewritten whole),
 *    some ending with a cancelled response whose tokens are null; some were
 *    resumed, so a migrated .jsonl beside them repeats every message (same
 *    ids and tokens) and goes on: each response counts once.
 *  - a half-written session-*.jsonl.tmp-<pid> holding a response of its
 *    own: a temporary the CLI renames or drops, never read: nothing.
 * ===================================================================== */

typedef struct gtok {
	int64_t in, out, cached, thoughts, tool;
} gtok;

typedef struct gmsg {
	char id[37];
	bool user;
	bool counted; /* a response with its final tokens */
	bool alive;   /* still in the conversation (not rewound) */
	int model;
	int64_t ts;
	gtok tk;
	size_t off, len; /* its final rendering in gsess.text */
} gmsg;

typedef struct gsess {
	char sid[37];
	const char *cwd;
	char hash[65]; /* projectHash */
	char dir[4400]; /* .../chats */
	int model;
	bool sub;	 /* a subagent's chat: no rewinds, no subagents of its own */
	int64_t t, t0;
	writer *w;	 /* NULL while collecting a legacy document */
	size_t floor;	 /* rewinds never reach below this message (the legacy part) */
	gmsg *m;
	size_t n, cap;
	sbuf text;
} gsess;

static sbuf g_body;

static gmsg *gm_add(gsess *s)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->m = xrealloc(s->m, s->cap * sizeof *s->m);
	}
	gmsg *m = &s->m[s->n++];
	memset(m, 0, sizeof *m);
	m->alive = true;
	gen_uuid(m->id);
	return m;
}

/* keeps a message's final rendering, for checkpoints and legacy documents */
static void gm_keep(gsess *s, gmsg *m, const sbuf *l)
{
	m->off = s->text.len;
	m->len = l->len;
	sb_put(&s->text, l->p, l->len);
}

static void gm_emit(gsess *s, const sbuf *l)
{
	if (s->w)
		w_line(s->w, l->p, l->len);
}

static void gm_header(gsess *s, const char *kind)
{
	g_line.len = 0;
	sb_puts(&g_line, "{\"sessionId\":\"");
	sb_puts(&g_line, s->sid);
	sb_putc(&g_line, '"');
	sb_kv(&g_line, "projectHash", s->hash);
	sb_ts(&g_line, "startTime", s->t);
	sb_ts(&g_line, "lastUpdated", s->t);
	sb_kv(&g_line, "kind", kind);
	if (s->sub || rnd_pct(0.3)) {
		sb_puts(&g_line, ",\"directories\":[\"");
		sb_puts(&g_line, s->cwd);
		sb_puts(&g_line, "\"]");
	}
	sb_putc(&g_line, '}');
	w_line(s->w, g_line.p, g_line.len);
}

static gtok gm_sample(void)
{
	gtok t;
	t.in = rnd_log(2000, 400000);
	t.cached = rnd_pct(0.35) ? 0 : (int64_t)(rnd_unit() * 0.9 * (double)t.in);
	t.out = rnd_log(5, 6000);
	t.thoughts = rnd_pct(0.5) ? 0 : rnd_log(10, 4000);
	t.tool = rnd_pct(0.8) ? 0 : rnd_log(10, 3000);
	return t;
}

static void sb_gtok(sbuf *b, const gtok *t)
{
	if (!t) {
		sb_puts(b, ",\"tokens\":null");
		return;
	}
	sb_puts(b, ",\"tokens\":{\"input\":");
	sb_int(b, t->in);
	sb_ki(b, "output", t->out);
	sb_ki(b, "cached", t->cached);
	sb_ki(b, "thoughts", t->thoughts);
	sb_ki(b, "tool", t->tool);
	sb_ki(b, "total", t->in + t->out + t->thoughts + t->tool);
	sb_putc(b, '}');
}

static void gm_user(gsess *s)
{
	gmsg *m = gm_add(s);
	m->user = true;
	s->t += rnd_range(2000, 180000);
	m->ts = s->t;
	g_line.len = 0;
	sb_puts(&g_line, "{\"id\":\"");
	sb_puts(&g_line, m->id);
	sb_putc(&g_line, '"');
	sb_ts(&g_line, "timestamp", m->ts);
	sb_puts(&g_line, ",\"type\":\"user\",\"content\":[{\"text\":\"");
	sb_text(&g_line, (size_t)rnd_log(10, g_payload_max / 8));
	sb_puts(&g_line, "\"}]}");
	gm_keep(s, m, &g_line);
	if (s->w && !s->sub && rnd_pct(0.01)) {
		/* cut short by a crash: never counted, never a message */
		g_line.len = (size_t)rnd_range((int64_t)g_line.len / 3, (int64_t)g_line.len - 2);
		m->alive = false;
	}
	gm_emit(s, &g_line);
	if (s->w && rnd_pct(0.4)) {
		g_line.len = 0;
		sb_puts(&g_line, "{\"$set\":{\"lastUpdated\":\"");
		char ts[TS_LEN];
		fmt_ts(ts, s->t);
		sb_puts(&g_line, ts);
		sb_puts(&g_line, "\"}}");
		gm_emit(s, &g_line);
	}
}

/* a message without tokens: info / error */
static void gm_note(gsess *s, const char *type, const char *text)
{
	gmsg *m = gm_add(s);
	s->t += rnd_range(10, 3000);
	m->ts = s->t;
	g_line.len = 0;
	sb_puts(&g_line, "{\"id\":\"");
	sb_puts(&g_line, m->id);
	sb_putc(&g_line, '"');
	sb_ts(&g_line, "timestamp", m->ts);
	sb_kv(&g_line, "type", type);
	sb_kv(&g_line, "content", text);
	sb_putc(&g_line, '}');
	gm_keep(s, m, &g_line);
	gm_emit(s, &g_line);
}

/* One response: its body (everything but tokens) once, then its copies. */
static void gm_response(gsess *s)
{
	if (rnd_pct(0.05))
		s->model = M_GEMINI_PRO + (int)(rnd() % 3);
	gmsg *m = gm_add(s);
	s->t += rnd_range(1000, 40000);
	m->ts = s->t;
	m->model = s->model;
	m->tk = gm_sample();

	sbuf *b = &g_body;
	b->len = 0;
	sb_puts(b, "{\"id\":\"");
	sb_puts(b, m->id);
	sb_putc(b, '"');
	sb_ts(b, "timestamp", m->ts);
	sb_puts(b, ",\"type\":\"gemini\",\"content\":");
	bool tool = rnd_pct(0.6);
	if (tool) {
		sb_puts(b, "\"\"");
	} else {
		sb_puts(b, "[{\"text\":\"");
		sb_text(b, (size_t)rnd_log(20, 4000));
		sb_puts(b, "\"}]");
	}
	if (m->tk.thoughts) {
		sb_puts(b, ",\"thoughts\":[{\"subject\":\"");
		sb_text(b, (size_t)rnd_range(5, 40));
		sb_puts(b, "\",\"description\":\"");
		sb_text(b, (size_t)rnd_log(20, 1500));
		sb_puts(b, "\"");
		sb_ts(b, "timestamp", m->ts - rnd_range(100, 900));
		sb_puts(b, "}]");
	} else {
		sb_puts(b, ",\"thoughts\":[]");
	}
	if (tool) {
		char cid[40];
		gen_b62(cid, "run_shell_command-", 10);
		sb_puts(b, ",\"toolCalls\":[{\"id\":\"");
		sb_puts(b, cid);
		sb_puts(b, "\",\"name\":\"run_shell_command\",\"args\":{\"command\":\"");
		sb_puts(b, SHELL_CMDS[rnd() % (sizeof SHELL_CMDS / sizeof SHELL_CMDS[0])]);
		sb_puts(b, "\"},\"status\":\"success\"");
		sb_ts(b, "timestamp", m->ts);
		sb_puts(b, ",\"result\":[{\"functionResponse\":{\"id\":\"");
		sb_puts(b, cid);
		sb_puts(b, "\",\"name\":\"run_shell_command\",\"response\":{\"output\":\"");
		sb_text(b, (size_t)rnd_log(100, g_payload_max / 2));
		sb_puts(b, "\"}}}]}]");
	}
	sb_kv(b, "model", MODELS[m->model]);

	double r = rnd_unit();
	if (r < 0.05) {
		/* cancelled: tokens never come */
		g_line.len = 0;
		sb_put(&g_line, b->p, b->len);
		sb_gtok(&g_line, NULL);
		sb_putc(&g_line, '}');
		gm_keep(s, m, &g_line);
		gm_emit(s, &g_line);
		gm_note(s, "error", "Request cancelled.");
		return;
	}
	if (s->w && r < 0.6) {
		/* tokens null while the tools run */
		g_line.len = 0;
		sb_put(&g_line, b->p, b->len);
		sb_gtok(&g_line, NULL);
		sb_putc(&g_line, '}');
		gm_emit(s, &g_line);
		if (!s->sub && rnd_pct(0.3)) {
			g_line.len = 0;
			sb_puts(&g_line, "{\"$set\":{\"lastUpdated\":\"");
			char ts[TS_LEN];
			fmt_ts(ts, m->ts + 10);
			sb_puts(&g_line, ts);
			sb_puts(&g_line, "\"}}");
			gm_emit(s, &g_line);
		}
	}
	if (s->w && r > 0.35 && m->tk.out > 2) {
		/* grown counts, not the final ones yet */
		gtok p = m->tk;
		p.out = rnd_range(1, m->tk.out - 1);
		p.thoughts = rnd_range(0, m->tk.thoughts);
		g_line.len = 0;
		sb_put(&g_line, b->p, b->len);
		sb_gtok(&g_line, &p);
		sb_putc(&g_line, '}');
		gm_emit(s, &g_line);
	}
	g_line.len = 0;
	sb_put(&g_line, b->p, b->len);
	sb_gtok(&g_line, &m->tk);
	sb_putc(&g_line, '}');
	gm_keep(s, m, &g_line);
	gm_emit(s, &g_line);
	m->counted = true;
	s->t += rnd_range(100, 20000);
}

static void gm_finish(gsess *s)
{
	for (size_t i = 0; i < s->n; i++) {
		const gmsg *m = &s->m[i];
		if (!m->counted)
			continue; /* rewound responses too: they were billed */
		int64_t cached = m->tk.cached < m->tk.in ? m->tk.cached : m->tk.in;
		truth_add(SRC_GEMINI, m->ts, m->model, m->tk.in - cached + m->tk.tool, m->tk.out + m->tk.thoughts, 0,
			  m->tk.cached, m->tk.thoughts);
	}
	free(s->m);
	free(s->text.p);
}

/* {"$rewindTo": a recent user message}: it and all after it leave the
 * conversation (later checkpoints omit them); their tokens still count */
static void gm_rewind(gsess *s)
{
	size_t cand[3];
	int nc = 0;
	for (size_t i = s->n; i-- > s->floor && nc < 3;)
		if (s->m[i].user && s->m[i].alive)
			cand[nc++] = i;
	if (nc < 1)
		return;
	size_t k = cand[rnd() % (uint64_t)nc];
	g_line.len = 0;
	sb_puts(&g_line, "{\"$rewindTo\":\"");
	sb_puts(&g_line, s->m[k].id);
	sb_puts(&g_line, "\"}");
	gm_emit(s, &g_line);
	for (size_t i = k; i < s->n; i++)
		s->m[i].alive = false;
}

/* {"$set":{"messages":[...]}}: the conversation as it stands */
static void gm_checkpoint(gsess *s)
{
	if (s->text.len > 512 * KIB)
		return;
	sbuf *b = &g_body;
	b->len = 0;
	sb_puts(b, "{\"$set\":{\"messages\":[");
	bool first = true;
	for (size_t i = 0; i < s->n; i++) {
		const gmsg *m = &s->m[i];
		if (!m->alive)
			continue;
		if (!first)
			sb_putc(b, ',');
		first = false;
		sb_put(b, s->text.p + m->off, m->len);
	}
	sb_puts(b, "]}}");
	gm_emit(s, b);
}

static void gemini_subagent(gsess *parent);

static void gm_turn(gsess *s)
{
	gm_user(s);
	int steps = (int)rnd_range(1, s->sub ? 3 : 6);
	for (int i = 0; i < steps; i++)
		gm_response(s);
	if (rnd_pct(0.03))
		gm_note(s, "info", "Switched to fallback model.");
	if (s->w && !s->sub) {
		if (rnd_pct(0.06)) {
			gemini_subagent(s);
			s->floor = s->n; /* a rewind never takes back a turn that ran a subagent */
		}
		if (g_gemini_rewind && rnd_pct(0.06))
			gm_rewind(s);
		if (rnd_pct(0.04))
			gm_checkpoint(s);
	}
}

static void gemini_paths(gsess *s, int project)
{
	char slug[64], hex[65];
	s->cwd = PROJECTS[project];
	hash_hex(s->hash, 64, s->cwd);
	char pdir[4300];
	if (project % 2 == 0) {
		/* newer CLIs: a readable slug, the folder in .project_root */
		slug_of(slug, s->cwd);
		snprintf(pdir, sizeof pdir, "%s/.gemini/tmp/%s", g_home, slug);
		static bool marked[NPROJECTS];
		if (!marked[project]) {
			char path[4400], text[300];
			snprintf(path, sizeof path, "%s/.project_root", pdir);
			snprintf(text, sizeof text, "%s\n", s->cwd);
			write_small(path, SRC_GEMINI, text);
			marked[project] = true;
		}
	} else {
		memcpy(hex, s->hash, sizeof hex);
		snprintf(pdir, sizeof pdir, "%s/.gemini/tmp/%s", g_home, hex);
	}
	snprintf(s->dir, sizeof s->dir, "%s/chats", pdir);
}

/* session-<YYYY-MM-DDTHH-MM>-<first 8 of the id>, without the extension */
static void gemini_stem(char *out, size_t cap, const gsess *s)
{
	char ts[TS_LEN];
	fmt_ts(ts, s->t);
	snprintf(out, cap, "%s/session-%.10sT%.2s-%.2s-%.8s", s->dir, ts, ts + 11, ts + 14, s->sid);
}

static void gemini_subagent(gsess *parent)
{
	gsess s;
	memset(&s, 0, sizeof s);
	gen_uuid(s.sid);
	s.cwd = parent->cwd;
	memcpy(s.hash, parent->hash, sizeof s.hash);
	memcpy(s.dir, parent->dir, sizeof s.dir);
	s.model = rnd_pct(0.7) ? M_GEMINI_FLASH : parent->model;
	s.sub = true;
	s.t = s.t0 = parent->t + rnd_range(100, 2000);
	writer w;
	s.w = &w;
	char path[4600];
	snprintf(path, sizeof path, "%s/%s/%s.jsonl", s.dir, parent->sid, s.sid);
	w_open(&w, path, SRC_GEMINI);
	gm_header(&s, "subagent");
	int turns = (int)rnd_range(1, 3);
	for (int i = 0; i < turns; i++)
		gm_turn(&s);
	w_close(&w);
	parent->t = s.t + rnd_range(100, 2000);
	gm_finish(&s);
}

static void gemini_session(uint64_t target)
{
	gsess s;
	memset(&s, 0, sizeof s);
	gen_uuid(s.sid);
	gemini_paths(&s, (int)(rnd() % NPROJECTS));
	s.model = rnd_pct(0.6) ? M_GEMINI_PRO : rnd_pct(0.6) ? M_GEMINI_FLASH : M_GEMINI_3;
	s.t = s.t0 = pick_start();
	char stem[4500], path[4600];
	gemini_stem(stem, sizeof stem, &s);
	writer w;
	uint64_t start = g_bytes_src[SRC_GEMINI];
	double kind = rnd_unit();

	if (kind < 0.18) {
		/* a legacy document, rewritten whole: collect, then write it */
		while (s.text.len < target / 2 && sess_open(s.t, s.t0))
			gm_turn(&s);
		if (rnd_pct(0.4)) {
			gm_response(&s);
			/* the last response cancelled: its tokens stay null in the document */
			gmsg *m = &s.m[s.n - 1];
			if (m->counted) {
				m->counted = false;
				g_line.len = 0;
				sb_put(&g_line, s.text.p + m->off, m->len);
				char *tk = strstr(g_line.p, ",\"tokens\":{");
				if (!tk)
					die("internal: a response without tokens");
				g_line.len = (size_t)(tk - g_line.p);
				sb_gtok(&g_line, NULL);
				sb_putc(&g_line, '}');
				gm_keep(&s, m, &g_line);
				gm_note(&s, "error", "Request cancelled.");
			}
		}
		snprintf(path, sizeof path, "%s.json", stem);
		w_open(&w, path, SRC_GEMINI);
		g_line.len = 0;
		sb_puts(&g_line, "{\n  \"sessionId\": \"");
		sb_puts(&g_line, s.sid);
		sb_puts(&g_line, "\",\n  \"projectHash\": \"");
		sb_puts(&g_line, s.hash);
		sb_puts(&g_line, "\",\n  \"startTime\": \"");
		char ts[TS_LEN];
		fmt_ts(ts, s.t0);
		sb_puts(&g_line, ts);
		sb_puts(&g_line, "\",\n  \"lastUpdated\": \"");
		fmt_ts(ts, s.t);
		sb_puts(&g_line, ts);
		sb_puts(&g_line, "\",\n  \"messages\": [");
		w_put(&w, g_line.p, g_line.len);
		for (size_t i = 0; i < s.n; i++) {
			w_put(&w, i ? ",\n    " : "\n    ", i ? 6 : 5);
			w_put(&w, s.text.p + s.m[i].off, s.m[i].len);
		}
		w_put(&w, "\n  ]\n}\n", 7);
		w_close(&w);
		if (rnd_pct(0.35)) {
			/* resumed by a newer CLI: migrated to a .jsonl copy beside it, which goes on */
			snprintf(path, sizeof path, "%s.jsonl", stem);
			w_open(&w, path, SRC_GEMINI);
			s.w = &w;
			int64_t t = s.t;
			s.t = s.t0;
			gm_header(&s, "main");
			s.t = t + rnd_range(600000, 8 * 3600000LL);
			for (size_t i = 0; i < s.n; i++)
				w_line(&w, s.text.p + s.m[i].off, s.m[i].len);
			s.floor = s.n;
			while (w.written < target / 2 && sess_open(s.t, s.t0))
				gm_turn(&s);
			w_close(&w);
		}
		gm_finish(&s);
		return;
	}

	snprintf(path, sizeof path, "%s.jsonl", stem);
	w_open(&w, path, SRC_GEMINI);
	s.w = &w;
	gm_header(&s, "main");
	while (g_bytes_src[SRC_GEMINI] - start < target && sess_open(s.t, s.t0))
		gm_turn(&s);
	w_close(&w);
	if (rnd_pct(0.04)) {
		/* a half-written temporary beside it: never read */
		snprintf(path, sizeof path, "%s.jsonl.tmp-%d", stem, (int)rnd_range(1000, 99999));
		w_open(&w, path, SRC_GEMINI);
		gsess tmp = s;
		tmp.m = NULL;
		tmp.n = tmp.cap = 0;
		memset(&tmp.text, 0, sizeof tmp.text);
		tmp.w = &w;
		gm_header(&tmp, "main");
		gm_user(&tmp);
		gm_response(&tmp);
		w_close(&w);
		free(tmp.m);
		free(tmp.text.p);
	}
	gm_finish(&s);
}

/* =====================================================================
 * OpenCode
 *
 * ~/.local/share/opencode/opencode.db (the session and message tables of
 * OpenCode >= 1.2, as tests/unit/test_opencode.c has them, plus part), and
 * storage/message/<session>/<message>.json from before 1.2. Counted per
 * message id, on the day of data.time.created: inputTokens = tokens.input
 * (OpenCode already takes cached input out), cacheReadTokens =
 * tokens.cache.read, cacheCreationTokens = tokens.cache.write,
 * reasoningTokens = tokens.reasoning. Traps:
 *  - reasoning: anthropic and github-copilot report none; openai's is
 *    inside output and its total is input + cache + output, so
 *    outputTokens = output; google's is beside output and its total covers
 *    both, so outputTokens = output + reasoning. Only anthropic rows (no
 *    reasoning) leave the total out.
 *  - user rows (some saying "assistant" in their text) and part rows, whose
 *    step-finish parts repeat their message's tokens and cost: nothing.
 *  - an assistant row written when its step started (zero tokens, no
 *    time.completed) and never filled, one that failed (zero tokens, an
 *    error): nothing.
 *  - time.created with a fraction of a millisecond, some just before
 *    midnight UTC: the day of its whole milliseconds.
 *  - legacy JSON files the migration left behind duplicate some sessions'
 *    rows (same ids, same tokens): counted once; a few sessions exist only
 *    as legacy files: counted.
 *  - cost: OpenCode's own price (0 for github-copilot), never a token count.
 * ===================================================================== */

typedef struct ocprov {
	const char *provider;
	int model;
	int kind; /* OC_NONE: no reasoning; OC_INSIDE: inside output; OC_BESIDE: beside it */
} ocprov;

enum { OC_NONE, OC_INSIDE, OC_BESIDE };

static const ocprov OC_MODELS[] = {
	{"anthropic", M_OC_SONNET, OC_NONE}, {"anthropic", M_OC_OPUS, OC_NONE},  {"openai", M_GPT5, OC_INSIDE},
	{"openai", M_GPT5_MINI, OC_INSIDE},  {"google", M_GEMINI_PRO, OC_BESIDE}, {"github-copilot", M_GPT41, OC_NONE},
};
#define NOC_MODELS ((int)(sizeof OC_MODELS / sizeof OC_MODELS[0]))

static sqlite3 *g_oc;
static sqlite3_stmt *g_oc_sess, *g_oc_msg, *g_oc_part;

static void oc_check(int rc, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		die("opencode.db: %s: %s", what, g_oc ? sqlite3_errmsg(g_oc) : sqlite3_errstr(rc));
}

static void oc_exec(const char *sql)
{
	oc_check(sqlite3_exec(g_oc, sql, NULL, NULL, NULL), sql);
}

static void oc_open(void)
{
	char dir[4200], path[4300];
	snprintf(dir, sizeof dir, "%s/.local/share/opencode", g_home);
	mkdir_p(dir);
	snprintf(path, sizeof path, "%s/opencode.db", dir);
	unlink(path);
	oc_check(sqlite3_open(path, &g_oc), path);
	g_files++;
	/* OpenCode keeps it in WAL mode */
	oc_exec("PRAGMA journal_mode=WAL");
	oc_exec("CREATE TABLE `session` (`id` text PRIMARY KEY, `project_id` text NOT NULL, `parent_id` text,"
		" `slug` text NOT NULL, `directory` text NOT NULL, `title` text NOT NULL, `version` text NOT NULL,"
		" `time_created` integer NOT NULL, `time_updated` integer NOT NULL);"
		"CREATE TABLE `message` (`id` text PRIMARY KEY, `session_id` text NOT NULL,"
		" `time_created` integer NOT NULL, `time_updated` integer NOT NULL, `data` text NOT NULL,"
		" FOREIGN KEY (`session_id`) REFERENCES `session`(`id`) ON DELETE cascade);"
		"CREATE INDEX `message_session_idx` ON `message` (`session_id`);"
		"CREATE TABLE `part` (`id` text PRIMARY KEY, `message_id` text NOT NULL, `session_id` text NOT NULL,"
		" `time_created` integer NOT NULL, `time_updated` integer NOT NULL, `data` text NOT NULL,"
		" FOREIGN KEY (`message_id`) REFERENCES `message`(`id`) ON DELETE cascade);"
		"CREATE INDEX `part_message_idx` ON `part` (`message_id`);"
		"BEGIN");
	oc_check(sqlite3_prepare_v2(g_oc, "INSERT INTO session VALUES(?1, ?2, NULL, ?3, ?4, ?5, ?6, ?7, ?8)", -1,
				    &g_oc_sess, NULL),
		 "prepare");
	oc_check(sqlite3_prepare_v2(g_oc, "INSERT INTO message VALUES(?1, ?2, ?3, ?4, ?5)", -1, &g_oc_msg, NULL),
		 "prepare");
	oc_check(sqlite3_prepare_v2(g_oc, "INSERT INTO part VALUES(?1, ?2, ?3, ?4, ?5, ?6)", -1, &g_oc_part, NULL),
		 "prepare");
}

static void oc_close(void)
{
	if (!g_oc)
		return;
	oc_exec("COMMIT");
	sqlite3_finalize(g_oc_sess);
	sqlite3_finalize(g_oc_msg);
	sqlite3_finalize(g_oc_part);
	oc_check(sqlite3_close(g_oc), "close");
	g_oc = NULL;
}

static void oc_count(size_t n)
{
	g_bytes += n;
	g_bytes_src[SRC_OPENCODE] += n;
}

static void oc_step(sqlite3_stmt *st)
{
	oc_check(sqlite3_step(st), "insert");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

typedef struct ocsess {
	char id[40];
	char project_id[48];
	const char *cwd;
	int prov;
	bool in_db;
	bool legacy; /* its messages also (or only) as legacy files */
	int64_t t, t0;
	uint64_t bytes;
} ocsess;

/* one message: a row (id, session; data without them) and/or a legacy file (data with them) */
static void oc_message(ocsess *s, const char *id, int64_t created, int64_t updated, const sbuf *data)
{
	if (s->in_db) {
		sqlite3_bind_text(g_oc_msg, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(g_oc_msg, 2, s->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(g_oc_msg, 3, created);
		sqlite3_bind_int64(g_oc_msg, 4, updated);
		sqlite3_bind_text(g_oc_msg, 5, data->p, (int)data->len, SQLITE_STATIC);
		oc_step(g_oc_msg);
		oc_count(data->len + 80);
		s->bytes += data->len + 80;
	}
	if (s->legacy) {
		char path[4600];
		snprintf(path, sizeof path, "%s/.local/share/opencode/storage/message/%s/%s.json", g_home, s->id, id);
		g_line2.len = 0;
		sb_puts(&g_line2, "{\n  \"id\": \"");
		sb_puts(&g_line2, id);
		sb_puts(&g_line2, "\",\n  \"sessionID\": \"");
		sb_puts(&g_line2, s->id);
		sb_puts(&g_line2, "\",\n  ");
		sb_put(&g_line2, data->p + 1, data->len - 1); /* the rest of the object */
		sb_putc(&g_line2, '\n');
		writer w;
		w_open(&w, path, SRC_OPENCODE);
		w_put(&w, g_line2.p, g_line2.len);
		w_close(&w);
		s->bytes += g_line2.len;
	}
}

static void oc_part(ocsess *s, const char *msg, int64_t t, const sbuf *data)
{
	if (!s->in_db)
		return;
	char id[40];
	gen_b62(id, "prt_", 26);
	sqlite3_bind_text(g_oc_part, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(g_oc_part, 2, msg, -1, SQLITE_STATIC);
	sqlite3_bind_text(g_oc_part, 3, s->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(g_oc_part, 4, t);
	sqlite3_bind_int64(g_oc_part, 5, t);
	sqlite3_bind_text(g_oc_part, 6, data->p, (int)data->len, SQLITE_STATIC);
	oc_step(g_oc_part);
	oc_count(data->len + 100);
	s->bytes += data->len + 100;
}

/* ms with an optional fraction, as JavaScript writes it */
static void sb_ms(sbuf *b, int64_t ms, int frac)
{
	sb_int(b, ms);
	if (frac > 0) {
		char tmp[8];
		snprintf(tmp, sizeof tmp, ".%03d", frac);
		sb_puts(b, tmp);
	}
}

static void oc_user(ocsess *s, char msgid[40])
{
	const ocprov *p = &OC_MODELS[s->prov];
	gen_b62(msgid, "msg_", 26);
	s->t += rnd_range(2000, 180000);
	g_line.len = 0;
	sb_puts(&g_line, "{\"role\":\"user\",\"time\":{\"created\":");
	sb_int(&g_line, s->t);
	sb_puts(&g_line, "},\"summary\":{\"title\":\"");
	sb_text(&g_line, (size_t)rnd_range(10, 60));
	sb_puts(&g_line, rnd_pct(0.2) ? " ask the assistant" : "");
	sb_puts(&g_line, "\",\"diffs\":[]},\"agent\":\"build\",\"model\":{\"providerID\":\"");
	sb_puts(&g_line, p->provider);
	sb_puts(&g_line, "\",\"modelID\":\"");
	sb_puts(&g_line, MODELS[p->model]);
	sb_puts(&g_line, "\"}}");
	oc_message(s, msgid, s->t, s->t, &g_line);
	g_line.len = 0;
	sb_puts(&g_line, "{\"type\":\"text\",\"text\":\"");
	sb_text(&g_line, (size_t)rnd_log(10, g_payload_max / 4));
	sb_puts(&g_line, "\"}");
	oc_part(s, msgid, s->t, &g_line);
}

static void sb_octok(sbuf *b, bool total, int64_t in, int64_t out, int64_t rs_, int64_t cr, int64_t cw, int64_t tot)
{
	sb_puts(b, "\"tokens\":{");
	if (total) {
		sb_puts(b, "\"total\":");
		sb_int(b, tot);
		sb_putc(b, ',');
	}
	sb_puts(b, "\"input\":");
	sb_int(b, in);
	sb_ki(b, "output", out);
	sb_ki(b, "reasoning", rs_);
	sb_puts(b, ",\"cache\":{\"read\":");
	sb_int(b, cr);
	sb_ki(b, "write", cw);
	sb_puts(b, "}}");
}

static void sb_cost(sbuf *b, double usd)
{
	char tmp[40];
	snprintf(tmp, sizeof tmp, "%.9g", usd);
	sb_puts(b, tmp);
}

static void oc_assistant(ocsess *s, const char *parent)
{
	if (rnd_pct(0.05))
		s->prov = (int)(rnd() % NOC_MODELS);
	const ocprov *p = &OC_MODELS[s->prov];
	char id[40];
	gen_b62(id, "msg_", 26);
	s->t += rnd_range(500, 20000);
	int frac = 0;
	if (rnd_pct(0.04) && day_end(s->t) - 1 > s->t && day_end(s->t) - 1 - s->t < 6 * 3600000LL) {
		/* just before midnight, with a fraction: still the earlier day */
		s->t = day_end(s->t) - 1;
		frac = (int)rnd_range(500, 999);
	} else if (rnd_pct(0.12)) {
		frac = (int)rnd_range(1, 999);
	}
	int64_t created = s->t;
	s->t += rnd_range(1000, 90000);
	int64_t completed = s->t;

	int64_t in = 0, out = 0, rs_ = 0, cr = 0, cw = 0;
	double r = rnd_unit();
	int state = r < 0.025 ? 1 : r < 0.04 ? 2 : 0; /* 1 never finished, 2 failed */
	if (state == 0) {
		switch (p->kind) {
		case OC_NONE:
			if (!strcmp(p->provider, "anthropic")) {
				in = rnd_pct(0.7) ? rnd_range(1, 30) : rnd_log(100, 9000);
				cr = rnd_pct(0.15) ? 0 : rnd_log(2000, 150000);
				cw = rnd_pct(0.3) ? 0 : rnd_log(80, 20000);
				out = rnd_log(10, 6000);
			} else {
				in = rnd_log(200, 50000);
				out = rnd_log(10, 3000);
			}
			break;
		case OC_INSIDE:
			in = rnd_log(500, 60000);
			cr = rnd_pct(0.3) ? 0 : rnd_log(1000, 100000);
			out = rnd_log(20, 8000);
			rs_ = rnd_pct(0.3) ? 0 : rnd_range(0, out);
			break;
		default:
			in = rnd_log(500, 100000);
			cr = rnd_pct(0.5) ? 0 : rnd_log(1000, 100000);
			out = rnd_log(5, 4000);
			rs_ = rnd_pct(0.3) ? 0 : rnd_log(10, 6000);
			break;
		}
	}
	/* the total: what decides whether reasoning was inside output */
	bool has_total = p->kind != OC_NONE || strcmp(p->provider, "anthropic") != 0 || rnd_pct(0.8);
	int64_t total = in + cr + cw + out + (p->kind == OC_BESIDE ? rs_ : 0);
	double cost = !strcmp(p->provider, "github-copilot")
			      ? 0
			      : ((double)in * 3 + (double)(out + rs_) * 15 + (double)cr * 0.3 + (double)cw * 3.75) / 1e6;

	g_line.len = 0;
	sb_puts(&g_line, "{\"role\":\"assistant\",\"time\":{\"created\":");
	sb_ms(&g_line, created, frac);
	if (state != 1) {
		sb_ki(&g_line, "completed", completed);
	}
	sb_puts(&g_line, "}");
	if (state == 2)
		sb_puts(&g_line, ",\"error\":{\"name\":\"APIError\",\"data\":{\"message\":\"Overloaded\","
				 "\"statusCode\":529,\"isRetryable\":true}}");
	sb_kv(&g_line, "parentID", parent);
	sb_kv(&g_line, "modelID", MODELS[p->model]);
	sb_kv(&g_line, "providerID", p->provider);
	sb_puts(&g_line, ",\"mode\":\"build\",\"agent\":\"build\",\"path\":{\"cwd\":\"");
	sb_puts(&g_line, s->cwd);
	sb_puts(&g_line, "\",\"root\":\"");
	sb_puts(&g_line, s->cwd);
	sb_puts(&g_line, "\"},\"cost\":");
	sb_cost(&g_line, state ? 0 : cost);
	sb_putc(&g_line, ',');
	sb_octok(&g_line, has_total && state == 0, in, out, rs_, cr, cw, total);
	if (state == 0)
		sb_puts(&g_line, rnd_pct(0.6) ? ",\"finish\":\"tool-calls\"" : ",\"finish\":\"stop\"");
	sb_putc(&g_line, '}');
	oc_message(s, id, created, state == 1 ? created : completed, &g_line);

	/* the parts: the text, a tool run, and the step's own copy of the tokens */
	g_line.len = 0;
	sb_puts(&g_line, "{\"type\":\"step-start\"}");
	oc_part(s, id, created, &g_line);
	g_line.len = 0;
	if (rnd_pct(0.5)) {
		sb_puts(&g_line, "{\"type\":\"tool\",\"callID\":\"toolu_01\",\"tool\":\"bash\",\"state\":{\"status\":"
				 "\"completed\",\"input\":{\"command\":\"");
		sb_puts(&g_line, SHELL_CMDS[rnd() % (sizeof SHELL_CMDS / sizeof SHELL_CMDS[0])]);
		sb_puts(&g_line, "\"},\"output\":\"");
		sb_text(&g_line, (size_t)rnd_log(100, g_payload_max / 2));
		sb_puts(&g_line, "\"}}");
	} else {
		sb_puts(&g_line, "{\"type\":\"text\",\"text\":\"");
		sb_text(&g_line, (size_t)rnd_log(20, 4000));
		sb_puts(&g_line, "\"}");
	}
	oc_part(s, id, created, &g_line);
	if (state == 0) {
		g_line.len = 0;
		sb_puts(&g_line, "{\"type\":\"step-finish\",\"reason\":\"stop\",\"cost\":");
		sb_cost(&g_line, cost);
		sb_putc(&g_line, ',');
		sb_octok(&g_line, true, in, out, rs_, cr, cw, total);
		sb_putc(&g_line, '}');
		oc_part(s, id, completed, &g_line);
		truth_add(SRC_OPENCODE, created, p->model, in, out + (p->kind == OC_BESIDE ? rs_ : 0), cw, cr, rs_);
	}
}

static const char *const OC_SLUGS[] = {"calm-river", "brave-falcon", "quiet-meadow", "swift-otter", "bold-pine"};

static void opencode_session(uint64_t target)
{
	if (!g_oc)
		oc_open();
	ocsess s;
	memset(&s, 0, sizeof s);
	gen_b62(s.id, "ses_", 26);
	int project = (int)(rnd() % NPROJECTS);
	s.cwd = PROJECTS[project];
	hash_hex(s.project_id, 40, s.cwd);
	s.prov = (int)(rnd() % NOC_MODELS);
	double r = rnd_unit();
	s.in_db = r >= 0.04;  /* else: only legacy files, the migration never carried it over */
	s.legacy = r < 0.22; /* legacy files, most of them duplicating the rows */
	s.t = s.t0 = pick_start();
	if (s.in_db) {
		sqlite3_bind_text(g_oc_sess, 1, s.id, -1, SQLITE_STATIC);
		sqlite3_bind_text(g_oc_sess, 2, s.project_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(g_oc_sess, 3, OC_SLUGS[rnd() % 5], -1, SQLITE_STATIC);
		sqlite3_bind_text(g_oc_sess, 4, s.cwd, -1, SQLITE_STATIC);
		sqlite3_bind_text(g_oc_sess, 5, "New session", -1, SQLITE_STATIC);
		sqlite3_bind_text(g_oc_sess, 6, rnd_pct(0.5) ? "1.2.3" : "1.2.10", -1, SQLITE_STATIC);
		sqlite3_bind_int64(g_oc_sess, 7, s.t);
		sqlite3_bind_int64(g_oc_sess, 8, s.t);
		oc_step(g_oc_sess);
	}
	while (s.bytes < target && sess_open(s.t, s.t0)) {
		char user[40];
		oc_user(&s, user);
		int steps = (int)rnd_range(1, 5);
		for (int i = 0; i < steps; i++)
			oc_assistant(&s, user);
	}
}

/* =====================================================================
 * Copilot CLI
 *
 * ~/.copilot/session-state/<uuid>/events.jsonl (older builds: a flat
 * session-state/<uuid>.jsonl). Tokens exist only in session.shutdown's
 * data.modelMetrics, per model, for the process that is exiting; counted
 * on the day of the shutdown's own timestamp: inputTokens = inputTokens -
 * cacheReadTokens - cacheWriteTokens (inputTokens includes both),
 * cacheCreationTokens = cacheWriteTokens, cacheReadTokens, outputTokens =
 * outputTokens, reasoningTokens = reasoningTokens (informational, not
 * added to output; older builds leave it out: 0). Traps:
 *  - assistant.message lines carry outputTokens: they count NOTHING.
 *  - session.resume, then another session.shutdown: a resumed process
 *    starts its counters from zero, so EACH shutdown counts whole.
 *  - a shutdown line written twice (same event id): counted once.
 *  - a copy of a session's file under history-session-state/<uuid>.jsonl
 *    (same session id, same event ids): counted once.
 *  - a session without a shutdown (still running, or killed): nothing.
 *  - a shutdown with empty modelMetrics (/new), a model named with zero
 *    usage: nothing.
 *  - a shutdown line cut short by a crash: nothing.
 * ===================================================================== */

static const int CP_MODELS[] = {M_CP_SONNET, M_CP_SONNET, M_GPT5, M_CP_HAIKU, M_GPT5_MINI};

typedef struct cpmetric {
	int model;
	int64_t requests, in, out, cr, cw, rs;
} cpmetric;

typedef struct cpsess {
	char sid[37];
	const char *cwd;
	int model;
	int64_t t, t0;
	char last[37]; /* parentId of the next event; "" for null */
	writer w;
	sbuf *copy; /* the file's text, for a copy under history-session-state */
	cpmetric mm[8];
	int nmm;
} cpsess;

static sbuf g_cp_copy;

static void cp_emit(cpsess *s, const sbuf *l)
{
	w_line(&s->w, l->p, l->len);
	if (s->copy) {
		sb_put(s->copy, l->p, l->len);
		sb_putc(s->copy, '\n');
	}
}

/* the envelope's head: {"type":T,"data":{ ... the caller closes data */
static void cp_begin(sbuf *b, const char *type)
{
	b->len = 0;
	sb_puts(b, "{\"type\":\"");
	sb_puts(b, type);
	sb_puts(b, "\",\"data\":{");
}

/* ...},"id":..,"timestamp":..,"parentId":..} */
static void cp_end(sbuf *b, cpsess *s, char id_out[37])
{
	char id[37];
	gen_uuid(id);
	sb_puts(b, "},\"id\":\"");
	sb_puts(b, id);
	sb_putc(b, '"');
	sb_ts(b, "timestamp", s->t);
	sb_puts(b, ",\"parentId\":");
	if (s->last[0]) {
		sb_putc(b, '"');
		sb_puts(b, s->last);
		sb_putc(b, '"');
	} else {
		sb_puts(b, "null");
	}
	sb_putc(b, '}');
	memcpy(s->last, id, sizeof id);
	if (id_out)
		memcpy(id_out, id, sizeof id);
}

static void sb_context(sbuf *b, const cpsess *s)
{
	sb_puts(b, "\"context\":{\"cwd\":\"");
	sb_puts(b, s->cwd);
	sb_puts(b, "\",\"gitRoot\":\"");
	sb_puts(b, s->cwd);
	sb_puts(b, "\",\"branch\":\"main\"}");
}

static cpmetric *cp_metric(cpsess *s, int model)
{
	for (int i = 0; i < s->nmm; i++)
		if (s->mm[i].model == model)
			return &s->mm[i];
	if (s->nmm == 8)
		die("internal: too many Copilot models in one segment");
	cpmetric *m = &s->mm[s->nmm++];
	memset(m, 0, sizeof *m);
	m->model = model;
	return m;
}

/* one model call: an assistant.message (its outputTokens count nothing), maybe a tool run */
static void cp_call(cpsess *s, int model)
{
	cpmetric *m = cp_metric(s, model);
	int64_t cr = rnd_pct(0.2) ? 0 : rnd_log(1000, 100000);
	int64_t cw = rnd_pct(0.6) ? 0 : rnd_log(100, 8000);
	int64_t fresh = rnd_log(20, 5000);
	int64_t out = rnd_log(20, 4000);
	int64_t rs_ = (model == M_GPT5 || model == M_GPT5_MINI) && rnd_pct(0.6) ? rnd_range(0, out) : 0;
	m->requests++;
	m->in += cr + cw + fresh;
	m->cr += cr;
	m->cw += cw;
	m->out += out;
	m->rs += rs_;

	s->t += rnd_range(1000, 30000);
	char call[40];
	gen_b62(call, "toolu_", 24);
	bool tool = rnd_pct(0.6);
	cp_begin(&g_line, "assistant.message");
	sb_puts(&g_line, "\"messageId\":\"");
	char mid[37];
	gen_uuid(mid);
	sb_puts(&g_line, mid);
	sb_puts(&g_line, "\",\"content\":\"");
	sb_text(&g_line, (size_t)rnd_log(10, 3000));
	sb_puts(&g_line, "\",\"toolRequests\":[");
	if (tool) {
		sb_puts(&g_line, "{\"toolCallId\":\"");
		sb_puts(&g_line, call);
		sb_puts(&g_line, "\",\"name\":\"bash\",\"arguments\":{\"command\":\"");
		sb_puts(&g_line, SHELL_CMDS[rnd() % (sizeof SHELL_CMDS / sizeof SHELL_CMDS[0])]);
		sb_puts(&g_line, "\"}}");
	}
	sb_puts(&g_line, "]");
	sb_ki(&g_line, "outputTokens", out);
	cp_end(&g_line, s, NULL);
	cp_emit(s, &g_line);
	if (tool) {
		s->t += rnd_range(100, 30000);
		cp_begin(&g_line, "tool.execution_complete");
		sb_puts(&g_line, "\"toolCallId\":\"");
		sb_puts(&g_line, call);
		sb_puts(&g_line, "\",\"success\":true,\"result\":{\"content\":\"");
		sb_text(&g_line, (size_t)rnd_log(100, g_payload_max / 2));
		sb_puts(&g_line, "\"}");
		cp_end(&g_line, s, NULL);
		cp_emit(s, &g_line);
	}
}

static void cp_turn(cpsess *s)
{
	if (rnd_pct(0.06)) {
		s->model = CP_MODELS[rnd() % 5];
		s->t += rnd_range(1000, 20000);
		cp_begin(&g_line, "session.model_change");
		sb_puts(&g_line, "\"newModel\":\"");
		sb_puts(&g_line, MODELS[s->model]);
		sb_putc(&g_line, '"');
		cp_end(&g_line, s, NULL);
		cp_emit(s, &g_line);
	}
	s->t += rnd_range(2000, 180000);
	cp_begin(&g_line, "user.message");
	sb_puts(&g_line, "\"content\":\"");
	sb_text(&g_line, (size_t)rnd_log(10, g_payload_max / 8));
	sb_puts(&g_line, "\",\"attachments\":[]");
	cp_end(&g_line, s, NULL);
	cp_emit(s, &g_line);
	int steps = (int)rnd_range(1, 6);
	for (int i = 0; i < steps; i++)
		cp_call(s, rnd_pct(0.15) ? M_GPT5_MINI : s->model);
}

/* The segment's end: a shutdown with this process's counters (or none at all). */
static void cp_shutdown(cpsess *s, bool empty)
{
	s->t += rnd_range(1000, 600000);
	cp_begin(&g_line, "session.shutdown");
	int64_t reqs = 0;
	for (int i = 0; i < s->nmm; i++)
		reqs += s->mm[i].requests;
	sb_puts(&g_line, "\"shutdownType\":\"routine\"");
	sb_ki(&g_line, "totalPremiumRequests", empty ? 0 : reqs);
	sb_ki(&g_line, "totalApiDurationMs", rnd_range(1000, 900000));
	sb_ki(&g_line, "sessionStartTime", s->t0);
	sb_puts(&g_line, ",\"codeChanges\":{\"linesAdded\":");
	sb_int(&g_line, rnd_range(0, 400));
	sb_puts(&g_line, ",\"linesRemoved\":");
	sb_int(&g_line, rnd_range(0, 100));
	sb_puts(&g_line, ",\"filesModified\":[\"src/main.c\"]},\"modelMetrics\":{");
	bool old = rnd_pct(0.2); /* an older build: no reasoningTokens */
	bool first = true;
	for (int i = 0; i < s->nmm && !empty; i++) {
		const cpmetric *m = &s->mm[i];
		if (!first)
			sb_putc(&g_line, ',');
		first = false;
		sb_putc(&g_line, '"');
		sb_puts(&g_line, MODELS[m->model]);
		sb_puts(&g_line, "\":{\"requests\":{\"count\":");
		sb_int(&g_line, m->requests);
		sb_ki(&g_line, "cost", m->requests);
		sb_puts(&g_line, "},\"usage\":{\"inputTokens\":");
		sb_int(&g_line, m->in);
		sb_ki(&g_line, "outputTokens", m->out);
		sb_ki(&g_line, "cacheReadTokens", m->cr);
		sb_ki(&g_line, "cacheWriteTokens", m->cw);
		if (!old || m->rs)
			sb_ki(&g_line, "reasoningTokens", m->rs);
		sb_puts(&g_line, "}}");
		truth_add(SRC_COPILOT, s->t, m->model, m->in - m->cr - m->cw, m->out, m->cw, m->cr, m->rs);
	}
	if (!empty && rnd_pct(0.1)) {
		/* a model named, never used */
		sb_puts(&g_line, first ? "" : ",");
		sb_puts(&g_line, "\"gpt-4.1\":{\"requests\":{\"count\":0,\"cost\":0},\"usage\":{\"inputTokens\":0,"
				 "\"outputTokens\":0,\"cacheReadTokens\":0,\"cacheWriteTokens\":0,\"reasoningTokens\":0}}");
	}
	sb_puts(&g_line, "},\"currentModel\":\"");
	sb_puts(&g_line, MODELS[s->model]);
	sb_putc(&g_line, '"');
	cp_end(&g_line, s, NULL);
	cp_emit(s, &g_line);
	if (rnd_pct(0.06))
		cp_emit(s, &g_line); /* the same shutdown written twice */
	s->nmm = 0;
	s->last[0] = 0;
}

static void copilot_session(uint64_t target)
{
	cpsess s;
	memset(&s, 0, sizeof s);
	gen_uuid(s.sid);
	s.cwd = PROJECTS[rnd() % NPROJECTS];
	s.model = CP_MODELS[rnd() % 5];
	s.t = s.t0 = pick_start();
	bool copy = rnd_pct(0.1);
	if (copy) {
		g_cp_copy.len = 0;
		s.copy = &g_cp_copy;
	}
	char path[4600];
	if (rnd_pct(0.15))
		snprintf(path, sizeof path, "%s/.copilot/session-state/%s.jsonl", g_home, s.sid);
	else
		snprintf(path, sizeof path, "%s/.copilot/session-state/%s/events.jsonl", g_home, s.sid);
	w_open(&s.w, path, SRC_COPILOT);

	cp_begin(&g_line, "session.start");
	sb_puts(&g_line, "\"sessionId\":\"");
	sb_puts(&g_line, s.sid);
	sb_puts(&g_line, "\",\"version\":1,\"producer\":\"copilot-agent\",\"copilotVersion\":\"0.0.");
	sb_int(&g_line, rnd_range(330, 420));
	sb_putc(&g_line, '"');
	sb_ts(&g_line, "startTime", s.t);
	sb_putc(&g_line, ',');
	sb_context(&g_line, &s);
	cp_end(&g_line, &s, NULL);
	cp_emit(&s, &g_line);

	int segments = rnd_pct(0.3) ? (rnd_pct(0.3) ? 3 : 2) : 1;
	for (int seg = 0; seg < segments && (seg == 0 || sess_open(s.t, s.t0)); seg++) {
		if (seg > 0) {
			/* resumed later: the new process counts from zero */
			s.t += rnd_range(600000, 20 * 3600000LL);
			cp_begin(&g_line, "session.resume");
			char ts[TS_LEN];
			fmt_ts(ts, s.t);
			sb_puts(&g_line, "\"resumeTime\":\"");
			sb_puts(&g_line, ts);
			sb_putc(&g_line, '"');
			sb_ki(&g_line, "eventCount", rnd_range(5, 500));
			sb_putc(&g_line, ',');
			sb_context(&g_line, &s);
			cp_end(&g_line, &s, NULL);
			cp_emit(&s, &g_line);
		}
		uint64_t seg_target = target / (uint64_t)segments * (uint64_t)(seg + 1);
		bool empty = rnd_pct(0.05); /* /new: no metrics */
		if (!empty)
			do
				cp_turn(&s);
			while (s.w.written < seg_target && sess_open(s.t, s.t0));
		bool last = seg == segments - 1 || !sess_open(s.t, s.t0);
		double r = rnd_unit();
		if (last && r < 0.08) {
			s.nmm = 0; /* still running or killed: no shutdown, nothing counts */
		} else if (r > 0.97) {
			/* cut short by a crash: nothing */
			cp_begin(&g_line, "session.shutdown");
			sb_puts(&g_line, "\"shutdownType\":\"routine\",\"modelMetrics\":{\"");
			sb_puts(&g_line, MODELS[s.model]);
			sb_puts(&g_line, "\":{\"usage\":{\"inputTokens\":");
			sb_int(&g_line, rnd_range(1000, 99999));
			cp_emit(&s, &g_line);
			s.nmm = 0;
			s.last[0] = 0;
		} else {
			cp_shutdown(&s, empty);
		}
	}
	w_close(&s.w);
	if (copy) {
		/* an older build's copy, whole or cut at a line */
		size_t n = g_cp_copy.len;
		if (rnd_pct(0.4)) {
			size_t cut = (size_t)rnd_range(1, (int64_t)n);
			while (cut < n && g_cp_copy.p[cut - 1] != '\n')
				cut++;
			n = cut;
		}
		snprintf(path, sizeof path, "%s/.copilot/history-session-state/%s.jsonl", g_home, s.sid);
		writer w;
		w_open(&w, path, SRC_COPILOT);
		w_put(&w, g_cp_copy.p, n);
		w_close(&w);
	}
}

/* =====================================================================
 * VS Code Copilot Chat
 *
 * ~/.config/Code/User/workspaceStorage/<hash>/chatSessions/<uuid>.jsonl,
 * with workspace.json beside chatSessions/ naming the folder; a few under
 * globalStorage/emptyWindowChatSessions/. The .jsonl is VS Code's object
 * mutation log: kind 0 a whole snapshot, kind 1 sets the value at path k,
 * kind 2 pushes v onto the array at k (after cutting it at i when given).
 * Counted as parsers/vscode.c documents it: per request (keyed by
 * requestId), inputTokens = promptTokens, outputTokens = completionTokens
 * (a request without them: result.metadata.promptTokens / outputTokens),
 * no cache, no reasoning; the model is result.metadata.resolvedModel, else
 * modelId without "copilot/"; the day is the request's timestamp (ms).
 * Traps:
 *  - a request pushed (kind 2) without tokens, its counts set later (kind 1
 *    ["requests",i,"promptTokens"] / "completionTokens"), the completion
 *    count sometimes set twice: the last one is right.
 *  - requests whose counts come only in result.metadata (kind 1
 *    ["requests",i,"result"]), some naming a resolvedModel.
 *  - the bulk of the log: the response text set again and again (kind 1
 *    ["requests",i,"response"]), session fields (title, input box).
 *  - a request cancelled before any tokens: nothing.
 *  - a turn undone: kind 2 with "i" cuts the requests array; a cut request
 *    counts with what it had when it left (all its counts, as only
 *    finished or cancelled turns are undone here).
 *  - a fresh kind 0 snapshot of the whole session in mid-log (VS Code
 *    compacts its log): the same requests again, counted once.
 *  - requests already complete in the first snapshot (a restored window).
 *  - legacy whole-file <uuid>.json sessions (some from builds that wrote no
 *    counts at all: nothing), some beside a .jsonl of the same session with
 *    the same requests: counted once.
 * ===================================================================== */

typedef struct vsmodel {
	const char *id; /* modelId */
	int model;	/* what it reports without a resolvedModel */
	int resolved;	/* a resolvedModel some results name, or -1 */
} vsmodel;

static const vsmodel VS_MODELS[] = {
	{"copilot/gpt-4.1", M_GPT41, M_GPT41_DATED}, {"copilot/gpt-4.1", M_GPT41, M_GPT41_DATED},
	{"copilot/claude-sonnet-4", M_VS_SONNET4, -1}, {"copilot/gpt-5-mini", M_GPT5_MINI, -1},
	{"gpt-4o", M_GPT4O, -1},		       {"copilot/claude-sonnet-4.5", M_CP_SONNET, -1},
};
#define NVS_MODELS ((int)(sizeof VS_MODELS / sizeof VS_MODELS[0]))

typedef struct vsreq {
	char id[48];
	char resp[48];
	int64_t ts;
	int vm;			    /* VS_MODELS index */
	int64_t prompt, completion; /* the request's own fields; -1: absent */
	bool result;		    /* has a result */
	bool cancelled;
	int64_t meta_prompt, meta_output; /* -1: absent */
	int resolved;			  /* MODELS index or -1 */
} vsreq;

typedef struct vssess {
	char sid[37];
	int64_t t, t0;
	int vm;
	writer *w; /* NULL: no log */
	vsreq *q;  /* the requests array as it stands */
	size_t n, cap;
} vssess;

static vsreq *vs_push(vssess *s)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 32;
		s->q = xrealloc(s->q, s->cap * sizeof *s->q);
	}
	return &s->q[s->n++];
}

static void sb_vs_result(sbuf *b, const vsreq *q)
{
	if (q->cancelled) {
		sb_puts(b, "{\"errorDetails\":{\"message\":\"Canceled\",\"responseIsIncomplete\":true},\"timings\":{"
			   "\"totalElapsed\":");
		sb_int(b, rnd_range(100, 9000));
		sb_puts(b, "}}");
		return;
	}
	sb_puts(b, "{\"timings\":{\"firstProgress\":");
	sb_int(b, rnd_range(200, 4000));
	sb_ki(b, "totalElapsed", rnd_range(4000, 90000));
	sb_puts(b, "},\"metadata\":{\"codeBlocks\":[]");
	if (q->meta_prompt >= 0)
		sb_ki(b, "promptTokens", q->meta_prompt);
	if (q->meta_output >= 0)
		sb_ki(b, "outputTokens", q->meta_output);
	if (q->resolved >= 0)
		sb_kv(b, "resolvedModel", MODELS[q->resolved]);
	sb_kv(b, "responseId", q->resp);
	sb_puts(b, ",\"agentId\":\"github.copilot.editsAgent\"}}");
}

/* the whole request as a snapshot or a legacy document has it */
static void sb_vs_request(sbuf *b, const vsreq *q, bool fresh)
{
	sb_puts(b, "{\"requestId\":\"");
	sb_puts(b, q->id);
	sb_puts(b, "\",\"message\":{\"text\":\"");
	sb_text(b, (size_t)rnd_log(10, fresh ? g_payload_max / 8 : 200));
	sb_puts(b, "\",\"parts\":[]},\"variableData\":{\"variables\":[]},\"response\":[");
	if (!fresh) {
		sb_puts(b, "{\"value\":\"");
		sb_text(b, (size_t)rnd_log(20, 2000));
		sb_puts(b, "\",\"supportThemeIcons\":false,\"supportHtml\":false}");
	}
	sb_puts(b, "]");
	sb_kv(b, "responseId", q->resp);
	sb_kv(b, "modelId", VS_MODELS[q->vm].id);
	sb_ki(b, "timestamp", q->ts);
	sb_puts(b, ",\"agent\":{\"id\":\"github.copilot.editsAgent\"},\"contentReferences\":[],\"codeCitations\":[]");
	if (!fresh) {
		if (q->prompt >= 0)
			sb_ki(b, "promptTokens", q->prompt);
		if (q->completion >= 0)
			sb_ki(b, "completionTokens", q->completion);
		if (q->result) {
			sb_puts(b, ",\"result\":");
			sb_vs_result(b, q);
		}
	}
	sb_putc(b, '}');
}

static void vs_emit(vssess *s, const sbuf *l)
{
	if (s->w)
		w_line(s->w, l->p, l->len);
}

static void vs_set_int(vssess *s, size_t i, const char *field, int64_t v)
{
	g_line.len = 0;
	sb_puts(&g_line, "{\"kind\":1,\"k\":[\"requests\",");
	sb_int(&g_line, (int64_t)i);
	sb_puts(&g_line, ",\"");
	sb_puts(&g_line, field);
	sb_puts(&g_line, "\"],\"v\":");
	sb_int(&g_line, v);
	sb_putc(&g_line, '}');
	vs_emit(s, &g_line);
}

/* the truth of a finished request: what it has counted */
static void vs_count(const vsreq *q)
{
	int64_t in = q->prompt >= 0 ? q->prompt : q->meta_prompt;
	int64_t out = q->completion >= 0 ? q->completion : q->meta_output;
	if (in <= 0 && out <= 0)
		return;
	int model = q->resolved >= 0 ? q->resolved : VS_MODELS[q->vm].model;
	truth_add(SRC_VSCODE, q->ts, model, in > 0 ? in : 0, out > 0 ? out : 0, 0, 0, 0);
}

static void vs_snapshot(vssess *s)
{
	g_body.len = 0;
	sb_puts(&g_body, "{\"kind\":0,\"v\":{\"version\":3");
	sb_ki(&g_body, "creationDate", s->t0);
	sb_kv(&g_body, "sessionId", s->sid);
	sb_puts(&g_body, ",\"requests\":[");
	for (size_t i = 0; i < s->n; i++) {
		if (i)
			sb_putc(&g_body, ',');
		sb_vs_request(&g_body, &s->q[i], false);
	}
	sb_puts(&g_body, "],\"pendingRequests\":[],\"initialLocation\":\"panel\",\"responderUsername\":\"GitHub "
			 "Copilot\"}}");
	vs_emit(s, &g_body);
}

/* a finished request's counts, as they arrive: which fields, in which order */
static void vs_finish(vssess *s, size_t i, bool legacy_old)
{
	vsreq *q = &s->q[i];
	int64_t p = rnd_log(500, 120000), c = rnd_log(5, 6000);
	double r = rnd_unit();
	const vsmodel *vm = &VS_MODELS[q->vm];
	q->resolved = vm->resolved >= 0 && rnd_pct(0.5) ? vm->resolved : -1;
	if (legacy_old) {
		/* a build that wrote no counts */
		q->result = true;
	} else if (r < 0.08) {
		q->cancelled = true;
		q->result = true;
		q->resolved = -1;
	} else if (r < 0.35) {
		/* only result.metadata */
		q->result = true;
		q->meta_prompt = p;
		q->meta_output = c;
	} else {
		/* the request's own fields, the result maybe repeating them */
		q->result = rnd_pct(0.7);
		if (!q->result)
			q->resolved = -1;
		if (q->result && rnd_pct(0.5)) {
			q->meta_prompt = p;
			q->meta_output = c;
		}
		if (rnd_pct(0.2) && c > 1)
			vs_set_int(s, i, "completionTokens", rnd_range(1, c - 1)); /* not yet the last word */
		q->prompt = p;
		q->completion = c;
	}
	if (q->result) {
		g_line.len = 0;
		sb_puts(&g_line, "{\"kind\":1,\"k\":[\"requests\",");
		sb_int(&g_line, (int64_t)i);
		sb_puts(&g_line, ",\"result\"],\"v\":");
		sb_vs_result(&g_line, q);
		sb_putc(&g_line, '}');
		vs_emit(s, &g_line);
	}
	if (q->prompt >= 0) {
		vs_set_int(s, i, "promptTokens", q->prompt);
		vs_set_int(s, i, "completionTokens", q->completion);
	}
	vs_count(q);
}

static vsreq *vs_new(vssess *s)
{
	if (rnd_pct(0.05))
		s->vm = (int)(rnd() % NVS_MODELS);
	vsreq *q = vs_push(s);
	memset(q, 0, sizeof *q);
	char u[37];
	gen_uuid(u);
	snprintf(q->id, sizeof q->id, "request_%s", u);
	gen_uuid(u);
	snprintf(q->resp, sizeof q->resp, "response_%s", u);
	s->t += rnd_range(2000, 240000);
	q->ts = s->t;
	q->vm = s->vm;
	q->prompt = q->completion = q->meta_prompt = q->meta_output = -1;
	q->resolved = -1;
	return q;
}

static void vs_turn(vssess *s, bool legacy_old)
{
	size_t cut = SIZE_MAX;
	if (s->w && s->n > 0 && rnd_pct(0.08))
		cut = s->n - (size_t)rnd_range(1, s->n < 2 ? 1 : 2); /* an undone turn */
	if (cut != SIZE_MAX)
		s->n = cut; /* what it had is already in the truth */
	vs_new(s);
	size_t i = s->n - 1;
	vsreq *q = &s->q[i];
	g_line.len = 0;
	sb_puts(&g_line, "{\"kind\":2,\"k\":[\"requests\"],\"v\":[");
	sb_vs_request(&g_line, q, true);
	sb_puts(&g_line, "]");
	if (cut != SIZE_MAX)
		sb_ki(&g_line, "i", (int64_t)cut);
	sb_putc(&g_line, '}');
	vs_emit(s, &g_line);
	if (s->w) {
		/* the response streaming in: the whole text so far, again and again */
		int k = (int)rnd_range(1, 4);
		size_t len = (size_t)rnd_log(50, g_payload_max / 4);
		for (int j = 1; j <= k; j++) {
			g_line.len = 0;
			sb_puts(&g_line, "{\"kind\":1,\"k\":[\"requests\",");
			sb_int(&g_line, (int64_t)i);
			sb_puts(&g_line, ",\"response\"],\"v\":[{\"value\":\"");
			sb_text(&g_line, len * (size_t)j / (size_t)k);
			sb_puts(&g_line, "\",\"supportThemeIcons\":false,\"supportHtml\":false}]}");
			vs_emit(s, &g_line);
		}
	}
	s->t += rnd_range(1000, 60000);
	vs_finish(s, i, legacy_old);
	if (s->w && rnd_pct(0.15)) {
		g_line.len = 0;
		sb_puts(&g_line, rnd_pct(0.5) ? "{\"kind\":1,\"k\":[\"customTitle\"],\"v\":\""
					      : "{\"kind\":1,\"k\":[\"inputState\",\"inputText\"],\"v\":\"");
		sb_text(&g_line, (size_t)rnd_range(5, 60));
		sb_puts(&g_line, "\"}");
		vs_emit(s, &g_line);
	}
	if (s->w && rnd_pct(0.03))
		vs_snapshot(s); /* the log compacted into one snapshot */
}

static void vscode_session(uint64_t target)
{
	vssess s;
	memset(&s, 0, sizeof s);
	gen_uuid(s.sid);
	int project = (int)(rnd() % NPROJECTS);
	s.vm = (int)(rnd() % NVS_MODELS);
	s.t = s.t0 = pick_start();
	char dir[4400], path[4600];
	if (rnd_pct(0.1)) {
		snprintf(dir, sizeof dir, "%s/.config/Code/User/globalStorage/emptyWindowChatSessions", g_home);
	} else {
		char hash[33];
		hash_hex(hash, 32, PROJECTS[project]);
		snprintf(dir, sizeof dir, "%s/.config/Code/User/workspaceStorage/%s", g_home, hash);
		static bool marked[NPROJECTS];
		if (!marked[project]) {
			char text[400];
			snprintf(path, sizeof path, "%s/workspace.json", dir);
			snprintf(text, sizeof text, "{\n  \"folder\": \"file://");
			size_t k = strlen(text);
			for (const char *p = PROJECTS[project]; *p && k + 4 < sizeof text; p++) {
				if (*p == ' ') {
					memcpy(text + k, "%20", 3);
					k += 3;
				} else {
					text[k++] = *p;
				}
			}
			snprintf(text + k, sizeof text - k, "\"\n}");
			write_small(path, SRC_VSCODE, text);
			marked[project] = true;
		}
		snprintf(dir + strlen(dir), sizeof dir - strlen(dir), "/chatSessions");
	}
	uint64_t start = g_bytes_src[SRC_VSCODE];
	double kind = rnd_unit();
	bool log = kind >= 0.12, legacy = kind < 0.25;
	writer w;
	if (log) {
		snprintf(path, sizeof path, "%s/%s.jsonl", dir, s.sid);
		w_open(&w, path, SRC_VSCODE);
		s.w = &w;
		if (rnd_pct(0.15)) {
			/* a restored window: finished requests already in the first snapshot */
			writer *keep = s.w;
			s.w = NULL;
			int k = (int)rnd_range(1, 3);
			for (int j = 0; j < k; j++)
				vs_turn(&s, false);
			s.w = keep;
		}
		vs_snapshot(&s);
		/* a chat has a request per turn: a few hundred at the very most */
		while (g_bytes_src[SRC_VSCODE] - start < target && sess_open(s.t, s.t0) && s.n < 150)
			vs_turn(&s, false);
		w_close(&w);
	} else {
		bool old = rnd_pct(0.25);
		int k = (int)rnd_range(1, 12);
		for (int j = 0; j < k && sess_open(s.t, s.t0); j++)
			vs_turn(&s, old);
	}
	if (legacy) {
		/* the whole session as one document (beside the log: its final state) */
		snprintf(path, sizeof path, "%s/%s.json", dir, s.sid);
		w_open(&w, path, SRC_VSCODE);
		g_body.len = 0;
		sb_puts(&g_body, "{\"version\":3,\"requesterUsername\":\"dev\",\"responderUsername\":\"GitHub Copilot\"");
		sb_kv(&g_body, "sessionId", s.sid);
		sb_ki(&g_body, "creationDate", s.t0);
		sb_ki(&g_body, "lastMessageDate", s.t);
		sb_puts(&g_body, ",\"requests\":[");
		for (size_t i = 0; i < s.n; i++) {
			if (i)
				sb_putc(&g_body, ',');
			sb_vs_request(&g_body, &s.q[i], false);
		}
		sb_puts(&g_body, "]}");
		w_put(&w, g_body.p, g_body.len);
		w_close(&w);
	}
	free(s.q);
}

/* ===================================================================== */

static void usage(void)
{
	fputs("usage: gen_home --out DIR [--size-mb N] [--seed S] [--days D] [--start YYYY-MM-DD]\n"
	      "                [--sources claude,codex,gemini,opencode,copilot,vscode|all] [--no-gemini-rewind]\n"
	      "                [--usage-per-mib N] [--copy-share F] [--session-max-mb M]\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *out = NULL;
	double size_mb = 64;
	double session_max_mb = 0; /* 0: scales with --size-mb */
	uint64_t seed = 1;
	int days = 30;
	int sy = 2026, sm = 10, sd = 1;
	unsigned mask = 1u << SRC_CLAUDE | 1u << SRC_CODEX;
	for (int i = 1; i < argc; i += 2) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			usage();
		if (!strcmp(a, "--no-gemini-rewind")) {
			g_gemini_rewind = false;
			i--;
			continue;
		}
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
		else if (!strcmp(a, "--usage-per-mib"))
			g_usage_per_mib = strtod(v, NULL);
		else if (!strcmp(a, "--copy-share"))
			g_copy_share = strtod(v, NULL);
		else if (!strcmp(a, "--session-max-mb"))
			session_max_mb = strtod(v, NULL);
		else if (!strcmp(a, "--start")) {
			if (sscanf(v, "%d-%d-%d", &sy, &sm, &sd) != 3 || sm < 1 || sm > 12 || sd < 1 || sd > 31)
				die("bad --start %s (want YYYY-MM-DD)", v);
		} else if (!strcmp(a, "--sources")) {
			mask = 0;
			for (const char *p = v; *p;) {
				size_t len = strcspn(p, ",");
				char name[32];
				snprintf(name, sizeof name, "%.*s", (int)(len < 31 ? len : 31), p);
				p += len + (p[len] == ',');
				if (!len)
					continue;
				int k = 0;
				while (k < NSRC && strcmp(name, SRC_NAMES[k]) != 0)
					k++;
				if (!strcmp(name, "all"))
					mask = (1u << NSRC) - 1;
				else if (k < NSRC)
					mask |= 1u << k;
				else
					die("unknown source %s in --sources (want claude, codex, gemini, opencode, copilot, "
					    "vscode or all)",
					    name);
			}
			if (!mask)
				die("--sources names no source");
		} else
			usage();
	}
	if (!out)
		usage();
	if (size_mb <= 0 || days < 1)
		die("--size-mb and --days must be positive");
	if (g_usage_per_mib < 0 || g_copy_share > 0.95 || session_max_mb < 0)
		die("--usage-per-mib and --session-max-mb must not be negative, --copy-share must be below 0.95");
	g_dense = g_usage_per_mib > 0 || g_copy_share >= 0;

	rnd_seed(seed);
	g_day0 = days_from_civil(sy, sm, sd);
	g_ndays = days + 4;
	g_range_start = g_day0 * DAY_MS;
	g_range_end = g_range_start + (int64_t)days * DAY_MS;
	g_truth = calloc((size_t)NSRC * (size_t)g_ndays * NMODELS * NF, sizeof *g_truth);
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
	if (session_max_mb > 0)
		cap = (uint64_t)(session_max_mb * MIB) > 48 * KIB ? (uint64_t)(session_max_mb * MIB) : 48 * KIB;
	g_payload_max = (int64_t)(budget / 512);
	if (g_payload_max < 16 * KIB)
		g_payload_max = 16 * KIB;
	if (g_payload_max > 200 * KIB)
		g_payload_max = 200 * KIB;
	/* Claude Code and Codex take a quarter each of the budget, the others an eighth */
	bool want_claude = mask >> SRC_CLAUDE & 1, want_codex = mask >> SRC_CODEX & 1;
	int n_cc = want_claude + want_codex, n_other = 0;
	for (int k = SRC_GEMINI; k < NSRC; k++)
		n_other += (int)(mask >> k & 1);
	uint64_t cc_budget = (uint64_t)((double)budget * (n_cc * 0.25) / (n_cc * 0.25 + n_other * 0.125));
	const double claude_share = 0.72;
	while (n_cc && g_bytes < cc_budget) {
		uint64_t left = cc_budget - g_bytes;
		uint64_t target = (uint64_t)rnd_log((int64_t)(cap / 48), (int64_t)cap);
		if (target > left)
			target = left;
		if (want_claude && (!want_codex || (double)g_bytes_src[SRC_CLAUDE] <= claude_share * (double)g_bytes))
			claude_session(target);
		else
			codex_session(target);
	}

	/* the others: each from its own random stream, after Claude Code and Codex */
	static void (*const session_fn[NSRC])(uint64_t) = {
		[SRC_GEMINI] = gemini_session,
		[SRC_OPENCODE] = opencode_session,
		[SRC_COPILOT] = copilot_session,
		[SRC_VSCODE] = vscode_session,
	};
	uint64_t share = n_other ? (budget - cc_budget) / (uint64_t)n_other : 0;
	uint64_t xcap = share / 16; /* many sessions: the rarer traps show up even in small runs */
	if (xcap < 32 * KIB)
		xcap = 32 * KIB;
	if (xcap > 24 * MIB)
		xcap = 24 * MIB;
	for (int k = SRC_GEMINI; k < NSRC; k++) {
		if (!(mask >> k & 1))
			continue;
		rnd_seed(seed ^ (UINT64_C(0x9e3779b97f4a7c15) * (uint64_t)(k + 1)));
		while (g_bytes_src[k] < share) {
			uint64_t target = (uint64_t)rnd_log((int64_t)(xcap / 16), (int64_t)xcap);
			if (target > share - g_bytes_src[k])
				target = share - g_bytes_src[k];
			session_fn[k](target);
		}
	}
	oc_close();

	char path[4600];
	snprintf(path, sizeof path, "%s/truth.json", out);
	write_truth(path, mask);
	for (int k = 0; k < NSRC; k++) {
		if (!(mask >> k & 1))
			continue;
		snprintf(path, sizeof path, "%s/truth-%s.json", out, SRC_NAMES[k]);
		write_truth(path, 1u << k);
	}
	if (n_cc)
		fprintf(stderr,
			"gen_home: %ld files, %.1f MiB (Claude %.1f, Codex %.1f), %ld Claude responses, %ld Codex events\n",
			g_files, (double)g_bytes / MIB, (double)g_bytes_src[0] / MIB, (double)g_bytes_src[1] / MIB,
			g_records[0], g_records[1]);
	else
		fprintf(stderr, "gen_home: %ld files, %.1f MiB\n", g_files, (double)g_bytes / MIB);
	for (int k = SRC_GEMINI; k < NSRC; k++)
		if (mask >> k & 1)
			fprintf(stderr, "gen_home: %s: %.1f MiB, %ld records counted\n", SRC_NAMES[k],
				(double)g_bytes_src[k] / MIB, g_records[k]);
	if (n_cc)
		fprintf(stderr,
			"gen_home: Claude + Codex: %" PRIu64 " usage lines (%.1f per MiB), %.1f%% of them copies"
			" (Claude: %" PRIu64 " usage lines, %.1f%% copies)\n",
			g_usage_lines, (double)g_usage_lines / ((double)(g_bytes_src[SRC_CLAUDE] + g_bytes_src[SRC_CODEX]) / MIB),
			g_usage_lines ? 100.0 * (double)g_copy_lines / (double)g_usage_lines : 0.0, g_claude_usage_lines,
			g_claude_usage_lines ? 100.0 * (double)g_claude_copy_lines / (double)g_claude_usage_lines : 0.0);
	return 0;
}

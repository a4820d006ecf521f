/*
 * watch_latency: the measuring half of bench/watch_bench.sh (run by hand).
 *   gen  writes Claude Code session files into a fake HOME, before a watcher starts;
 *   run  appends one complete line at a time, round-robin over those files, and
 *        polls the store read-only until that line's message.id is in it,
 *        timing each append with CLOCK_MONOTONIC;
 *   cpu  times a busy loop alone and twice at once: how many cores the
 *        machine's vCPUs really deliver (the reader competes with the watcher).
 * Every line has a unique message.id and known token counts, so gen and run
 * print what the reports must total. Plain C11 + SQLite; no aiusage code, so
 * the watcher is measured from outside, the way a user sees it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Every line is well under this (about 900 bytes). */
#define LINE_MAX_BYTES 2048

static const char *prog = "watch_latency";

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static long parse_long(const char *opt, const char *s, long min, long max)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		die("%s: expected an integer in [%ld, %ld], got '%s'", opt, min, max, s);
	return v;
}

/* ---- the layout of the fake HOME ----
 * Session file k lives in PROJECTS/-bench-p<k % dirs>/<session k>.jsonl, so
 * files 0..n-1 of any prefix are spread over as many project dirs as can be. */

static char *file_path(const char *projects, long dirs, long k)
{
	size_t n = strlen(projects) + 96;
	char *p = malloc(n);
	if (!p)
		die("out of memory");
	snprintf(p, n, "%s/-bench-p%03ld/00000000-0000-4000-8000-%012ld.jsonl", projects, k % dirs, k);
	return p;
}

static void mkdir_p(const char *dir)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
		die("path too long: %s", dir);
	for (char *s = buf + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			die("mkdir %s: %s", buf, strerror(errno));
		*s = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		die("mkdir %s: %s", buf, strerror(errno));
}

/* One assistant line the way Claude Code writes it (fewer content bytes). */
static int format_line(char *buf, size_t size, long dir, long k, const char *id, const char *req, long secs,
		       long output)
{
	secs %= 86400; /* every line on 2026-11-20 (UTC) */
	return snprintf(
		buf, size,
		"{\"parentUuid\":\"p-%s\",\"isSidechain\":false,\"userType\":\"external\",\"cwd\":\"/bench/p%03ld\","
		"\"sessionId\":\"00000000-0000-4000-8000-%012ld\",\"version\":\"2.0.50\",\"gitBranch\":\"main\","
		"\"message\":{\"id\":\"%s\",\"type\":\"message\",\"role\":\"assistant\","
		"\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[{\"type\":\"text\",\"text\":\"Done: the "
		"watcher picked this line up. Nothing else to report here.\"}],\"stop_reason\":\"end_turn\","
		"\"stop_sequence\":null,\"usage\":{\"input_tokens\":3,\"cache_creation_input_tokens\":200,"
		"\"cache_read_input_tokens\":1000,\"cache_creation\":{\"ephemeral_5m_input_tokens\":200,"
		"\"ephemeral_1h_input_tokens\":0},\"output_tokens\":%ld,\"service_tier\":\"standard\"}},"
		"\"requestId\":\"%s\",\"type\":\"assistant\",\"uuid\":\"u-%s\","
		"\"timestamp\":\"2026-11-20T%02ld:%02ld:%02ld.000Z\"}\n",
		id, dir, k, id, output, req, id, secs / 3600, secs / 60 % 60, secs % 60);
}

static void write_all(int fd, const char *buf, size_t len, const char *path)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			die("write %s: %s", path, strerror(errno));
		buf += w;
		len -= (size_t)w;
	}
}

/* ---- gen ---- */

static int cmd_gen(int argc, char **argv)
{
	const char *projects = NULL;
	long dirs = 10, files = 50, lines = 3;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (i + 1 >= argc)
			die("gen: %s needs a value", a);
		if (!strcmp(a, "--projects"))
			projects = argv[++i];
		else if (!strcmp(a, "--dirs"))
			dirs = parse_long(a, argv[++i], 1, 999);
		else if (!strcmp(a, "--files"))
			files = parse_long(a, argv[++i], 1, 1000000);
		else if (!strcmp(a, "--lines"))
			lines = parse_long(a, argv[++i], 1, 10000);
		else
			die("gen: unknown option %s", a);
	}
	if (!projects)
		die("gen: --projects DIR is required");
	for (long d = 0; d < dirs && d < files; d++) {
		char dir[PATH_MAX];
		snprintf(dir, sizeof(dir), "%s/-bench-p%03ld", projects, d);
		mkdir_p(dir);
	}
	int64_t output_sum = 0, bytes = 0;
	char line[LINE_MAX_BYTES];
	for (long k = 0; k < files; k++) {
		char *path = file_path(projects, dirs, k);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			die("open %s: %s", path, strerror(errno));
		for (long j = 0; j < lines; j++) {
			char id[64], req[64];
			snprintf(id, sizeof(id), "msg_gen_%06ld_%04ld", k, j);
			snprintf(req, sizeof(req), "req_gen_%06ld_%04ld", k, j);
			long output = 10 + (k + j) % 90;
			int n = format_line(line, sizeof(line), k % dirs, k, id, req, 8 * 3600 + (k * lines + j) % 3600, output);
			if (n < 0 || n >= (int)sizeof(line))
				die("line too long");
			write_all(fd, line, (size_t)n, path);
			output_sum += output;
			bytes += n;
		}
		if (close(fd) < 0)
			die("close %s: %s", path, strerror(errno));
		free(path);
	}
	printf("files=%ld\ndirs=%ld\nlines=%ld\nbytes=%" PRId64 "\noutput_tokens=%" PRId64 "\n", files,
	       dirs < files ? dirs : files, files * lines, bytes, output_sum);
	return 0;
}

/* ---- run ---- */

typedef struct sample {
	long seq, file;
	int64_t latency_ns, write_ns;
	int64_t query_ns; /* the longest poll (a read waiting on the store?) */
	int64_t oversleep_ns; /* the longest sleep past its interval (this process not running) */
	long polls;
	bool wal_reset; /* the WAL began anew (after a checkpoint) during this append */
} sample;

/* The WAL header's checkpoint sequence number (big-endian at byte 12): a
 * writer bumps it when it starts the WAL over after a full checkpoint. -1
 * when there is no WAL to read. */
static long wal_ckpt_seq(int fd)
{
	unsigned char h[16];
	if (fd < 0 || pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h))
		return -1;
	return (long)((uint32_t)h[12] << 24 | (uint32_t)h[13] << 16 | (uint32_t)h[14] << 8 | h[15]);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted v[0..n-1]: the smallest value with at
 * least p% of the samples at or below it. */
static int64_t pct(const int64_t *v, long n, double p)
{
	long rank = (long)((p / 100.0) * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

static double ms(int64_t ns)
{
	return (double)ns / 1e6;
}

static sqlite3 *open_ro(const char *db_path)
{
	/* a URI: escape what would end the path part */
	size_t n = strlen(db_path);
	char *uri = malloc(3 * n + 32);
	if (!uri)
		die("out of memory");
	char *o = uri + sprintf(uri, "file:");
	for (const char *c = db_path; *c; c++) {
		if (*c == '?' || *c == '#' || *c == '%')
			o += sprintf(o, "%%%02X", (unsigned char)*c);
		else
			*o++ = *c;
	}
	strcpy(o, "?mode=ro");
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK)
		die("cannot open %s read-only: %s", uri, db ? sqlite3_errmsg(db) : "out of memory");
	free(uri);
	sqlite3_busy_timeout(db, 2000);
	return db;
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die("prepare %s: %s", sql, sqlite3_errmsg(db));
	return st;
}

static int cmd_run(int argc, char **argv)
{
	const char *projects = NULL, *db_path = NULL, *samples_path = NULL, *tag = "a";
	long dirs = 10, files = 50, use = 0, appends = 1000, poll_us = 200, timeout_ms = 10000, slow_ms = 2;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (i + 1 >= argc)
			die("run: %s needs a value", a);
		if (!strcmp(a, "--projects"))
			projects = argv[++i];
		else if (!strcmp(a, "--db"))
			db_path = argv[++i];
		else if (!strcmp(a, "--samples"))
			samples_path = argv[++i];
		else if (!strcmp(a, "--tag"))
			tag = argv[++i];
		else if (!strcmp(a, "--dirs"))
			dirs = parse_long(a, argv[++i], 1, 999);
		else if (!strcmp(a, "--files"))
			files = parse_long(a, argv[++i], 1, 1000000);
		else if (!strcmp(a, "--use"))
			use = parse_long(a, argv[++i], 1, 1000000);
		else if (!strcmp(a, "--appends"))
			appends = parse_long(a, argv[++i], 1, 10000000);
		else if (!strcmp(a, "--poll-us"))
			poll_us = parse_long(a, argv[++i], 0, 1000000);
		else if (!strcmp(a, "--timeout-ms"))
			timeout_ms = parse_long(a, argv[++i], 1, 3600000);
		else if (!strcmp(a, "--slow-ms"))
			slow_ms = parse_long(a, argv[++i], 1, 3600000);
		else
			die("run: unknown option %s", a);
	}
	if (!projects || !db_path)
		die("run: --projects DIR and --db PATH are required");
	if (use == 0 || use > files)
		use = files;
	if (strlen(tag) > 16 || strspn(tag, "abcdefghijklmnopqrstuvwxyz0123456789") != strlen(tag))
		die("run: --tag is up to 16 of [a-z0-9]");

	/* the default 50 us of timer slack would be a quarter of the poll interval */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);

	sqlite3 *db = open_ro(db_path);
	/* usage(msg_id) has a partial index (msg_id IS NOT NULL); '=' lets it be used */
	sqlite3_stmt *has = prepare(db, "SELECT 1 FROM usage WHERE msg_id = ?1");
	FILE *sf = NULL;
	if (samples_path && !(sf = fopen(samples_path, "w")))
		die("cannot write %s: %s", samples_path, strerror(errno));
	if (sf)
		fprintf(sf, "seq\tfile\tlatency_us\twrite_us\tmax_query_us\tmax_oversleep_us\tpolls\twal_reset\n");
	char wal_path[PATH_MAX];
	snprintf(wal_path, sizeof(wal_path), "%s-wal", db_path);
	int wal_fd = open(wal_path, O_RDONLY | O_CLOEXEC);
	long ckpt = wal_ckpt_seq(wal_fd);

	sample *s = calloc((size_t)appends, sizeof(*s));
	int64_t *lat = calloc((size_t)appends, sizeof(*lat));
	if (!s || !lat)
		die("out of memory");
	char **paths = calloc((size_t)use, sizeof(char *));
	if (!paths)
		die("out of memory");
	for (long k = 0; k < use; k++)
		paths[k] = file_path(projects, dirs, k);

	struct rusage ru0, ru1;
	getrusage(RUSAGE_SELF, &ru0);
	int64_t output_sum = 0, run_t0 = now_ns();
	const struct timespec nap = {0, poll_us * 1000};
	char line[LINE_MAX_BYTES];
	for (long i = 0; i < appends; i++) {
		long k = i % use;
		char id[64], req[64];
		snprintf(id, sizeof(id), "msg_lat_%s_%07ld", tag, i);
		snprintf(req, sizeof(req), "req_lat_%s_%07ld", tag, i);
		long output = 1 + i % 100;
		int n = format_line(line, sizeof(line), k % dirs, k, id, req, 10 * 3600 + i, output);
		if (n < 0 || n >= (int)sizeof(line))
			die("line too long");
		output_sum += output;
		if (sqlite3_bind_text(has, 1, id, -1, SQLITE_TRANSIENT) != SQLITE_OK)
			die("bind: %s", sqlite3_errmsg(db));

		/* the way a tool appends: open, one write of the whole line, close */
		int64_t t0 = now_ns();
		int fd = open(paths[k], O_WRONLY | O_APPEND | O_CLOEXEC);
		if (fd < 0)
			die("open %s: %s", paths[k], strerror(errno));
		write_all(fd, line, (size_t)n, paths[k]);
		close(fd);
		int64_t tw = now_ns(), query = 0, oversleep = 0;
		long polls = 0;
		for (;;) {
			int64_t tq = now_ns();
			int rc = sqlite3_step(has);
			polls++;
			bool found = rc == SQLITE_ROW;
			if (rc != SQLITE_ROW && rc != SQLITE_DONE)
				die("polling %s: %s", db_path, sqlite3_errmsg(db));
			sqlite3_reset(has);
			int64_t t1 = now_ns();
			query = t1 - tq > query ? t1 - tq : query;
			if (found) {
				s[i] = (sample){.seq = i, .file = k, .latency_ns = t1 - t0, .write_ns = tw - t0,
						.query_ns = query, .oversleep_ns = oversleep, .polls = polls};
				long c = wal_ckpt_seq(wal_fd); /* outside the timed part */
				s[i].wal_reset = c != ckpt;
				ckpt = c;
				break;
			}
			if (t1 - t0 > (int64_t)timeout_ms * 1000000)
				die("%s (append %ld, file %s) not in the store after %ld ms", id, i, paths[k], timeout_ms);
			if (poll_us > 0) {
				nanosleep(&nap, NULL);
				int64_t over = now_ns() - t1 - poll_us * 1000;
				oversleep = over > oversleep ? over : oversleep;
			}
		}
		lat[i] = s[i].latency_ns;
		if (sf)
			fprintf(sf, "%ld\t%ld\t%.1f\t%.1f\t%.1f\t%.1f\t%ld\t%d\n", i, k, s[i].latency_ns / 1e3,
				s[i].write_ns / 1e3, s[i].query_ns / 1e3, s[i].oversleep_ns / 1e3, s[i].polls,
				s[i].wal_reset);
	}
	int64_t run_ns = now_ns() - run_t0;
	getrusage(RUSAGE_SELF, &ru1);
	if (sf && fclose(sf) != 0)
		die("writing %s: %s", samples_path, strerror(errno));

	/* every appended row is there, once, with its tokens */
	char sql[160];
	snprintf(sql, sizeof(sql), "SELECT count(*), coalesce(sum(output), 0) FROM usage WHERE msg_id LIKE 'msg_lat_%s_%%'",
		 tag);
	sqlite3_stmt *tot = prepare(db, sql);
	if (sqlite3_step(tot) != SQLITE_ROW)
		die("%s: %s", sql, sqlite3_errmsg(db));
	int64_t rows = sqlite3_column_int64(tot, 0), rows_out = sqlite3_column_int64(tot, 1);
	sqlite3_finalize(tot);

	/* The slow tail, sorted by cause, first match wins: the watcher
	 * restarted its WAL after a checkpoint; this process was not running
	 * (its write or one sleep overran by over half the slow threshold, so
	 * the time says little about the watcher); one query waited that long
	 * on the store; none of these. */
	int64_t first = lat[0], sum = 0, polls = 0, slow_ns = (int64_t)slow_ms * 1000000;
	long resets = 0, slow = 0, slow_reset = 0, slow_stall = 0, slow_query = 0;
	for (long i = 0; i < appends; i++) {
		sum += lat[i];
		polls += s[i].polls;
		resets += s[i].wal_reset;
		if (s[i].latency_ns <= slow_ns)
			continue;
		slow++;
		if (s[i].wal_reset)
			slow_reset++;
		else if (s[i].write_ns > slow_ns / 2 || s[i].oversleep_ns > slow_ns / 2)
			slow_stall++;
		else if (s[i].query_ns > slow_ns / 2)
			slow_query++;
	}
	if (wal_fd >= 0)
		close(wal_fd);
	qsort(lat, (size_t)appends, sizeof(*lat), cmp_i64);
	double cpu = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec + ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
		     (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec + ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) /
			     1e6;
	printf("appends=%ld\nfiles_used=%ld\npoll_us=%ld\n", appends, use, poll_us);
	printf("min_ms=%.3f\nmedian_ms=%.3f\np90_ms=%.3f\np99_ms=%.3f\nmax_ms=%.3f\nmean_ms=%.3f\nfirst_ms=%.3f\n",
	       ms(lat[0]), ms(pct(lat, appends, 50)), ms(pct(lat, appends, 90)), ms(pct(lat, appends, 99)),
	       ms(lat[appends - 1]), ms(sum) / (double)appends, ms(first));
	printf("polls_per_append=%.1f\nrun_s=%.3f\nreader_cpu_s=%.3f\n", (double)polls / (double)appends, run_ns / 1e9,
	       cpu);
	printf("slow_ms=%ld\nslow=%ld\nwal_resets=%ld\nslow_at_wal_reset=%ld\nslow_reader_stall=%ld\n"
	       "slow_query=%ld\nslow_other=%ld\n",
	       slow_ms, slow, resets, slow_reset, slow_stall, slow_query, slow - slow_reset - slow_stall - slow_query);
	printf("output_tokens=%" PRId64 "\nrows_found=%" PRId64 "\nrows_output_tokens=%" PRId64 "\n", output_sum, rows,
	       rows_out);
	sqlite3_finalize(has);
	sqlite3_close(db);
	for (long k = 0; k < use; k++)
		free(paths[k]);
	free(paths);
	free(s);
	free(lat);
	if (rows != appends || rows_out != output_sum)
		die("the store has %" PRId64 " of the %ld appended rows with %" PRId64 " output tokens, expected %" PRId64,
		    rows, appends, rows_out, output_sum);
	return 0;
}

/* ---- cpu ---- */

static void spin(long iters)
{
	volatile uint64_t x = 1;
	for (long i = 0; i < iters; i++)
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
}

/* Wall time of `procs` processes each spinning `iters` times at once. */
static double spin_wall(int procs, long iters)
{
	int64_t t0 = now_ns();
	for (int p = 0; p < procs; p++) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork: %s", strerror(errno));
		if (pid == 0) {
			spin(iters);
			_exit(0);
		}
	}
	for (int p = 0; p < procs; p++)
		wait(NULL);
	return (double)(now_ns() - t0) / 1e9;
}

static int cmd_cpu(void)
{
	long iters = 20000000;
	while (spin_wall(1, iters) < 0.3 && iters < (1L << 40))
		iters *= 2; /* calibrate to a few hundred ms */
	double one = 1e9, two = 1e9;
	for (int r = 0; r < 3; r++) { /* best of three each */
		double a = spin_wall(1, iters), b = spin_wall(2, iters);
		one = a < one ? a : one;
		two = b < two ? b : two;
	}
	/* 2 busy processes doing the work of one each: cores = 2 * one / two */
	printf("one_s=%.3f\ntwo_s=%.3f\neffective_cores=%.2f\n", one, two, 2.0 * one / two);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr,
			"usage: %s gen --projects DIR [--dirs D] [--files N] [--lines L]\n"
			"       %s run --projects DIR --db STORE [--dirs D] [--files N] [--use F] [--appends A]\n"
			"                  [--poll-us U] [--timeout-ms T] [--slow-ms S] [--samples FILE] [--tag T]\n"
			"       %s cpu\n",
			prog, prog, prog);
		return 2;
	}
	if (!strcmp(argv[1], "gen"))
		return cmd_gen(argc - 2, argv + 2);
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 2, argv + 2);
	if (!strcmp(argv[1], "cpu"))
		return cmd_cpu();
	die("unknown command %s", argv[1]);
}

/*
 * Shared command-line plumbing: option parsing, default paths, opening the
 * store with a read-only fallback, the scan with its progress line and its
 * warning summary. Commands stay short because of this file.
 */
#include "cli.h"
#include "sources.h"
#include "tools.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	OPT_CSV = 1000,
	OPT_SOURCE,
	OPT_FULL_PATH,
	OPT_DB,
	OPT_PRICING,
	OPT_NO_SCAN,
	OPT_COLOR,
	OPT_NO_COLOR,
	OPT_WEEK_START,
	OPT_WITH_CLOUD,
};

static const struct option long_opts[] = {
	{"json", no_argument, NULL, 'j'},
	{"csv", no_argument, NULL, OPT_CSV},
	{"breakdown", no_argument, NULL, 'b'},
	{"since", required_argument, NULL, 's'},
	{"until", required_argument, NULL, 'u'},
	{"timezone", required_argument, NULL, 'z'},
	{"source", required_argument, NULL, OPT_SOURCE},
	{"project", required_argument, NULL, 'p'},
	{"full-path", no_argument, NULL, OPT_FULL_PATH},
	{"order", required_argument, NULL, 'o'},
	{"db", required_argument, NULL, OPT_DB},
	{"pricing", required_argument, NULL, OPT_PRICING},
	{"no-scan", no_argument, NULL, OPT_NO_SCAN},
	{"color", no_argument, NULL, OPT_COLOR},
	{"no-color", no_argument, NULL, OPT_NO_COLOR},
	{"start-of-week", required_argument, NULL, OPT_WEEK_START},
	{"with-cloud", no_argument, NULL, OPT_WITH_CLOUD},
	{"verbose", no_argument, NULL, 'v'},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static int usage_error(const au_cmd *cmd, const char *fmt, const char *arg)
	__attribute__((format(printf, 2, 0)));

static int usage_error(const au_cmd *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "aiusage %s: ", cmd->name);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	fprintf(stderr, fmt, arg);
#pragma GCC diagnostic pop
	fprintf(stderr, "\nTry 'aiusage %s --help'.\n", cmd->name);
	return AU_EXIT_USAGE;
}

static int weekday_from_name(const char *s)
{
	static const char *const names[] = {"sunday", "monday", "tuesday", "wednesday",
					    "thursday", "friday", "saturday"};
	for (int i = 0; i < 7; i++)
		if (g_ascii_strcasecmp(s, names[i]) == 0)
			return i;
	return -1;
}

bool au_parse_options(const au_cmd *cmd, int argc, char **argv, au_opts *o, int *ret_exit)
{
	memset(o, 0, sizeof(*o));
	o->color = -1;
	o->week_start = 1;
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":jbs:u:z:p:o:vqh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case OPT_CSV:
			o->csv = true;
			break;
		case 'b':
			o->breakdown = true;
			break;
		case 's':
			free(o->since);
			o->since = xstrdup(optarg);
			break;
		case 'u':
			free(o->until);
			o->until = xstrdup(optarg);
			break;
		case 'z':
			free(o->timezone);
			o->timezone = xstrdup(optarg);
			break;
		case OPT_SOURCE: {
			au_source src = au_source_by_name(optarg);
			if (src == AU_SRC_NONE && strcmp(optarg, "all") != 0) {
				char *known = au_tool_names(); /* every tool in the registry */
				char *msg = xasprintf("unknown source '%s' (known: %s, all)", optarg, known);
				*ret_exit = usage_error(cmd, "%s", msg);
				free(msg);
				free(known);
				return false;
			}
			o->source = src;
			break;
		}
		case 'p':
			free(o->project);
			o->project = xstrdup(optarg);
			break;
		case OPT_FULL_PATH:
			o->full_path = true;
			break;
		case 'o':
			if (strcmp(optarg, "asc") == 0)
				o->order_desc = false;
			else if (strcmp(optarg, "desc") == 0)
				o->order_desc = true;
			else {
				*ret_exit = usage_error(cmd, "--order takes asc or desc, not '%s'", optarg);
				return false;
			}
			break;
		case OPT_DB:
			free(o->db_path);
			o->db_path = au_expand_home(optarg);
			break;
		case OPT_PRICING:
			free(o->pricing_file);
			o->pricing_file = au_expand_home(optarg);
			break;
		case OPT_NO_SCAN:
			o->no_scan = true;
			break;
		case OPT_COLOR:
			o->color = 1;
			break;
		case OPT_NO_COLOR:
			o->color = 0;
			break;
		case OPT_WEEK_START:
			o->week_start = weekday_from_name(optarg);
			if (o->week_start < 0) {
				*ret_exit = usage_error(cmd, "--start-of-week takes a day name, not '%s'", optarg);
				return false;
			}
			break;
		case OPT_WITH_CLOUD:
			o->with_cloud = true;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'q':
			o->quiet++;
			break;
		case 'h':
			au_print_help(cmd, stdout);
			*ret_exit = AU_EXIT_OK;
			return false;
		case ':':
			*ret_exit = usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
			return false;
		default:
			*ret_exit = usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
			return false;
		}
	}
	if (optind < argc) {
		*ret_exit = usage_error(cmd, "unexpected argument '%s'", argv[optind]);
		return false;
	}
	if (o->json && o->csv) {
		*ret_exit = usage_error(cmd, "%s", "--json and --csv exclude each other");
		return false;
	}
	return true;
}

void au_opts_release(au_opts *o)
{
	free(o->db_path);
	free(o->pricing_file);
	free(o->since);
	free(o->until);
	free(o->timezone);
	free(o->project);
}

char *au_default_db_path(void)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	if (xdg && xdg[0] == '/')
		return xasprintf("%s/aiusage/usage.db", xdg);
	const char *home = getenv("HOME");
	return xasprintf("%s/.local/share/aiusage/usage.db", home && *home ? home : g_get_home_dir());
}

au_store *au_open_store(const au_opts *o, bool *ret_writable)
{
	char *path = o->db_path ? xstrdup(o->db_path) : au_default_db_path();
	au_store *s = NULL;
	au_err err;
	int r = au_store_open(path, false, &s, &err);
	*ret_writable = r == 0;
	/* one line: what is wrong, and (unless another aiusage holds it for
	 * a moment) the way out */
	const char *hint = r == -EBUSY ? "" : " ('--db PATH' puts the store where you can write)";
	if (r < 0) {
		/* Locked, read-only or on a full disk: what is stored can still
		 * be shown, but the command fails (au_run_scan returns false). */
		au_err err2;
		if (access(path, F_OK) == 0 && au_store_open(path, true, &s, &err2) == 0) {
			if (!o->no_scan)
				fprintf(stderr, "aiusage: cannot write the store, so nothing new was scanned: %s%s\n",
					err.msg, hint);
		} else {
			fprintf(stderr, "aiusage: %s%s\n", err.msg, hint);
			s = NULL;
		}
	} else if (au_store_warning(s) && !o->quiet) {
		fprintf(stderr, "aiusage: warning: %s\n", au_store_warning(s));
	}
	free(path);
	return s;
}

au_pricing *au_load_pricing(const au_opts *o)
{
	au_pricing *p = au_pricing_new();
	if (o->pricing_file) {
		au_err err;
		if (au_pricing_load_file(p, o->pricing_file, &err) < 0) {
			fprintf(stderr, "aiusage: %s\n", err.msg);
			au_pricing_free(p);
			return NULL;
		}
	}
	return p;
}

typedef struct progress_ctx {
	gint64 start;
	bool shown;
} progress_ctx;

static void on_progress(void *ud, const au_scan_stats *st)
{
	progress_ctx *pc = ud;
	if (g_get_monotonic_time() - pc->start < 300000)
		return; /* quick scans stay silent */
	fprintf(stderr, "\r\033[Kscanning: %" PRId64 " files, %.0f MiB read, %" PRId64 " responses",
		st->files, st->bytes_read / 1048576.0, st->responses_new);
	pc->shown = true;
}

bool au_run_scan(au_store *s, au_pricing *p, const au_opts *o, au_scan_stats *st, bool writable)
{
	au_scan_stats_init(st);
	if (o->no_scan)
		return true;
	if (!writable)
		return false; /* au_open_store said why */
	au_err err;
	if (au_store_reprice(s, p, &err) < 0) {
		fprintf(stderr, "aiusage: warning: could not update stored costs: %s\n", err.msg);
	}
	progress_ctx pc = {g_get_monotonic_time(), false};
	au_scan_opts so = {.only = AU_SRC_NONE};
	int64_t threads;
	const char *tenv = getenv("AIUSAGE_SCAN_THREADS");
	if (tenv && au_parse_int64(tenv, &threads) && threads > 0 && threads <= 64)
		so.threads = (int)threads;
	if (isatty(STDERR_FILENO) && !o->quiet) {
		so.progress = on_progress;
		so.progress_ud = &pc;
	}
	int r = au_scan(s, p, &so, st, &err);
	if (pc.shown)
		fputs("\r\033[K", stderr);
	if (r < 0) {
		fprintf(stderr, "aiusage: scan stopped: %s\n", err.msg);
		return false;
	}
	return true;
}

void au_print_scan_warnings(const au_scan_stats *st, const au_opts *o)
{
	if (o->quiet)
		return;
	guint shown = st->warnings->len;
	if (!o->verbose && shown > 3)
		shown = 3;
	for (guint i = 0; i < shown; i++)
		fprintf(stderr, "aiusage: warning: %s\n", (char *)st->warnings->pdata[i]);
	if (st->warnings_total > shown)
		fprintf(stderr, "aiusage: %" PRId64 " more warning(s)%s\n", st->warnings_total - shown,
			o->verbose ? "" : "; 'aiusage scan -v' lists them");
	if (o->verbose) {
		for (guint i = 0; i < st->notes->len; i++)
			fprintf(stderr, "aiusage: note: %s\n", (char *)st->notes->pdata[i]);
		if (st->skipped > st->notes->len)
			fprintf(stderr, "aiusage: note: %" PRId64 " more path(s) skipped\n",
				st->skipped - (int64_t)st->notes->len);
	}
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init(&it, st->fallback);
	while (g_hash_table_iter_next(&it, &k, &v))
		fprintf(stderr, "aiusage: note: %d Codex response(s) named no model; counted as %s\n",
			GPOINTER_TO_INT(v), (char *)k);
}

bool au_use_color(const au_opts *o, FILE *f)
{
	if (o->color >= 0)
		return o->color;
	const char *nc = getenv("NO_COLOR");
	if (nc && *nc)
		return false;
	const char *term = getenv("TERM");
	if (term && strcmp(term, "dumb") == 0)
		return false;
	return isatty(fileno(f));
}

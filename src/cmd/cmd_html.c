/*
 * aiusage html: the dashboard as one self-contained HTML file (inline SVG
 * and CSS, no script, no URL), from the same report structures --json
 * prints; reports/render_html.c draws it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "dashboard.h"

enum { OPT_OUTPUT };

/* "aiusage-2026-11-17.html": today in the report's zone. */
static char *default_name(const au_insight_run *x)
{
	GDateTime *u = g_date_time_new_from_unix_utc(x->now / 1000);
	GDateTime *l = u ? g_date_time_to_timezone(u, x->tz) : NULL;
	char *day = l ? g_date_time_format(l, "%Y-%m-%d") : g_strdup("report");
	char *name = xasprintf("aiusage-%s.html", day);
	g_free(day);
	if (l)
		g_date_time_unref(l);
	if (u)
		g_date_time_unref(u);
	return name;
}

/* The filters in effect, for the page's header. */
static char *filters_text(const au_opts *o)
{
	GString *s = g_string_new(NULL);
	if (o->source != AU_SRC_NONE)
		g_string_append_printf(s, "source %s", au_source_name(o->source));
	if (o->project)
		g_string_append_printf(s, "%sproject %s", s->len ? ", " : "", o->project);
	return g_string_free(s, FALSE);
}

/* Writes the page to path through a temporary file and a rename, so a
 * reader never sees half a report. */
static int write_file(const char *path, const au_dash *d, const au_html_opts *ho, au_err *err)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	if (!f) {
		int r = au_fail(err, errno, "cannot write %s: %s", tmp, strerror(errno));
		free(tmp);
		return r;
	}
	au_render_html(f, d, ho);
	bool bad = ferror(f) != 0;
	if (fclose(f) != 0 || bad || rename(tmp, path) != 0) {
		int e = errno ? errno : EIO;
		unlink(tmp);
		free(tmp);
		return au_fail(err, e, "cannot write %s: %s", path, strerror(e));
	}
	free(tmp);
	return 0;
}

static int run(const au_cmd *cmd, int argc, char **argv)
{
	au_insight_run x;
	int code;
	if (!au_insight_begin(cmd, argc, argv, &x, &code))
		return code;
	code = AU_EXIT_FAIL;
	au_config *cfg = NULL;
	au_budget_rules rules = {0};
	au_err err;
	if (au_config_load(x.o.config_path, &cfg, &err) < 0) {
		fprintf(stderr, "aiusage: warning: budgets left out: %s\n", err.msg);
		cfg = NULL;
	} else {
		au_config_rules(cfg, &rules);
	}
	if (!au_insight_open(&x))
		goto out;
	au_dash_opts o = {
		.tz = x.tz,
		.tz_name = x.tz_name,
		.since_day = x.f.since_day,
		.until_day = x.f.until_day,
		.source = x.f.source,
		.project = x.f.project,
		.full_path = x.f.full_path,
		.now_ms = x.now,
		.pricing = x.p,
		.budgets = cfg ? cfg->budgets : NULL,
		.rules = cfg ? &rules : NULL,
	};
	au_dash *d;
	if (au_dash_build(x.s, &o, &d, &err) < 0) {
		fprintf(stderr, "aiusage: %s\n", err.msg);
		goto out;
	}
	for (guint i = 0; i < d->daily->unpriced_models->len; i++)
		au_insight_warn_unpriced(&x, d->daily->unpriced_models->pdata[i]);
	char *filters = filters_text(&x.o);
	au_html_opts ho = {.live = false, .filters = filters};
	const char *out = au_opt_own(&x.o, OPT_OUTPUT);
	if (out && strcmp(out, "-") == 0) {
		au_render_html(stdout, d, &ho);
		code = fflush(stdout) == 0 && !ferror(stdout) ? AU_EXIT_OK : AU_EXIT_FAIL;
	} else {
		char *path = out ? xstrdup(out) : default_name(&x);
		if (write_file(path, d, &ho, &err) < 0) {
			fprintf(stderr, "aiusage: %s\n", err.msg);
		} else {
			printf("%s\n", path);
			code = AU_EXIT_OK;
		}
		free(path);
	}
	if (x.scan_failed)
		code = AU_EXIT_FAIL;
	g_free(filters);
	au_dash_free(d);
out:
	if (cfg)
		au_budget_rules_release(&rules);
	au_config_free(cfg);
	au_insight_end(&x);
	return code;
}

static const au_option opt_output = {"output", 'o', "FILE",
				     "where to write the page; - for stdout (default aiusage-DAY.html here)",
				     AU_OWN(OPT_OUTPUT)};

static const au_cmd_opt options[] = {
	AU_OPTS_FILTER, AU_O(AU_O_FULL_PATH), AU_OWN_OPT(opt_output), AU_OPTS_STORE, AU_O(AU_O_CONFIG),
	AU_OPTS_WARN,	AU_OPTS_END,
};

const au_cmd au_cmd_html_entry = {
	.name = "html",
	.summary = "write the dashboard as one self-contained HTML file",
	.description =
		"Writes one HTML file with the figures of the reports (the same as --json for\n"
		"the same options): the range's cost, tokens and responses; daily cost stacked\n"
		"by model, source or project; tokens by kind; the cache hit ratio and dollars\n"
		"saved; a calendar of daily cost; the top projects, sessions and models; Claude's\n"
		"5-hour blocks; the budgets; what providers billed beside the estimate, when\n"
		"'cloud sync' stored any. Hovering shows exact figures, and a table under each\n"
		"chart holds them for screen readers and copying. The file has inline SVG and\n"
		"CSS, no script and no URL, so it opens offline and can be mailed; it follows\n"
		"the system's dark mode and prints on A4 and Letter. Its name is printed.\n",
	.options = options,
	.examples = "aiusage html\naiusage html --since this-month -o month.html\naiusage html -o - | gzip > report.html.gz\n",
	.run = run,
};

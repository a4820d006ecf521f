/*
 * aiusage scan: bring the store up to date and say where we looked, what
 * we found and what we had to skip.
 */
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"

static void print_json(const au_scan_stats *st)
{
	printf("{\"roots\":[");
	for (guint i = 0; i < st->roots->len; i++) {
		au_root_info *ri = &g_array_index(st->roots, au_root_info, i);
		char *dir = g_strescape(ri->dir, NULL);
		printf("%s{\"source\":\"%s\",\"dir\":\"%s\",\"exists\":%s,\"files\":%" PRId64 ",\"bytes\":%" PRId64 "}",
		       i ? "," : "", au_source_name(ri->source), dir, ri->exists ? "true" : "false", ri->files,
		       ri->bytes);
		g_free(dir);
	}
	printf("],\"files\":%" PRId64 ",\"filesRead\":%" PRId64 ",\"filesUnchanged\":%" PRId64
	       ",\"filesReread\":%" PRId64 ",\"bytesRead\":%" PRId64 ",\"events\":%" PRId64
	       ",\"newResponses\":%" PRId64 ",\"replacedResponses\":%" PRId64 ",\"duplicateCopies\":%" PRId64
	       ",\"sidechainReplays\":%" PRId64 ",\"malformedLines\":%" PRId64 ",\"oversizedLines\":%" PRId64
	       ",\"unreadableFiles\":%" PRId64 ",\"partialLines\":%" PRId64 ",\"warnings\":%" PRId64 "}\n",
	       st->files, st->files_read, st->files_unchanged, st->files_reread, st->bytes_read, st->events,
	       st->responses_new, st->responses_replaced, st->copies_kept, st->replays, st->malformed,
	       st->oversized, st->unreadable, st->partial_lines, st->warnings_total);
}

static void print_text(const au_scan_stats *st)
{
	printf("Looked in:\n");
	for (guint i = 0; i < st->roots->len; i++) {
		au_root_info *ri = &g_array_index(st->roots, au_root_info, i);
		if (ri->exists)
			printf("  %-8s %s: %" PRId64 " log file(s), %.1f MiB\n", au_source_name(ri->source), ri->dir,
			       ri->files, ri->bytes / 1048576.0);
		else
			printf("  %-8s %s: does not exist\n", au_source_name(ri->source), ri->dir);
	}
	printf("Read %" PRId64 " of %" PRId64 " file(s) (%.1f MiB new; %" PRId64 " unchanged, %" PRId64
	       " re-read after a rewrite).\n",
	       st->files_read, st->files, st->bytes_read / 1048576.0, st->files_unchanged, st->files_reread);
	printf("Usage records: %" PRId64 " (%" PRId64 " new responses, %" PRId64 " updated by a later copy, %" PRId64
	       " duplicate copies, %" PRId64 " sidechain replays dropped).\n",
	       st->events, st->responses_new, st->responses_replaced, st->copies_kept, st->replays);
	if (st->malformed || st->oversized || st->unreadable)
		printf("Skipped: %" PRId64 " malformed line(s), %" PRId64 " oversized line(s), %" PRId64
		       " unreadable file(s).\n",
		       st->malformed, st->oversized, st->unreadable);
	if (st->partial_lines)
		printf("%" PRId64 " file(s) end in a partial line, left for the next scan.\n", st->partial_lines);
}

static int run(const au_cmd *cmd, int argc, char **argv)
{
	au_opts o;
	int code;
	if (!au_parse_options(cmd, argc, argv, &o, &code))
		return code;
	bool writable;
	au_pricing *p = au_load_pricing(&o);
	au_store *s = p ? au_open_store(&o, &writable) : NULL;
	code = AU_EXIT_FAIL;
	if (s && writable) {
		au_scan_stats st;
		bool ok = au_run_scan(s, p, &o, &st, true);
		if (o.verbose && !o.quiet)
			o.verbose = 2;
		au_print_scan_warnings(&st, &o);
		if (o.json)
			print_json(&st);
		else if (!o.quiet)
			print_text(&st);
		au_scan_stats_release(&st);
		code = ok ? AU_EXIT_OK : AU_EXIT_FAIL;
	} else if (s) {
		fprintf(stderr, "aiusage: cannot scan: the store is not writable\n");
	}
	au_store_close(s);
	au_pricing_free(p);
	au_opts_release(&o);
	return code;
}

static const au_cmd_opt options[] = {
	AU_O(AU_O_DB),
	AU_O(AU_O_PRICING),
	AU_OH(AU_O_JSON, "the scan's statistics as JSON"),
	AU_OH(AU_O_VERBOSE, "list every warning (corrupt lines, unreadable files)"),
	AU_OH(AU_O_QUIET, "print nothing unless something failed"),
	AU_OPTS_END,
};

const au_cmd au_cmd_scan_entry = {
	.name = "scan",
	.summary = "read new log lines into the store and say what was found",
	.description = "Reads every log file that changed since the last scan (only its new bytes)\n"
		       "into the store, then prints where it looked and what it found.\n",
	.options = options,
	.examples = "aiusage scan -v\n",
	.run = run,
};

/*
 * aiusage scan: bring the store up to date and say where we looked, what
 * we found and what we had to skip.
 */
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "jsonw.h"

static void print_json(const au_scan_stats *st)
{
	au_jw jw, *w = &jw;
	au_jw_init_file(w, stdout);
	au_jw_obj_begin(w);
	au_jw_key(w, "roots");
	au_jw_arr_begin(w);
	for (guint i = 0; i < st->roots->len; i++) {
		au_root_info *ri = &g_array_index(st->roots, au_root_info, i);
		au_jw_obj_begin(w);
		au_jw_kstr(w, "source", au_source_name(ri->source));
		/* a path is bytes: the writer keeps it valid JSON and UTF-8 */
		au_jw_kstr(w, "dir", ri->dir);
		au_jw_kbool(w, "exists", ri->exists);
		au_jw_kint(w, "files", ri->files);
		au_jw_kint(w, "bytes", ri->bytes);
		au_jw_obj_end(w);
	}
	au_jw_arr_end(w);
	au_jw_kint(w, "files", st->files);
	au_jw_kint(w, "filesRead", st->files_read);
	au_jw_kint(w, "filesUnchanged", st->files_unchanged);
	au_jw_kint(w, "filesReread", st->files_reread);
	au_jw_kint(w, "bytesRead", st->bytes_read);
	au_jw_kint(w, "events", st->events);
	au_jw_kint(w, "newResponses", st->responses_new);
	au_jw_kint(w, "replacedResponses", st->responses_replaced);
	au_jw_kint(w, "duplicateCopies", st->copies_kept);
	au_jw_kint(w, "sidechainReplays", st->replays);
	au_jw_kint(w, "malformedLines", st->malformed);
	au_jw_kint(w, "oversizedLines", st->oversized);
	au_jw_kint(w, "unreadableFiles", st->unreadable);
	au_jw_kint(w, "partialLines", st->partial_lines);
	au_jw_kint(w, "warnings", st->warnings_total);
	au_jw_kint(w, "dirs", st->dirs);
	au_jw_kint(w, "dirsFromCache", st->dirs_cached);
	au_jw_kbool(w, "keysFromCache", st->keys_cached);
	au_jw_obj_end(w);
	au_jw_newline(w);
	au_jw_finish(w);
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
		o.always_scan = true;
		bool ok = au_run_scan(s, p, &o, &st, true);
		if (o.verbose && !o.quiet)
			o.verbose = 2;
		au_print_scan_warnings(&st, &o);
		/* a failed scan rolled back: its counts were not kept */
		if (ok && o.json)
			print_json(&st);
		else if (ok && !o.quiet)
			print_text(&st);
		au_scan_stats_release(&st);
		code = ok ? AU_EXIT_OK : AU_EXIT_FAIL;
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

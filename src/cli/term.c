/*
 * The width of the terminal on standard output, and the old-prices note
 * (see term.h).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "dayarg.h"
#include "pricing.h"
#include "term.h"

#include <glib.h>
#include <string.h>
#include "util.h"

int au_terminal_width(void)
{
	const char *cols = getenv("COLUMNS");
	int64_t v;
	if (cols && au_parse_int64(cols, &v) && v > 0 && v < 10000)
		return (int)v;
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

void au_print_wrapped(FILE *f, const char *first, const char *rest, const char *text, int width)
{
	const char *lead = first;
	const char *p = text;
	for (;;) {
		int room = width > 0 ? width - (int)g_utf8_strlen(lead, -1) : 0;
		if (room < 20 || (long)g_utf8_strlen(p, -1) <= room) {
			fprintf(f, "%s%s\n", lead, p);
			return;
		}
		/* the last space within room characters, else the first after */
		const char *end = g_utf8_offset_to_pointer(p, room);
		const char *cut = end;
		while (cut > p && *cut != ' ')
			cut--;
		if (cut == p) {
			cut = strchr(end, ' ');
			if (!cut) {
				fprintf(f, "%s%s\n", lead, p);
				return;
			}
		}
		fprintf(f, "%s%.*s\n", lead, (int)(cut - p), p);
		p = cut + 1;
		lead = rest;
	}
}

void au_note_price_age(const struct au_opts *o)
{
	int64_t now;
	if (o->quiet || o->pricing_file || au_now_pinned(&now, NULL) < 0)
		return;
	/* the date of the prices in use: a saved catalog's, else the table's */
	int64_t day = 0;
	if (!au_parse_day(au_prices_as_of(), &day))
		return;
	int64_t age = au_floor_div(now, 86400000) - day;
	if (age <= AU_PRICING_STALE_DAYS)
		return;
	fflush(stdout);
	fprintf(stderr,
		"aiusage: note: prices as of %s (%" PRId64 " days old); `aiusage pricing update` or --pricing FILE updates them\n",
		au_prices_as_of(), age);
}

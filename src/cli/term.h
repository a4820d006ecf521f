/*
 * The terminal the commands print to: how wide it is (one helper for
 * every command that fits a table to the screen; it was three copies),
 * and the note every cost table ends with when the prices are old.
 */
#ifndef AU_TERM_H
#define AU_TERM_H

#include <stdio.h>

/* Columns to fit standard output to: $COLUMNS when it is a number from 1
 * to 9999 (so tests and scripts can pin it), else the terminal's width,
 * else 0 (a pipe or a file: no limit). */
int au_terminal_width(void);

/* Prints text wrapped at spaces to width columns (0: one line), the first
 * line after first, the others after rest (both counted in the width). */
void au_print_wrapped(FILE *f, const char *first, const char *rest, const char *text, int width);

/*
 * After a cost report's table: when the embedded prices are more than
 * AU_PRICING_STALE_DAYS old (now from AIUSAGE_NOW when set), one line on
 * stderr saying so. stderr, not stdout: the table a script captures or a
 * test compares stays the same whatever the date, while a person at the
 * terminal still sees the line right under the table (stdout is flushed
 * first). Nothing with -q, nor with --pricing (the user brought prices).
 * Never for --json or --csv: callers call it after a table only.
 */
struct au_opts;
void au_note_price_age(const struct au_opts *o);

#endif

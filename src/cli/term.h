/*
 * The terminal the commands print to: how wide it is. One helper for
 * every command that fits a table to the screen (it was three copies).
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

#endif

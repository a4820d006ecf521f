/*
 * The terminal the commands print to: how wide it is. One helper for
 * every command that fits a table to the screen (it was three copies).
 */
#ifndef AU_TERM_H
#define AU_TERM_H

/* Columns to fit standard output to: $COLUMNS when it is a number from 1
 * to 9999 (so tests and scripts can pin it), else the terminal's width,
 * else 0 (a pipe or a file: no limit). */
int au_terminal_width(void);

#endif

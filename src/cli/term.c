/*
 * The width of the terminal on standard output (see term.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "term.h"
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

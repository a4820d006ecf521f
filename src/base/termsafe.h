/*
 * Text from logs on its way to a terminal. A model name, a working
 * directory or a session id comes from a file anyone can write; printed
 * as is, "ESC ] 0;... BEL" retitles the terminal and "ESC [2J" clears it.
 * Every such string passes through au_term_safe before a table cell or a
 * warning line shows it (the table drawer and the warning printers call
 * it; nothing else needs to). JSON and CSV are not terminals: they keep
 * strings exact.
 */
#ifndef AU_TERMSAFE_H
#define AU_TERMSAFE_H

#include <stdbool.h>

/*
 * A copy of s (malloc'd) that a terminal shows as text: every control
 * character (C0, DEL and the C1 range U+0080-U+009F, which xterm also
 * reads as escapes) and every byte that is not UTF-8 is written as a
 * visible "\xNN" (C1 as "\u00NN"). With ascii (a locale that is not
 * UTF-8), other non-ASCII characters become ASCII too: the table's own
 * dashes and corners their ASCII look-alikes, "…" "...", anything else
 * "?". NULL gives "".
 */
char *au_term_safe(const char *s, bool ascii);

/* au_term_safe(s, !au_term_utf8()): a warning line's text, in this
 * locale. */
char *au_term_text(const char *s);

/* The locale's character set is UTF-8 (nl_langinfo(CODESET), so it
 * reads what setlocale(LC_ALL, "") set from LANG/LC_ALL/LC_CTYPE). */
bool au_term_utf8(void);

#endif

/*
 * Escaping log text for a terminal (see termsafe.h).
 */
#include "termsafe.h"

#include <langinfo.h>
#include <string.h>

#include <glib.h>

#include "util.h"

bool au_term_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (g_ascii_strcasecmp(cs, "UTF-8") == 0 || g_ascii_strcasecmp(cs, "UTF8") == 0);
}

/* What a non-UTF-8 terminal shows for the few characters aiusage itself
 * puts in cells; NULL for the rest. */
static const char *ascii_for(gunichar c)
{
	switch (c) {
	case 0x2014: /* — */
	case 0x2013: /* – */
	case 0x2500: /* ─ */
		return "-";
	case 0x2514: /* └ */
		return "`";
	case 0x2502: /* │ */
		return "|";
	case 0x2026: /* … */
		return "...";
	case 0x00D7: /* × */
		return "x";
	default:
		return NULL;
	}
}

char *au_term_safe(const char *s, bool ascii)
{
	if (!s)
		return xstrdup("");
	GString *out = g_string_sized_new(strlen(s) + 8);
	const char *p = s;
	while (*p) {
		unsigned char b = (unsigned char)*p;
		if (b < 0x80) {
			if (b < 0x20 || b == 0x7f)
				g_string_append_printf(out, "\\x%02x", b);
			else
				g_string_append_c(out, (char)b);
			p++;
			continue;
		}
		/* one whole UTF-8 character, or a byte that is not one */
		gunichar c = g_utf8_get_char_validated(p, -1);
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append_printf(out, "\\x%02x", b);
			p++;
			continue;
		}
		const char *next = g_utf8_next_char(p);
		if (c >= 0x80 && c <= 0x9f) {
			g_string_append_printf(out, "\\u%04x", (unsigned)c);
		} else if (ascii) {
			const char *a = ascii_for(c);
			g_string_append(out, a ? a : "?");
		} else {
			g_string_append_len(out, p, next - p);
		}
		p = next;
	}
	char *r = xstrdup(out->str);
	g_string_free(out, TRUE);
	return r;
}

char *au_term_text(const char *s)
{
	return au_term_safe(s, !au_term_utf8());
}

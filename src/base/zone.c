/*
 * What a zone name means (see zone.h). Kept apart from GLib's own parser
 * only for the cases where that parser's answer surprises users: lower-case
 * "utc", and the sign-flipped POSIX "UTC+2".
 */
#include "zone.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool is_utc_word(const char *s)
{
	return g_ascii_strcasecmp(s, "utc") == 0 || g_ascii_strcasecmp(s, "gmt") == 0 ||
	       g_ascii_strcasecmp(s, "z") == 0 || g_ascii_strcasecmp(s, "zulu") == 0;
}

/* "UTC+2", "gmt-05:30": a POSIX TZ string whose sign means the opposite. */
static bool is_posix_offset(const char *s)
{
	return (g_ascii_strncasecmp(s, "utc", 3) == 0 || g_ascii_strncasecmp(s, "gmt", 3) == 0) &&
	       (s[3] == '+' || s[3] == '-') && g_ascii_isdigit(s[4]);
}

int au_zone_parse(const char *name, GTimeZone **ret, au_err *err)
{
	*ret = NULL;
	if (!name || !*name)
		return au_fail(err, EINVAL, "an empty time zone (use an IANA name like Europe/Paris, UTC, or +02:00)");
	if (is_utc_word(name)) {
		*ret = g_time_zone_new_utc();
		return 0;
	}
	if (is_posix_offset(name)) {
		char sign = name[3] == '+' ? '+' : '-';
		return au_fail(err, EINVAL,
			       "time zone '%s' is ambiguous: POSIX reads it as %s UTC, the opposite of what it "
			       "seems to say; write the offset as %c%s (or an IANA name like Europe/Paris)",
			       name, sign == '+' ? "behind" : "ahead of", sign, name + 4);
	}
	/* A leading ':' is the POSIX way to name a zone file ($TZ=":Europe/Paris"). */
	GTimeZone *tz = g_time_zone_new_identifier(name[0] == ':' ? name + 1 : name);
	if (!tz)
		return au_fail(err, EINVAL,
			       "unknown time zone '%s' (use an IANA name like Europe/Paris, UTC, or an offset like +02:00)",
			       name);
	*ret = tz;
	return 0;
}

GTimeZone *au_zone_local(char **ret_warning)
{
	*ret_warning = NULL;
	const char *env = getenv("TZ");
	if (env && *env) {
		GTimeZone *tz = NULL;
		au_err err;
		if (au_zone_parse(env, &tz, &err) == 0)
			return tz;
		*ret_warning = g_strdup_printf("$TZ: %s; using UTC", err.msg);
		return g_time_zone_new_utc();
	}
	return g_time_zone_new_local();
}

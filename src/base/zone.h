/*
 * Time zones as users write them (--timezone, config.ini's [time] timezone,
 * $TZ): an IANA name ("Europe/Paris"), UTC in any case, or a fixed offset
 * ("+02:00", "-0530", "+2"). The POSIX forms "UTC+2" and "GMT+2" are
 * refused: POSIX reads them with the sign flipped (UTC+2 is two hours
 * *behind* UTC), which is never what someone typing them means. GLib does
 * the zone arithmetic; this file only decides what a name means.
 */
#ifndef AU_ZONE_H
#define AU_ZONE_H

#include <glib.h>

#include "util.h"

/* The zone name refers to; -EINVAL with a message that says what to write
 * instead. *ret is owned by the caller (g_time_zone_unref). */
int au_zone_parse(const char *name, GTimeZone **ret, au_err *err);

/*
 * The local zone: $TZ when it names a zone, else the system's. A $TZ that
 * is set but names no zone GLib can read falls back to UTC, as the C
 * library does; *ret_warning (malloc'd, or NULL) then says so, for the
 * caller to print.
 */
GTimeZone *au_zone_local(char **ret_warning);

#endif

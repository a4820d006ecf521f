/*
 * The user's config file, $XDG_CONFIG_HOME/aiusage/config.ini (a GLib key
 * file): budgets per day, week or month (overall, per source, per project),
 * the warning threshold, quiet hours, the notification cooldown and the
 * zone periods are counted in. Loading validates everything, so the rest of
 * the program can trust an au_config; a bad file is an error naming the
 * line, never a half-applied config.
 */
#ifndef AU_CONFIG_H
#define AU_CONFIG_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "budget.h"
#include "parser.h"
#include "util.h"

/* The file is read whole: anything bigger is an error, not a config. */
#define AU_CONFIG_MAX_BYTES (64 * 1024)
#define AU_CONFIG_MAX_BUDGETS 100
typedef struct au_config {
	GPtrArray *budgets;  /* au_budget*, in file order; owned */
	int warn_percent;    /* default 80 */
	int quiet_start_min, quiet_end_min; /* minutes after local midnight, -1 = none */
	int cooldown_s;      /* default 3600 */
	char *timezone;      /* IANA name, NULL = local */
	int week_start;      /* 0 = Sunday ... 6 = Saturday; default 1 */
	char *path;          /* the file it was read from; NULL when it did not exist */
} au_config;

/* $XDG_CONFIG_HOME/aiusage/config.ini, default ~/.config/...; malloc'd. */
char *au_config_default_path(void);

/*
 * Reads and validates `path` (NULL: the default path). A missing file gives
 * the defaults and returns 0; a bad one returns -EINVAL (-EFBIG when too
 * big, another -errno when unreadable) with "PATH:LINE: what is wrong" in
 * err. *ret is owned by the caller (au_config_free).
 */
int au_config_load(const char *path, au_config **ret, au_err *err);
/* Same, from text in memory; `name` is used in messages. */
int au_config_parse(const char *text, size_t len, const char *name, au_config **ret, au_err *err);
/* The defaults, no budgets. */
au_config *au_config_new(void);
void au_config_free(au_config *c);

/* A commented example config.ini (static text) that au_config_parse accepts. */
const char *au_config_example(void);


/* "10.5", "$10.50", "0.000001" -> pico-dollars; false on anything else
 * (negative, more than 12 decimals, over a million dollars). */
bool au_parse_usd(const char *s, int64_t *ret_pico);

/* The config's zone (cfg->timezone or the local zone); unref when done. */
GTimeZone *au_config_tz(const au_config *c);
/* The rules budgets are evaluated under (release with au_budget_rules_release). */
void au_config_rules(const au_config *c, au_budget_rules *ret);

#endif

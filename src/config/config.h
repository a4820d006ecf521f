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
/* [limit SOURCE.WINDOW]: a budget on a tool's own rate-limit window
 * (plan_limits.h), e.g. [limit codex.secondary] warn_percent = 80. */
typedef struct au_limit_budget {
	char *name;        /* "codex.secondary", as written */
	au_source source;
	char window[32];   /* "primary", "five_hour", ... */
	int warn_percent;  /* default: [alerts] warn_percent */
} au_limit_budget;

/*
 * [limits]: plan windows fetched from the tools' own accounts (src/cloud
 * plan_quota.c), each off unless turned on: no network and no credential
 * file is touched otherwise.
 */
#define AU_LIMITS_CLAUDE_URL "https://api.anthropic.com"
#define AU_LIMITS_COPILOT_URL "https://api.github.com"
typedef struct au_limits_fetch {
	bool claude_oauth;  /* claude_oauth = true: Claude's OAuth usage endpoint */
	bool copilot_quota; /* copilot_quota = true: GitHub's Copilot quota snapshots */
	/* claude_base_url / copilot_base_url: checked by au_base_url_ok, no
	 * trailing slash (owned); the defaults above when not set */
	char *claude_base_url, *copilot_base_url;
	int interval_s; /* interval: the watcher fetches at most this often (default 900) */
	int timeout_s;  /* timeout: one request's limit (default 20) */
} au_limits_fetch;

typedef struct au_config {
	GPtrArray *budgets;  /* au_budget*, in file order; owned */
	GPtrArray *limits;   /* au_limit_budget*, in file order; owned */
	int warn_percent;    /* default 80 */
	int quiet_start_min, quiet_end_min; /* minutes after local midnight, -1 = none */
	int cooldown_s;      /* default 3600 */
	char *timezone;      /* IANA name, NULL = local */
	int week_start;      /* 0 = Sunday ... 6 = Saturday; default 1 */
	au_limits_fetch fetch; /* [limits] */
	char *path;          /* the file it was read from; NULL when it did not exist */
	GPtrArray *warnings; /* char*, "PATH[:LINE]: what": a section given twice, a file
			      * others can read; the caller shows them (owned) */
} au_config;

/* $XDG_CONFIG_HOME/aiusage/config.ini, default ~/.config/...; malloc'd.
 * The one default path: every section's reader starts from it. */
char *au_config_default_path(void);

/* ---- the file (config_file.c): the one reader of config.ini ---- */

typedef struct au_config_file {
	char *path;        /* the file read (or looked for) */
	char *text;        /* NUL-terminated; NULL when it does not exist */
	size_t len;
	bool exists;
	bool private_file; /* no group or other permission: may hold a literal key */
	bool others_can_read; /* group or world may read it */
	unsigned mode;     /* its permission bits */
} au_config_file;

/*
 * Reads path (NULL: the default path) whole, at most AU_CONFIG_MAX_BYTES.
 * A missing file is 0 with exists false, unless must_exist (-ENOENT). Not
 * a regular file: -EINVAL; too big: -EFBIG. Release with
 * au_config_file_release, which wipes the text.
 */
int au_config_file_read(const char *path, bool must_exist, au_config_file *ret, au_err *err);
void au_config_file_release(au_config_file *f);

/* The one rule for a configured base URL: https anywhere; plain http only
 * to this machine (localhost, 127.0.0.0/8, ::1: addresses, not names that
 * start like one); no query, fragment or user info. */
bool au_base_url_ok(const char *url);
bool au_loopback_host(const char *host);

/* ---- [cloud.NAME]: one group per billing provider ---- */

typedef struct au_cloud_section {
	char *name;        /* NAME */
	char *base_url;    /* checked, no trailing slash; NULL: the provider's default */
	char *key_env;     /* NULL: the provider's default, unless key_command or key */
	char *key_command; /* run by /bin/sh -c; its stdout is the key */
	char *key;         /* a literal key: only from a file no one else can read */
	int interval_s;    /* watcher polling interval (default 900) */
	int timeout_s;     /* whole-request timeout (default 30) */
	int retries;       /* extra attempts (default 3) */
	int days;          /* history fetched by the first sync (default 30) */
} au_cloud_section;

void au_cloud_section_free(au_cloud_section *c);
/*
 * The [cloud.NAME] groups of text (au_cloud_section*) in the order of
 * `order`, the NULL-ended list of the names the caller knows; any other
 * NAME is -EINVAL naming the known ones. A literal key in a file
 * that is not private_file is -EACCES; anything malformed -EINVAL with the
 * file and line in err, never a line's text (it might hold a key).
 */
int au_config_cloud_sections(const char *text, size_t len, const char *name, bool private_file,
			     const char *const *order, GPtrArray **ret, au_err *err);

/* ---- [cursor]: `aiusage cursor sync` ---- */

#define AU_CURSOR_MAX_DAYS 400 /* the longest history one sync asks for */

typedef struct au_cursor_section {
	char *base_url;
	int timeout_s, retries, days; /* defaults 30 s, 3, 30 */
} au_cursor_section;

void au_cursor_section_release(au_cursor_section *c);
int au_config_cursor_section(const char *text, size_t len, const char *name, au_cursor_section *ret, au_err *err);
/* The [cursor] group of path (NULL: default; a missing file is the
 * defaults), $AIUSAGE_CURSOR_BASE_URL over its base_url, default_url when
 * neither gives one; the URL checked by au_base_url_ok. */
int au_config_cursor_load(const char *path, const char *default_url, au_cursor_section *ret, au_err *err);

/* ---- [team]: pushing to a PostgreSQL server (src/team) ---- */

typedef enum au_team_projects {
	AU_TEAM_PROJECTS_PLAIN,  /* the working directory as it is */
	AU_TEAM_PROJECTS_HASHED, /* a SHA-256 of it: groups, but does not say */
	AU_TEAM_PROJECTS_NONE,   /* "" */
} au_team_projects;

typedef struct au_team_section {
	bool configured;   /* a [team] group or $AIUSAGE_TEAM_URL */
	char *url;         /* libpq connection URI or key=value string; never holds a password we add */
	char *user;        /* default: the login name */
	char *machine;     /* default: the host name */
	au_team_projects projects;
	char *key_command; /* run by /bin/sh -c; its stdout is the password; NULL: libpq's own sources */
	int push_interval_s; /* the watcher pushes at most this often (default 60) */
} au_team_section;

void au_team_section_release(au_team_section *c);
int au_config_team_section(const char *text, size_t len, const char *name, au_team_section *ret, au_err *err);
/* The [team] group of path (NULL: default), $AIUSAGE_TEAM_URL over its url,
 * the defaults filled in. A URL that carries a password is refused: the
 * password comes from ~/.pgpass, $PGPASSFILE, $PGPASSWORD or key_command. */
int au_config_team_load(const char *path, au_team_section *ret, au_err *err);

/* ---- [serve]: `aiusage serve` and `watch --serve` (config_serve.c) ---- */
#define AU_SERVE_TOKEN_MIN 16 /* a bearer token shorter than this is refused */
typedef struct au_serve_section {
	char *token; /* the bearer token HTTP clients must send, or NULL */
} au_serve_section;
void au_serve_section_release(au_serve_section *s);
/* The [serve] group of path (NULL: default; a missing file or group: no
 * token). token = ... only in a file no one else can read (-EACCES);
 * token_env = VAR reads it from the environment. Too short or malformed:
 * -EINVAL naming the file and setting, never the token. */
int au_config_serve_load(const char *path, au_serve_section *ret, au_err *err);

/*
 * Reads and validates `path` (NULL: the default path). A missing default
 * file gives the defaults and returns 0; a path the caller names must
 * exist (-ENOENT). A bad file returns -EINVAL (-EFBIG when too big,
 * another -errno when unreadable) with "PATH:LINE: what is wrong" in err:
 * the first error, and how many more there are. *ret is owned by the
 * caller (au_config_free); its warnings are for the caller to show.
 */
int au_config_load(const char *path, au_config **ret, au_err *err);
/* The same, and on failure every error in *ret_errors (char*, each
 * "PATH:LINE: what", in the order found; the caller frees the array with
 * g_ptr_array_free(a, TRUE)); NULL on success. */
int au_config_load_all(const char *path, au_config **ret, GPtrArray **ret_errors, au_err *err);
/* Same, from text in memory; `name` is used in messages. */
int au_config_parse(const char *text, size_t len, const char *name, au_config **ret, au_err *err);
int au_config_parse_all(const char *text, size_t len, const char *name, au_config **ret, GPtrArray **ret_errors,
			au_err *err);
/* The defaults, no budgets. */
au_config *au_config_new(void);
void au_config_free(au_config *c);

/* A commented example config.ini that au_config_parse accepts (made once,
 * with every source's name; owned by the library). */
const char *au_config_example(void);


/* "10.5", "$10.50", "0.000001" -> pico-dollars; false on anything else
 * (negative, more than 12 decimals, over a million dollars). */
bool au_parse_usd(const char *s, int64_t *ret_pico);

/* The config's zone (cfg->timezone or the local zone); unref when done. */
GTimeZone *au_config_tz(const au_config *c);
/* The rules budgets are evaluated under (release with au_budget_rules_release). */
void au_config_rules(const au_config *c, au_budget_rules *ret);
/* The one monthly budget over everything (no source or project of its
 * own), in pico-dollars: what `insights` measures against without
 * --budget. 0 when there is none or more than one. */
int64_t au_config_monthly_budget(const au_config *c);

#endif

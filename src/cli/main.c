/*
 * aiusage: what your AI coding tools cost you. main() only dispatches:
 * every subcommand is one row of au_commands[] and one function in its
 * own src/cmd_*.c file.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tools.h"

#define REPORT_OPTIONS                                                                       \
	"Options:\n"                                                                         \
	"  -s, --since DATE        first day to include: YYYY-MM-DD, YYYYMMDD, today,\n"   \
	"                          yesterday, -7d, -2w, this-month, last-month\n"         \
	"  -u, --until DATE        last day to include (same forms; a month: its last day)\n" \
	"  -z, --timezone ZONE     IANA zone for day boundaries (default: the local zone)\n" \
	"      --source NAME       one tool, by its name in 'aiusage --help' (default all)\n" \
	"  -p, --project NAME      only one project (its name or its path)\n"              \
	"  -b, --breakdown         a row per model under each line\n"                       \
	"  -o, --order asc|desc    sort order (default asc; projects/models by cost)\n"     \
	"      --start-of-week DAY weekly: the day weeks start on (default monday)\n"       \
	"      --full-path         show project paths instead of repository names\n"        \
	"      --with-cloud        daily/weekly/monthly: add what the providers billed\n"   \
	"                          (aiusage cloud sync) and the gap to our estimate\n"     \
	"  -j, --json              JSON (daily/weekly/monthly match ccusage's shape)\n"     \
	"      --csv               CSV\n"                                                    \
	"      --no-scan           report the store as it is, without reading logs\n"       \
	"      --db PATH           the store (default $XDG_DATA_HOME/aiusage/usage.db)\n"   \
	"      --pricing FILE      extra or overriding prices, LiteLLM JSON format\n"       \
	"      --color, --no-color force colour on or off (default: on a terminal, unless NO_COLOR)\n" \
	"  -q, --quiet             no warnings on stderr\n"                                 \
	"  -v, --verbose           every warning\n"                                         \
	"  -h, --help              this help\n"

#define REPORT_HELP(what, example)                                                     \
	"Every report first reads what is new in the logs (an incremental scan),\n"    \
	"then prints " what ".\n\n" REPORT_OPTIONS "\nExample:\n  " example "\n"

#define INSIGHT_FILTERS                                                                      \
	"  -s, --since DATE        first day to include: YYYY-MM-DD, YYYYMMDD, today,\n"   \
	"                          yesterday, -7d, -2w, this-month, last-month\n"         \
	"  -u, --until DATE        last day to include (same forms; a month: its last day)\n" \
	"  -z, --timezone ZONE     IANA zone for days and hours (default: the local zone)\n" \
	"      --source NAME       one tool, by its name in 'aiusage --help' (default all)\n" \
	"  -p, --project NAME      only one project (its name or its path)\n"              \
	"      --full-path         show project paths instead of repository names\n"        \
	"  -j, --json              JSON\n"                                                  \
	"      --no-scan           use the store as it is, without reading logs\n"         \
	"      --db PATH           the store (default $XDG_DATA_HOME/aiusage/usage.db)\n"   \
	"      --pricing FILE      extra or overriding prices, LiteLLM JSON format\n"       \
	"      --color, --no-color force colour on or off (default: on a terminal, unless NO_COLOR)\n" \
	"  -q, --quiet             no warnings on stderr\n"                                 \
	"  -h, --help              this help\n"

const au_cmd au_commands[] = {
	{"daily", au_cmd_report, "usage and cost per day",
	 REPORT_HELP("one row per day in the chosen time zone",
		     "aiusage daily --since 2025-10-01 --breakdown"),
	 AU_GROUP_DAY},
	{"weekly", au_cmd_report, "usage and cost per week",
	 REPORT_HELP("one row per week, labelled by its first day", "aiusage weekly --start-of-week sunday"),
	 AU_GROUP_WEEK},
	{"monthly", au_cmd_report, "usage and cost per month",
	 REPORT_HELP("one row per calendar month", "aiusage monthly --json"), AU_GROUP_MONTH},
	{"session", au_cmd_report, "usage and cost per session",
	 REPORT_HELP("one row per tool session, oldest first", "aiusage session --source codex -o desc"),
	 AU_GROUP_SESSION},
	{"projects", au_cmd_report, "usage and cost per project",
	 REPORT_HELP("one row per project (git repository or working directory)",
		     "aiusage projects --since 20251101"),
	 AU_GROUP_PROJECT},
	{"models", au_cmd_models, "usage and cost per model; --details: shares and cheaper alternatives",
	 REPORT_HELP("one row per model, the most expensive first; with --details each model's\n"
		     "share of requests, tokens and cost, its average cost per request, and the\n"
		     "cheapest current model of the same vendor with what it would have saved\n"
		     "(--json always carries these fields)",
		     "aiusage models --details --source claude"),
	 AU_GROUP_MODEL},
	{"compare", au_cmd_compare, "what your usage would have cost on other models",
	 "Prices the selected requests again as if each had gone to another model:\n"
	 "same tokens, the other model's prices and its long-context tier per request.\n"
	 "Prints the actual cost and each alternative per model used and in total,\n"
	 "with the difference in dollars and percent. Output length and quality would\n"
	 "differ on another model: this prices your tokens, nothing more.\n\n"
	 "Options:\n"
	 "      --to MODEL[,MODEL]  the models to compare with (names as 'aiusage pricing' knows them)\n"
	 INSIGHT_FILTERS
	 "\nExample:\n  aiusage compare --to claude-sonnet-4-5,gpt-5-codex,claude-haiku-4-5\n",
	 0},
	{"cache", au_cmd_cache, "prompt cache efficiency: hit ratio, savings, wasted writes",
	 "Per day (or project, or model): the cache hit ratio, the dollars cache reads\n"
	 "saved against paying full input, the dollars spent on cache writes, the\n"
	 "write-to-read ratio, and cache writes never read back within their TTL (5m\n"
	 "or 1h); then the sessions with the worst hit ratio. The README's Insights\n"
	 "section gives every formula.\n\n"
	 "Options:\n"
	 "      --by day|project|model  one row per (default day)\n"
	 INSIGHT_FILTERS
	 "\nExample:\n  aiusage cache --by project --since 2025-11-01\n",
	 0},
	{"blocks", au_cmd_blocks, "Claude's 5-hour usage windows, burn rate and projection",
	 "Cuts usage into 5-hour blocks: a block starts at its first request floored to\n"
	 "the hour and ends 5 hours later; the next request after that starts a new\n"
	 "one. Prints each block's requests, tokens and cost, and for the active block\n"
	 "its burn rate (since its first request) and the totals projected to its end.\n"
	 "Only Claude Code usage unless --source says otherwise.\n\n"
	 "Options:\n"
	 "      --live              redraw the active block every 5 seconds (a terminal only;\n"
	 "                          Ctrl-C stops; AIUSAGE_LIVE_SECONDS changes the period)\n"
	 INSIGHT_FILTERS
	 "\nExample:\n  aiusage blocks --since 2025-11-01\n",
	 0},
	{"insights", au_cmd_insights, "the morning summary: trends, forecast, anomalies, heatmap",
	 "Yesterday against the trailing week, today so far, the month to date and a\n"
	 "projected month-end total with a range, the day a monthly budget runs out at\n"
	 "the current rate, days more than 2 standard deviations above their trailing\n"
	 "14-day mean (with the project and model behind them), the top 5 sessions by\n"
	 "cost, the cache in one line, and a usage heatmap (hour of day x weekday).\n"
	 "--since/--until set the window of anomalies, sessions, cache and heatmap\n"
	 "(default: the 30 days that end today).\n\n"
	 "Options:\n"
	 "      --budget USD        a monthly budget, e.g. 50 or 12.50\n"
	 INSIGHT_FILTERS
	 "\nExample:\n  aiusage insights --budget 100\n",
	 0},
	{"scan", au_cmd_scan, "read new log lines into the store and say what was found",
	 "Reads every log file that changed since the last scan (only its new bytes)\n"
	 "into the store, then prints where it looked and what it found.\n\n"
	 "Options:\n"
	 "      --db PATH           the store (default $XDG_DATA_HOME/aiusage/usage.db)\n"
	 "      --pricing FILE      extra or overriding prices, LiteLLM JSON format\n"
	 "  -j, --json              the scan's statistics as JSON\n"
	 "  -v, --verbose           list every warning (corrupt lines, unreadable files)\n"
	 "  -q, --quiet             print nothing unless something failed\n"
	 "\nExample:\n  aiusage scan -v\n",
	 0},
	{"watch", au_cmd_watch, "keep the store current as the tools write (runs in the foreground)",
	 "Watches every log directory with inotify (directories that do not exist yet\n"
	 "are picked up when they appear), reads each new line within a fraction of a\n"
	 "second into the store, and keeps history after the tools delete their logs.\n"
	 "Stays in the foreground and logs to stderr, as systemd's Type=simple and a\n"
	 "shell's & expect; SIGTERM or SIGINT flush and exit 0. A second watcher on\n"
	 "the same store refuses to start. 'aiusage service install' runs it as a\n"
	 "systemd user service.\n\n"
	 "Options:\n"
	 "      --db PATH           the store (default $XDG_DATA_HOME/aiusage/usage.db)\n"
	 "      --pricing FILE      extra or overriding prices, LiteLLM JSON format\n"
	 "  -v, --verbose           a line per stored batch\n"
	 "\nExample:\n  aiusage watch &\n",
	 0},
	{"demo", au_cmd_demo, "reports over the bundled sample logs, in a private temporary HOME",
	 "Copies the bundled fixture logs into a temporary HOME, scans them into a\n"
	 "temporary store and prints the daily, projects and models reports. Your own\n"
	 "logs and store are not touched.\n\nOptions:\n"
	 "  -z, --timezone ZONE     time zone for day boundaries (default UTC here)\n"
	 "  -j, --json              JSON instead of tables\n"
	 "\nExample:\n  aiusage demo\n",
	 0},
	{"pricing", au_cmd_pricing, "show the price table (or the price of one model)",
	 "Lists the embedded price table in dollars per million tokens with its\n"
	 "'prices as of' date, or with a model name shows which entry it matches.\n\n"
	 "Usage: aiusage pricing [MODEL]\n\nOptions:\n"
	 "      --pricing FILE      overlay a LiteLLM-format JSON file first\n"
	 "  -j, --json              JSON\n"
	 "\nExample:\n  aiusage pricing claude-sonnet-4-5-20250929\n",
	 0},
	{"budget", au_cmd_budget, "each budget's spending, limit and projection",
	 "Prints every budget of the config file ($XDG_CONFIG_HOME/aiusage/config.ini)\n"
	 "for its current day, week or month: spent, limit, percent used, and the\n"
	 "spending projected to the period's end (so far, extended linearly). Reads\n"
	 "what is new in the logs first, like the reports.\n\n"
	 "Options:\n"
	 "      --config FILE       the config file (default $XDG_CONFIG_HOME/aiusage/config.ini)\n"
	 "  -z, --timezone ZONE     count periods in this zone instead of the config's\n"
	 "  -j, --json              JSON (amounts are exact decimal dollars)\n"
	 "      --check-alerts      instead of the table, run the budget alert check once,\n"
	 "                          as the watcher does after each batch: notifications,\n"
	 "                          held alerts and their log lines on stderr\n"
	 "      --no-scan           use the store as it is, without reading logs\n"
	 "      --db PATH           the store (default $XDG_DATA_HOME/aiusage/usage.db)\n"
	 "      --pricing FILE      extra or overriding prices, LiteLLM JSON format\n"
	 "      --color, --no-color force colour on or off\n"
	 "  -q, --quiet             no warnings on stderr\n"
	 "\nExample:\n  aiusage budget --json\n",
	 0},
	{"config", au_cmd_config, "where the config file is, an example, and whether it is valid",
	 "With no option, checks the config file and prints the settings it amounts to.\n\n"
	 "Options:\n"
	 "      --example           print a commented example config.ini\n"
	 "      --path              print the config file's path\n"
	 "      --config FILE       use this file instead of $XDG_CONFIG_HOME/aiusage/config.ini\n"
	 "\nExample:\n  aiusage config --example > ~/.config/aiusage/config.ini\n",
	 0},
	{"service", au_cmd_service, "install, remove or show the systemd user service that runs the watcher",
	 "Usage: aiusage service install [--db PATH]|uninstall|status\n\n"
	 "install    writes $XDG_CONFIG_HOME/systemd/user/aiusage.service (default\n"
	 "           ~/.config/systemd/user), running '<this binary> watch' (with\n"
	 "           --db PATH when given) with\n"
	 "           Restart=on-failure, then 'systemctl --user daemon-reload' and\n"
	 "           'enable --now' when a systemd user manager answers (else it says\n"
	 "           what to run)\n"
	 "uninstall  'systemctl --user disable --now', removes the unit file\n"
	 "status     the unit file and 'systemctl --user is-active'\n"
	 "\nExample:\n  aiusage service install\n",
	 0},
	{"status", au_cmd_status, "whether the watcher runs, the store, and today's spending vs budgets",
	 "Says whether the watcher runs (its lock file <db>.watch.lock), how many log\n"
	 "files the store tracks, the latest usage per source, the store's path and\n"
	 "size, and today's spending against each daily budget. Reads the store as it\n"
	 "is, without scanning.\n\n"
	 "Options:\n"
	 "      --config FILE       the config file (default $XDG_CONFIG_HOME/aiusage/config.ini)\n"
	 "  -z, --timezone ZONE     what \"today\" means (default: the config's zone)\n"
	 "  -j, --json              JSON\n"
	 "      --db PATH           the store (default $XDG_DATA_HOME/aiusage/usage.db)\n"
	 "\nExample:\n  aiusage status\n",
	 0},
	{"cloud", au_cmd_cloud, "billed cost from the providers' APIs beside the local estimate",
	 "Usage: aiusage cloud [report|sync|check] [OPTIONS]\n\n"
	 "report (default)  per UTC day and provider: the billed cost and tokens the\n"
	 "                  provider's API reported at the last sync, the cost estimated\n"
	 "                  from this machine's logs, and the gap (billed - local);\n"
	 "                  then each provider's balance\n"
	 "sync              polls every configured provider once and stores what it says\n"
	 "                  (re-polling overwrites, never adds); one failing provider\n"
	 "                  does not stop the others\n"
	 "check             per provider: is it configured, is a key found, does the\n"
	 "                  provider accept it (the key is never printed)\n\n"
	 "Providers are set up in [cloud.NAME] groups of the config file (anthropic,\n"
	 "openai, openrouter, deepseek): base_url, key_env, key_command, key (only in\n"
	 "a file of mode 0600), interval, timeout, retries, days. No network connection\n"
	 "is made for a provider that is not configured.\n\n"
	 "Options:\n"
	 "  -s, --since DATE        first UTC day (report: default the first synced day;\n"
	 "                          sync: default two days before the last sync)\n"
	 "  -u, --until DATE        last UTC day of the report\n"
	 "                          (DATE: YYYY-MM-DD, today, yesterday, -7d, -2w,\n"
	 "                          this-month, last-month)\n"
	 "      --provider NAME     only this provider\n"
	 "  -j, --json              JSON (amounts are exact decimal dollars)\n"
	 "      --csv               CSV\n"
	 "      --config FILE       the config file (default $XDG_CONFIG_HOME/aiusage/config.ini)\n"
	 "      --no-scan           report: use the store as it is, without reading logs\n"
	 "      --db PATH           the store (default $XDG_DATA_HOME/aiusage/usage.db)\n"
	 "  -q, --quiet             no notes on stderr\n"
	 "\nExample:\n  aiusage cloud sync && aiusage cloud --since 2026-11-01\n",
	 0},
	{"sources", au_cmd_sources, "every tool aiusage reads, where it looks, and what its records can tell",
	 "Lists every source: whether it is installed here, what the store tracks of it\n"
	 "and its latest usage; per unified field (input, output, cache read, cache\n"
	 "write, reasoning, cost, project, live) whether the tool's records give it\n"
	 "exactly, estimated or not at all; where each looks, with the environment\n"
	 "variable that replaces the defaults. Scans first, as the reports do.\n\n"
	 "Options:\n"
	 "  -j, --json              JSON\n"
	 "  -z, --timezone ZONE     the zone of the last-event times (default: local)\n"
	 "      --no-scan           use the store as it is, without reading logs\n"
	 "      --db PATH           the store (default $XDG_DATA_HOME/aiusage/usage.db)\n"
	 "  -q, --quiet             no warnings on stderr\n"
	 "\nExample:\n  aiusage sources\n",
	 0},
	{"cursor", au_cmd_cursor, "fetch Cursor's usage events from your cursor.com account (opt-in)",
	 "Usage: aiusage cursor sync [OPTIONS]\n\n"
	 "Cursor keeps no reliable token counts on disk; its dashboard has them. 'sync'\n"
	 "fetches the account's usage events (the dashboard's CSV export) over HTTPS,\n"
	 "signed in with the session Cursor itself stores in its state.vscdb (read\n"
	 "only; the token is sent to the server and kept nowhere else), and stores\n"
	 "each event as a cursor usage row keyed by its time and model: syncing again\n"
	 "never counts an event twice. From the first synced day on, these events are\n"
	 "Cursor's record: local chat-message counts in that span are set aside.\n"
	 "Nothing is fetched unless you run it.\n\n"
	 "Options:\n"
	 "  -s, --since DATE        first UTC day to fetch (default: two days before the\n"
	 "                          last sync, or 30 days back the first time); also\n"
	 "                          today, yesterday, -7d, -2w, this-month, last-month\n"
	 "      --config FILE       the config file ([cursor] base_url, timeout, retries, days)\n"
	 "      --db PATH           the store (default $XDG_DATA_HOME/aiusage/usage.db)\n"
	 "      --pricing FILE      extra or overriding prices, LiteLLM JSON format\n"
	 "  -q, --quiet             no notes on stderr\n\n"
	 "Environment:\n"
	 "  AIUSAGE_CURSOR_BASE_URL  the dashboard's base URL (default https://cursor.com)\n"
	 "  CURSOR_CONFIG_DIR        Cursor's config dirs (default ~/.config/Cursor)\n"
	 "\nExample:\n  aiusage cursor sync && aiusage daily --source cursor\n",
	 0},
	{NULL, NULL, NULL, NULL, 0},
};

static void main_help(FILE *f)
{
	/* the tools and their variables come from the registry (watchers/tools.c) */
	char *tools = au_tools_help(), *env = au_tools_env_help();
	fprintf(f,
		"aiusage - what your AI coding tools cost you\n\n"
		"Usage: aiusage COMMAND [OPTIONS]\n\n"
		"Reads the local logs of your AI coding tools, counts every response once,\n"
		"prices it, keeps it in a SQLite store (history survives the tools deleting\n"
		"old logs) and reports it. The tools (--source NAME) and where they log:\n"
		"%s\nCommands:\n",
		tools);
	for (const au_cmd *c = au_commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f,
		"\nWith no command, 'daily' runs. 'aiusage COMMAND --help' explains each.\n\n"
		"Files:\n"
		"  $XDG_DATA_HOME/aiusage/usage.db   the store (default ~/.local/share/aiusage)\n\n"
		"Environment (a tool's variable replaces its default places):\n"
		"%s"
		"  TZ                  the local time zone; NO_COLOR disables colour\n\n"
		"Exit status: 0 success, 1 failure (store or input), 2 usage error.\n",
		env);
	free(tools);
	free(env);
}

void au_print_help(const au_cmd *cmd, FILE *f)
{
	fprintf(f, "Usage: aiusage %s [OPTIONS]\n%s.\n\n%s", cmd->name, cmd->summary, cmd->usage);
}

const char *au_progname = "aiusage";

int main(int argc, char **argv)
{
	/* Messages suggest commands the way the user ran us (./build/aiusage). */
	if (argv[0] && strchr(argv[0], '/'))
		au_progname = argv[0];
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C"); /* numbers are never locale-formatted */
	const char *name = argc > 1 ? argv[1] : "daily";
	if (argc > 1 && (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "help") == 0)) {
		if (argc > 2)
			for (const au_cmd *c = au_commands; c->name; c++)
				if (strcmp(c->name, argv[2]) == 0) {
					au_print_help(c, stdout);
					return AU_EXIT_OK;
				}
		main_help(stdout);
		return AU_EXIT_OK;
	}
	if (argc > 1 && (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0)) {
		printf("aiusage %s (prices as of %s)\n", AU_VERSION, au_pricing_as_of());
		return AU_EXIT_OK;
	}
	/* "aiusage --json" means "aiusage daily --json". */
	int shift = 1;
	if (argc > 1 && name[0] == '-') {
		name = "daily";
		shift = 0;
	}
	for (const au_cmd *c = au_commands; c->name; c++)
		if (strcmp(c->name, name) == 0) {
			char **args = argv + shift;
			int n = argc - shift;
			if (shift == 0 || argc == 1) {
				/* keep argv[0] in place as the getopt program name */
				args = argv;
				n = argc;
			}
			return c->run(c, n, args);
		}
	fprintf(stderr, "aiusage: unknown command '%s'\nTry 'aiusage --help'.\n", name);
	return AU_EXIT_USAGE;
}

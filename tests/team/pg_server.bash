# Sourced by the team tests: a private PostgreSQL 15 in a temporary folder,
# run as an unprivileged user when we are root (initdb refuses root),
# listening only on 127.0.0.1 on a free port, with password (SCRAM) logins.
#
#   pg_start DIR   initdb + start; sets PG_PORT, PG_URL (database aiusage,
#                  user team; the password is in PG_PASSWORD and in the
#                  PGPASSFILE it writes), PG_SUPER_URL
#   pg_stop        fast shutdown (the data stays)
#   pg_restart     start again on the same port
#   pg_psql SQL    runs SQL as the superuser, unaligned rows on stdout
#   pg_cleanup     stop and remove DIR (call from the EXIT trap)

PG_BIN=${PG_BIN:-}
if [ -z "$PG_BIN" ]; then
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && PG_BIN=$d
	done
fi

pg_as() { # runs a command as the server's owner
	if [ "$(id -u)" = 0 ]; then
		runuser -u "$PG_OWNER" -- "$@"
	else
		"$@"
	fi
}

pg_free_port() {
	local p
	for _ in $(seq 1 200); do
		p=$((20000 + RANDOM % 30000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

pg_start() {
	PG_DIR=$1
	[ -n "$PG_BIN" ] || { echo "pg_server: no PostgreSQL (apt-get install postgresql)" >&2; return 1; }
	PG_OWNER=${PG_OWNER:-nobody}
	mkdir -p "$PG_DIR"
	chmod 755 "$PG_DIR"
	[ "$(id -u)" = 0 ] && chown "$PG_OWNER" "$PG_DIR"
	PG_PASSWORD="team-pw-$RANDOM$RANDOM"
	local super_pw="super-pw-$RANDOM$RANDOM"
	printf '%s\n' "$super_pw" >"$PG_DIR/superpw"
	chmod 644 "$PG_DIR/superpw"
	pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=scram-sha-256 \
		--pwfile="$PG_DIR/superpw" -E UTF8 --locale=C >"$PG_DIR/initdb.log" 2>&1 ||
		{ cat "$PG_DIR/initdb.log" >&2; return 1; }
	PG_PORT=$(pg_free_port)
	cat >>"$PG_DIR/data/postgresql.conf" <<-CONF
		listen_addresses = '127.0.0.1'
		port = $PG_PORT
		unix_socket_directories = '$PG_DIR'
		fsync = off
		max_connections = 20
	CONF
	pg_restart || return 1
	PG_SUPER_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
	export PGPASSFILE="$PG_DIR/pgpass"
	printf '127.0.0.1:%s:*:postgres:%s\n127.0.0.1:%s:*:team:%s\n' "$PG_PORT" "$super_pw" "$PG_PORT" \
		"$PG_PASSWORD" >"$PGPASSFILE"
	chmod 600 "$PGPASSFILE"
	pg_psql "CREATE ROLE team LOGIN PASSWORD '$PG_PASSWORD'" >/dev/null &&
		pg_psql "CREATE DATABASE aiusage OWNER team" >/dev/null || return 1
	PG_URL="postgresql://team@127.0.0.1:$PG_PORT/aiusage"
}

pg_stop() {
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
}

pg_restart() {
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start >/dev/null ||
		{ cat "$PG_DIR/server.log" >&2; return 1; }
}

pg_psql() { # SQL [DB]
	psql -X -q -A -t -v ON_ERROR_STOP=1 "postgresql://postgres@127.0.0.1:$PG_PORT/${2:-postgres}" -c "$1"
}

pg_cleanup() {
	if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
		pg_stop
	fi
	[ -n "${PG_DIR:-}" ] && rm -rf "$PG_DIR"
}

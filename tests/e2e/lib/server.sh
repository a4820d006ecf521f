# Sourced by the e2e scripts that talk to the tests' HTTP server on
# 127.0.0.1 (tests/cloud_server.c, $AU_CLOUD_SERVER): it answers as SCRIPT
# says and logs each request to LOG.
# start_server SCRIPT LOG PORTFILE [LIFETIME]: starts it in the background
# (for LIFETIME seconds, 120 unless given) and waits for it to listen. Sets
# spid (its pid, for the script's cleanup) and server_url
# (http://127.0.0.1:<port>, or empty if it did not start in 5 s).
# shellcheck shell=bash disable=SC2034 # spid and server_url are read by the script
start_server() {
	: >"$3"
	"${AU_CLOUD_SERVER:?}" --lifetime "${4:-120}" "$1" "$2" >"$3" &
	spid=$!
	for _ in $(seq 100); do [ -s "$3" ] && break; sleep 0.05; done
	server_url=
	if [ -s "$3" ]; then server_url=http://127.0.0.1:$(cat "$3"); fi
}

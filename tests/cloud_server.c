/*
 * A small scripted HTTP/1.1 server for the cloud billing e2e test. It
 * listens on 127.0.0.1 (an ephemeral port, printed on stdout), answers each
 * request from a script of canned responses, and records every request line
 * (after "REQ" and its arrival in Unix ms) and header ("H ...") it got to a
 * log file. One thread per connection, so a slow answer does not hold up
 * the next request. It exits by itself after --lifetime seconds (default
 * 300), or on SIGTERM.
 *
 * Usage: cloud_server [--lifetime SECS] SCRIPT LOG
 *
 * Script lines (blank lines and '#' comments ignored):
 *   auth PREFIX HEADER VALUE...
 *       a request whose path starts with PREFIX must carry "HEADER: VALUE"
 *       (VALUE is the rest of the line),
 *       else it gets 401 and a JSON error body
 *   route PATH QUERY STATUS DELAY_MS FLAGS BODY
 *       answers a request for PATH whose query string contains QUERY ("*":
 *       any) with STATUS after DELAY_MS, the body read from the file BODY
 *       (relative to the script; "-" for none). Routes are used in order and
 *       each once, unless FLAGS (comma-separated, "-" for none) has "repeat".
 *       Other flags: "html" (Content-Type: text/html), "retry-after=N",
 *       "truncate" (Content-Length promises 100 bytes more than are sent).
 * A request no route matches gets 404.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct route {
	char *path, *query, *body_file, *flags;
	int status, delay_ms;
	bool used;
} route;

typedef struct auth_rule {
	char *prefix, *header, *value;
} auth_rule;

static route routes[256];
static int nroutes;
static auth_rule auths[16];
static int nauths;
static FILE *logfile;
static char *script_dir;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static char *read_file(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len + 4096 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		size_t n = fread(buf + len, 1, cap - len, f);
		if (n == 0)
			break;
		len += n;
	}
	fclose(f);
	*ret_len = len;
	return buf;
}

static void load_script(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		exit(2);
	}
	char line[4096];
	int lineno = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		char *w[8];
		int n = 0;
		for (char *tok = strtok(line, " \t\r\n"); tok && n < 8; tok = strtok(NULL, " \t\r\n"))
			w[n++] = tok;
		if (n == 0 || w[0][0] == '#')
			continue;
		if (strcmp(w[0], "auth") == 0 && n >= 4 && nauths < 16) {
			/* the value is the rest of the line: "Bearer KEY" has a space */
			char value[4096] = "";
			for (int i = 3; i < n; i++) {
				if (i > 3)
					strncat(value, " ", sizeof(value) - strlen(value) - 1);
				strncat(value, w[i], sizeof(value) - strlen(value) - 1);
			}
			auths[nauths++] = (auth_rule){strdup(w[1]), strdup(w[2]), strdup(value)};
		} else if (strcmp(w[0], "route") == 0 && n == 7 && nroutes < 256) {
			route *r = &routes[nroutes++];
			r->path = strdup(w[1]);
			r->query = strdup(w[2]);
			r->status = atoi(w[3]);
			r->delay_ms = atoi(w[4]);
			r->flags = strdup(w[5]);
			r->body_file = strcmp(w[6], "-") == 0 ? NULL : strdup(w[6]);
		} else {
			fprintf(stderr, "%s:%d: not a script line\n", path, lineno);
			exit(2);
		}
	}
	fclose(f);
}

static bool has_flag(const char *flags, const char *name, const char **ret_value)
{
	size_t n = strlen(name);
	for (const char *p = flags; *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len >= n && strncmp(p, name, n) == 0 && (len == n || p[n] == '=')) {
			if (ret_value)
				*ret_value = p[n] == '=' ? p + n + 1 : "";
			return true;
		}
		p += len + (end ? 1 : 0);
	}
	return false;
}

static void send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void respond(int fd, int status, const char *ctype, const char *extra, const char *body, size_t len,
		    size_t declared)
{
	char head[512];
	int hn = snprintf(head, sizeof(head),
			  "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%sConnection: close\r\n\r\n",
			  status, status == 200 ? "OK" : "Scripted", ctype, declared, extra);
	send_all(fd, head, (size_t)hn);
	send_all(fd, body, len);
}

static void *serve(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char req[65536];
	size_t len = 0;
	char *end = NULL;
	while (len + 1 < sizeof(req)) {
		ssize_t n = recv(fd, req + len, sizeof(req) - 1 - len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		req[len] = '\0';
		if ((end = strstr(req, "\r\n\r\n")))
			break;
	}
	if (!end) {
		close(fd);
		return NULL;
	}
	*end = '\0';
	/* request line: METHOD TARGET VERSION */
	char *line_end = strstr(req, "\r\n");
	if (line_end)
		*line_end = '\0';
	char method[16] = "", target[8192] = "";
	sscanf(req, "%15s %8191s", method, target);
	char *query = strchr(target, '?');
	if (query)
		*query++ = '\0';
	else
		query = (char *)"";

	pthread_mutex_lock(&lock);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(logfile, "REQ %lld %s\n", (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, req);
	const char *headers = line_end ? line_end + 2 : "";
	bool authed = true;
	for (const char *h = headers; h && *h;) {
		const char *e = strstr(h, "\r\n");
		size_t n = e ? (size_t)(e - h) : strlen(h);
		fprintf(logfile, "H %.*s\n", (int)n, h);
		h = e ? e + 2 : NULL;
	}
	fprintf(logfile, "\n");
	fflush(logfile);
	for (int i = 0; i < nauths; i++) {
		if (strncmp(target, auths[i].prefix, strlen(auths[i].prefix)) != 0)
			continue;
		authed = false;
		size_t hn = strlen(auths[i].header);
		for (const char *h = headers; h && *h;) {
			const char *e = strstr(h, "\r\n");
			size_t n = e ? (size_t)(e - h) : strlen(h);
			if (n > hn + 1 && strncasecmp(h, auths[i].header, hn) == 0 && h[hn] == ':') {
				const char *v = h + hn + 1;
				while (*v == ' ')
					v++;
				size_t vn = n - (size_t)(v - h);
				if (vn == strlen(auths[i].value) && memcmp(v, auths[i].value, vn) == 0)
					authed = true;
			}
			h = e ? e + 2 : NULL;
		}
	}
	route *r = NULL;
	if (authed)
		for (int i = 0; i < nroutes; i++)
			if (!routes[i].used && strcmp(routes[i].path, target) == 0 &&
			    (strcmp(routes[i].query, "*") == 0 || strstr(query, routes[i].query))) {
				r = &routes[i];
				if (!has_flag(r->flags, "repeat", NULL))
					r->used = true;
				break;
			}
	pthread_mutex_unlock(&lock);

	if (!authed) {
		static const char body[] =
			"{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}";
		respond(fd, 401, "application/json", "", body, sizeof(body) - 1, sizeof(body) - 1);
	} else if (!r) {
		static const char body[] = "{\"error\":{\"message\":\"no scripted response\"}}";
		respond(fd, 404, "application/json", "", body, sizeof(body) - 1, sizeof(body) - 1);
	} else {
		if (r->delay_ms > 0)
			usleep((useconds_t)r->delay_ms * 1000);
		size_t blen = 0;
		char *body = NULL;
		if (r->body_file) {
			char *p = r->body_file[0] == '/' ? strdup(r->body_file) : NULL;
			if (!p && asprintf(&p, "%s/%s", script_dir, r->body_file) < 0)
				abort();
			body = read_file(p, &blen);
			if (!body)
				fprintf(stderr, "cloud_server: cannot read %s\n", p);
			free(p);
		}
		char extra[128] = "";
		const char *ra;
		if (has_flag(r->flags, "retry-after", &ra))
			snprintf(extra, sizeof(extra), "Retry-After: %s\r\n", ra);
		bool html = has_flag(r->flags, "html", NULL);
		bool trunc = has_flag(r->flags, "truncate", NULL);
		respond(fd, r->status, html ? "text/html; charset=utf-8" : "application/json", extra, body ? body : "",
			blen, trunc ? blen + 100 : blen);
		free(body);
	}
	shutdown(fd, SHUT_WR);
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	int lifetime = 300;
	int a = 1;
	if (argc > 2 && strcmp(argv[1], "--lifetime") == 0) {
		lifetime = atoi(argv[2]);
		a = 3;
	}
	if (argc - a != 2) {
		fprintf(stderr, "usage: cloud_server [--lifetime SECS] SCRIPT LOG\n");
		return 2;
	}
	load_script(argv[a]);
	script_dir = strdup(argv[a]);
	char *slash = strrchr(script_dir, '/');
	if (slash)
		*slash = '\0';
	else
		strcpy(script_dir, ".");
	logfile = fopen(argv[a + 1], "a");
	if (!logfile) {
		perror(argv[a + 1]);
		return 2;
	}
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t sl = sizeof(sa);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 64) < 0 ||
	    getsockname(s, (struct sockaddr *)&sa, &sl) < 0) {
		perror("cloud_server: listen");
		return 1;
	}
	printf("%d\n", ntohs(sa.sin_port));
	fflush(stdout);
	signal(SIGPIPE, SIG_IGN);
	alarm((unsigned)lifetime); /* bounded: it stops by itself */
	for (;;) {
		int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0) {
			if (errno == EINTR)
				continue;
			perror("cloud_server: accept");
			return 1;
		}
		pthread_t t;
		if (pthread_create(&t, NULL, serve, (void *)(intptr_t)c) != 0) {
			close(c);
			continue;
		}
		pthread_detach(t);
	}
}

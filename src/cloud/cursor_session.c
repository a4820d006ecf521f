/*
 * Cursor's dashboard session, read from Cursor's own state.vscdb (read-only,
 * a foreign database: not the store) into memory, checked to be the JWT it
 * should be, and turned into the cookie `aiusage cursor sync` sends. The
 * token is wiped wherever a copy of it was.
 */
#include "cursor_session.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "cloud.h"
#include "jsonscan.h"

#define TOKEN_MAX 8192 /* a stored access token longer than this is not one */

/* base64url (no padding) into a malloc'd NUL-terminated buffer. */
static char *b64url_decode(const char *s, size_t n, size_t *ret_len)
{
	if (n > TOKEN_MAX)
		return NULL;
	char *t = xmalloc(n + 4);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i];
		if (!g_ascii_isalnum(ch) && ch != '+' && ch != '/') {
			explicit_bzero(t, n + 4);
			free(t);
			return NULL;
		}
		t[k++] = ch;
	}
	while (k % 4)
		t[k++] = '=';
	t[k] = '\0';
	gsize len = 0;
	guchar *raw = g_base64_decode(t, &len);
	explicit_bzero(t, n + 4);
	free(t);
	char *out = xmalloc(len + 1);
	memcpy(out, raw, len);
	out[len] = '\0';
	explicit_bzero(raw, len);
	g_free(raw);
	*ret_len = len;
	return out;
}

/*
 * See cursor_session.h.
 */
int au_cursor_session_read(const char *db_path, int64_t now_ms, char **ret_cookie, char **ret_jwt, au_err *err)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *jwt = NULL;
	int r = 0;
	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(db, 2000) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT CAST(value AS TEXT) FROM ItemTable WHERE key = 'cursorAuth/accessToken'", -1,
			       &st, NULL) != SQLITE_OK) {
		r = au_fail(err, EIO, "%s: cannot read Cursor's database: %s", db_path, db ? sqlite3_errmsg(db) : "");
	} else {
		int rc = sqlite3_step(st);
		const char *v = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			r = au_fail(err, EIO, "%s: cannot read Cursor's database: %s", db_path, sqlite3_errmsg(db));
		else if (!v || !*v)
			r = au_fail(err, ENOENT, "%s holds no Cursor session: open Cursor and sign in", db_path);
		else if (strlen(v) > TOKEN_MAX)
			r = au_fail(err, EINVAL, "%s: the stored session is not a token this understands", db_path);
		else
			jwt = xstrdup(v);
		if (v)
			explicit_bzero((char *)v, strlen(v));
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (r < 0)
		return r;

	/* header.payload.signature, each base64url: nothing else may go in a cookie */
	const char *dot1 = strchr(jwt, '.'), *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	bool shape = dot1 && dot2 && !strchr(dot2 + 1, '.');
	for (const char *p = jwt; shape && *p; p++)
		shape = g_ascii_isalnum(*p) || *p == '-' || *p == '_' || *p == '.';
	size_t plen = 0;
	char *payload = shape ? b64url_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), &plen) : NULL;
	js_doc d;
	js_doc_init(&d);
	char sub[256];
	int64_t exp = 0;
	if (!payload || js_parse(&d, payload, plen, NULL) < 0 || js_typeof(&d, 0) != JS_OBJECT ||
	    js_get_str(&d, 0, "sub", sub, sizeof(sub)) <= 0) {
		r = au_fail(err, EINVAL, "%s: the stored Cursor session is not a token this understands", db_path);
	} else {
		exp = js_int_or(&d, 0, "exp", 0);
		const char *bar = strrchr(sub, '|');
		const char *user = bar ? bar + 1 : sub;
		bool user_ok = *user != '\0';
		for (const char *p = user; *p; p++)
			user_ok &= g_ascii_isalnum(*p) || *p == '_' || *p == '-';
		if (!user_ok)
			r = au_fail(err, EINVAL, "%s: the stored Cursor session names no user this understands", db_path);
		else if (exp && exp * 1000 < now_ms + 60000)
			r = au_fail(err, EKEYEXPIRED,
				    "the Cursor session stored in %s has expired: open Cursor (it renews it), then sync again",
				    db_path);
		else
			*ret_cookie = xasprintf("%s%%3A%%3A%s", user, jwt);
		explicit_bzero(sub, sizeof(sub));
	}
	js_doc_release(&d);
	if (payload) {
		explicit_bzero(payload, plen);
		free(payload);
	}
	if (r < 0)
		au_cloud_key_free(jwt);
	else
		*ret_jwt = jwt;
	return r;
}


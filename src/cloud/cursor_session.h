/*
 * The Cursor session `aiusage cursor sync` signs in with (cursor_session.c).
 */
#ifndef AU_CURSOR_SESSION_H
#define AU_CURSOR_SESSION_H

#include <stdint.h>

#include "util.h"

/*
 * The cookie value Cursor's dashboard takes: "<user>%3A%3A<JWT>", from
 * state.vscdb's cursorAuth/accessToken (its payload's sub, "auth0|user_X",
 * names the user). *ret_cookie and *ret_jwt are owned by the caller, to be
 * released with au_cloud_key_free. Nothing about the token reaches err.
 * -ENOENT: no session stored; -EKEYEXPIRED: it has expired.
 */
int au_cursor_session_read(const char *db_path, int64_t now_ms, char **ret_cookie, char **ret_jwt, au_err *err);

#endif

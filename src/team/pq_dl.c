/*
 * libpq, loaded when a command first connects to the team server rather
 * than at every start: linked, libpq and what it pulls in (OpenSSL, Kerberos,
 * LDAP, SASL) cost every run of aiusage about 10 million instructions of
 * loading and relocation, `aiusage statusline` included. These definitions
 * stand in for the libpq calls src/team makes and forward to the library;
 * au_team_connect calls au_pq_load first, which names the package when
 * libpq is missing.
 */
#include <libpq-fe.h>

#include "dynlib.h"
#include "team_internal.h"

/* X(return type, name, parameters, arguments); V() for void functions */
#define PQ_FUNCS(X, V)                                                                                        \
	X(PGconn *, PQconnectdbParams, (const char *const *k, const char *const *v, int e), (k, v, e))         \
	V(PQfinish, (PGconn * c), (c))                                                                          \
	X(PQconninfoOption *, PQconninfoParse, (const char *s, char **e), (s, e))                               \
	V(PQconninfoFree, (PQconninfoOption * o), (o))                                                          \
	X(ConnStatusType, PQstatus, (const PGconn *c), (c))                                                     \
	X(char *, PQerrorMessage, (const PGconn *c), (c))                                                       \
	X(PGresult *, PQexec, (PGconn * c, const char *q), (c, q))                                              \
	X(PGresult *, PQexecParams,                                                                             \
	  (PGconn * c, const char *q, int n, const Oid *t, const char *const *v, const int *l, const int *f,    \
	   int rf),                                                                                             \
	  (c, q, n, t, v, l, f, rf))                                                                            \
	X(PGresult *, PQgetResult, (PGconn * c), (c))                                                           \
	X(int, PQputCopyData, (PGconn * c, const char *b, int n), (c, b, n))                                    \
	X(int, PQputCopyEnd, (PGconn * c, const char *e), (c, e))                                               \
	X(ExecStatusType, PQresultStatus, (const PGresult *r), (r))                                             \
	X(int, PQntuples, (const PGresult *r), (r))                                                             \
	X(char *, PQgetvalue, (const PGresult *r, int t, int f), (r, t, f))                                     \
	X(int, PQgetisnull, (const PGresult *r, int t, int f), (r, t, f))                                       \
	X(char *, PQcmdTuples, (PGresult * r), (r))                                                             \
	V(PQclear, (PGresult * r), (r))                                                                         \
	V(PQfreemem, (void *p), (p))

enum { PQ_FUNCS(AU_DL_INDEX, AU_DL_VINDEX) N_FUNCS };

static const char *const symbols[] = {PQ_FUNCS(AU_DL_NAME, AU_DL_VNAME) NULL};
static const char *const sonames[] = {"libpq.so.5", NULL};
static void *fns[N_FUNCS];
static au_dynlib pq = {.name = "libpq (the PostgreSQL client library)",
		       .package = "libpq5",
		       .sonames = sonames,
		       .symbols = symbols,
		       .fns = fns};

int au_pq_load(au_err *err)
{
	return au_dynlib_load(&pq, err);
}

/* Only called after au_pq_load succeeded: every libpq call goes through a
 * connection au_team_connect made. */
PQ_FUNCS(AU_DL_FORWARD, AU_DL_VFORWARD)

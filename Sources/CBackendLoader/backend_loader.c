// Lazily loaded client libraries. This file defines the libpq and hiredis functions taskq calls, each forwarding to
// the real one found with dlsym in a library opened on first use; the binary does not link libpq or hiredis.
// Call taskq_load_libpq / taskq_load_hiredis (and check the result) before any forwarded function.
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <postgresql/libpq-fe.h>
#include <hiredis/hiredis.h>
#include "taskq_backend_loader.h"

static void *pq_handle, *redis_handle;
static char pq_error[256], redis_error[256];
static pthread_once_t pq_once = PTHREAD_ONCE_INIT, redis_once = PTHREAD_ONCE_INIT;

static void open_first(void **handle, char *error, const char *const *names) {
    for (; *names; names++) {
        *handle = dlopen(*names, RTLD_NOW | RTLD_LOCAL);
        if (*handle) return;
    }
    const char *why = dlerror();
    snprintf(error, 256, "%s", why ? why : "not found");
}

static void open_pq(void) {
    static const char *const names[] = {"libpq.so.5", "libpq.so", NULL};
    open_first(&pq_handle, pq_error, names);
}

static void open_redis(void) {
    static const char *const names[] = {"libhiredis.so.0.14", "libhiredis.so.1.1.0", "libhiredis.so", NULL};
    open_first(&redis_handle, redis_error, names);
}

int taskq_load_libpq(char *error, size_t size) {
    pthread_once(&pq_once, open_pq);
    if (pq_handle) return 0;
    snprintf(error, size, "cannot load libpq (apt-get install libpq5): %s", pq_error);
    return -1;
}

int taskq_load_hiredis(char *error, size_t size) {
    pthread_once(&redis_once, open_redis);
    if (redis_handle) return 0;
    snprintf(error, size, "cannot load hiredis (apt-get install libhiredis0.14): %s", redis_error);
    return -1;
}

#define FORWARD(handle, ret, name, params, args)                       \
    ret name params {                                                  \
        static ret (*real) params;                                     \
        if (!real) real = (ret (*) params)dlsym(handle, #name);        \
        return real args;                                              \
    }
#define FORWARD_VOID(handle, name, params, args)                       \
    void name params {                                                 \
        static void (*real) params;                                    \
        if (!real) real = (void (*) params)dlsym(handle, #name);       \
        real args;                                                     \
    }

FORWARD(pq_handle, PGconn *, PQconnectdbParams, (const char *const *k, const char *const *v, int e), (k, v, e))
FORWARD_VOID(pq_handle, PQfinish, (PGconn *c), (c))
FORWARD(pq_handle, ConnStatusType, PQstatus, (const PGconn *c), (c))
FORWARD(pq_handle, char *, PQerrorMessage, (const PGconn *c), (c))
FORWARD(pq_handle, int, PQsocket, (const PGconn *c), (c))
FORWARD(pq_handle, PGresult *, PQexec, (PGconn *c, const char *q), (c, q))
FORWARD(pq_handle, PGresult *, PQexecParams,
        (PGconn *c, const char *q, int n, const Oid *t, const char *const *v, const int *l, const int *f, int rf),
        (c, q, n, t, v, l, f, rf))
FORWARD(pq_handle, PGresult *, PQprepare, (PGconn *c, const char *s, const char *q, int n, const Oid *t), (c, s, q, n, t))
FORWARD(pq_handle, PGresult *, PQexecPrepared,
        (PGconn *c, const char *s, int n, const char *const *v, const int *l, const int *f, int rf),
        (c, s, n, v, l, f, rf))
FORWARD(pq_handle, int, PQconsumeInput, (PGconn *c), (c))
FORWARD(pq_handle, PGnotify *, PQnotifies, (PGconn *c), (c))
FORWARD(pq_handle, ExecStatusType, PQresultStatus, (const PGresult *r), (r))
FORWARD(pq_handle, char *, PQresultErrorMessage, (const PGresult *r), (r))
FORWARD(pq_handle, char *, PQresultErrorField, (const PGresult *r, int f), (r, f))
FORWARD(pq_handle, int, PQntuples, (const PGresult *r), (r))
FORWARD(pq_handle, char *, PQcmdTuples, (PGresult *r), (r))
FORWARD(pq_handle, char *, PQgetvalue, (const PGresult *r, int t, int f), (r, t, f))
FORWARD(pq_handle, int, PQgetisnull, (const PGresult *r, int t, int f), (r, t, f))
FORWARD_VOID(pq_handle, PQclear, (PGresult *r), (r))
FORWARD_VOID(pq_handle, PQfreemem, (void *p), (p))

FORWARD(redis_handle, redisContext *, redisConnectWithTimeout, (const char *ip, int port, const struct timeval tv), (ip, port, tv))
FORWARD(redis_handle, redisContext *, redisConnectUnixWithTimeout, (const char *path, const struct timeval tv), (path, tv))
FORWARD_VOID(redis_handle, redisFree, (redisContext *c), (c))
FORWARD(redis_handle, int, redisBufferRead, (redisContext *c), (c))
FORWARD(redis_handle, int, redisBufferWrite, (redisContext *c, int *done), (c, done))
FORWARD(redis_handle, int, redisGetReply, (redisContext *c, void **reply), (c, reply))
FORWARD(redis_handle, int, redisGetReplyFromReader, (redisContext *c, void **reply), (c, reply))
FORWARD(redis_handle, int, redisAppendCommandArgv, (redisContext *c, int argc, const char **argv, const size_t *argvlen),
        (c, argc, argv, argvlen))
FORWARD_VOID(redis_handle, freeReplyObject, (void *reply), (reply))

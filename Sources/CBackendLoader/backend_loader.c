// Lazily loaded client libraries. This file defines the libpq and hiredis functions taskq calls, each forwarding to
// the real one found with dlsym in a library opened on first use; the binary does not link libpq or hiredis.
// Call taskq_load_libpq / taskq_load_hiredis (and check the result) before any forwarded function.
//
// Loading is done once per library under pthread_once: the library is opened and every symbol resolved and checked
// for NULL before the library counts as available, so a library missing a symbol is refused with the same kind of
// message as a missing library, and a forwarder never calls through a NULL pointer (it aborts with a message if
// called without a successful load, which is a bug in the caller).
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <postgresql/libpq-fe.h>
#include <hiredis/hiredis.h>
#include "taskq_backend_loader.h"

// The forwarded functions: F(return type, name, parameters, arguments) and V(name, parameters, arguments) for void.
#define PQ_FUNCTIONS(F, V)                                                                                    \
    F(PGconn *, PQconnectdbParams, (const char *const *k, const char *const *v, int e), (k, v, e))            \
    V(PQfinish, (PGconn *c), (c))                                                                             \
    F(ConnStatusType, PQstatus, (const PGconn *c), (c))                                                       \
    F(int, PQserverVersion, (const PGconn *c), (c))                                                           \
    F(char *, PQerrorMessage, (const PGconn *c), (c))                                                         \
    F(int, PQsocket, (const PGconn *c), (c))                                                                  \
    F(PGresult *, PQexec, (PGconn *c, const char *q), (c, q))                                                 \
    F(PGresult *, PQexecParams,                                                                               \
      (PGconn *c, const char *q, int n, const Oid *t, const char *const *v, const int *l, const int *f, int rf), \
      (c, q, n, t, v, l, f, rf))                                                                              \
    F(PGresult *, PQprepare, (PGconn *c, const char *s, const char *q, int n, const Oid *t), (c, s, q, n, t)) \
    F(PGresult *, PQexecPrepared,                                                                             \
      (PGconn *c, const char *s, int n, const char *const *v, const int *l, const int *f, int rf),            \
      (c, s, n, v, l, f, rf))                                                                                 \
    F(int, PQconsumeInput, (PGconn *c), (c))                                                                  \
    F(PGnotify *, PQnotifies, (PGconn *c), (c))                                                               \
    F(ExecStatusType, PQresultStatus, (const PGresult *r), (r))                                               \
    F(char *, PQresultErrorMessage, (const PGresult *r), (r))                                                 \
    F(char *, PQresultErrorField, (const PGresult *r, int f), (r, f))                                         \
    F(int, PQntuples, (const PGresult *r), (r))                                                               \
    F(char *, PQcmdTuples, (PGresult *r), (r))                                                                \
    F(char *, PQgetvalue, (const PGresult *r, int t, int f), (r, t, f))                                       \
    F(int, PQgetisnull, (const PGresult *r, int t, int f), (r, t, f))                                         \
    V(PQclear, (PGresult *r), (r))                                                                            \
    F(PGresult *, PQgetResult, (PGconn *c), (c))                                                              \
    F(int, PQputCopyData, (PGconn *c, const char *b, int n), (c, b, n))                                       \
    F(int, PQputCopyEnd, (PGconn *c, const char *e), (c, e))                                                  \
    V(PQfreemem, (void *p), (p))                                                                              \
    F(PQconninfoOption *, PQconninfoParse, (const char *c, char **e), (c, e))                                 \
    V(PQconninfoFree, (PQconninfoOption *o), (o))                                                             \
    F(PQnoticeProcessor, PQsetNoticeProcessor, (PGconn *c, PQnoticeProcessor p, void *a), (c, p, a))

#define REDIS_FUNCTIONS(F, V)                                                                                 \
    F(redisContext *, redisConnectWithTimeout, (const char *ip, int port, const struct timeval tv), (ip, port, tv)) \
    F(redisContext *, redisConnectUnixWithTimeout, (const char *path, const struct timeval tv), (path, tv))   \
    V(redisFree, (redisContext *c), (c))                                                                      \
    F(int, redisBufferRead, (redisContext *c), (c))                                                           \
    F(int, redisBufferWrite, (redisContext *c, int *done), (c, done))                                         \
    F(int, redisGetReply, (redisContext *c, void **reply), (c, reply))                                        \
    F(int, redisGetReplyFromReader, (redisContext *c, void **reply), (c, reply))                              \
    F(int, redisAppendCommandArgv, (redisContext *c, int argc, const char **argv, const size_t *argvlen),     \
      (c, argc, argv, argvlen))                                                                               \
    V(freeReplyObject, (void *reply), (reply))

// One pointer per forwarded function, written only inside pthread_once.
#define POINTER(ret, name, params, args) static ret (*real_##name) params;
#define VOID_POINTER(name, params, args) static void (*real_##name) params;
PQ_FUNCTIONS(POINTER, VOID_POINTER)
REDIS_FUNCTIONS(POINTER, VOID_POINTER)

struct symbol {
    const char *name;
    void **slot;
};
#define ENTRY(ret, name, params, args) {#name, (void **)&real_##name},
#define VOID_ENTRY(name, params, args) {#name, (void **)&real_##name},
static const struct symbol pq_symbols[] = {PQ_FUNCTIONS(ENTRY, VOID_ENTRY){NULL, NULL}};
static const struct symbol redis_symbols[] = {REDIS_FUNCTIONS(ENTRY, VOID_ENTRY){NULL, NULL}};

/// Set (non-NULL) only once the library is open and every one of its symbols resolved.
static void *pq_handle, *redis_handle;
static char pq_error[256], redis_error[256];
static pthread_once_t pq_once = PTHREAD_ONCE_INIT, redis_once = PTHREAD_ONCE_INIT;

/// Opens the first of `names` that loads and resolves every symbol of `symbols`; on any failure leaves `*handle`
/// NULL, every slot NULL, and the reason in `error`.
static void open_library(void **handle, char *error, const char *const *names, const struct symbol *symbols) {
    void *library = NULL;
    const char *opened = NULL;
    for (; *names; names++) {
        library = dlopen(*names, RTLD_NOW | RTLD_LOCAL);
        if (library) { opened = *names; break; }
    }
    if (!library) {
        const char *why = dlerror();
        snprintf(error, 256, "%s", why ? why : "not found");
        return;
    }
    for (const struct symbol *s = symbols; s->name; s++) {
        void *address = dlsym(library, s->name);
        if (!address) {
            snprintf(error, 256, "%s has no function %s", opened, s->name);
            for (const struct symbol *t = symbols; t->name; t++) *t->slot = NULL;
            dlclose(library);
            return;
        }
        *s->slot = address;
    }
    *handle = library;
}

static void open_pq(void) {
    static const char *const names[] = {"libpq.so.5", "libpq.so", NULL};
    open_library(&pq_handle, pq_error, names, pq_symbols);
}

static void open_redis(void) {
    static const char *const names[] = {"libhiredis.so.0.14", "libhiredis.so.1.1.0", "libhiredis.so", NULL};
    open_library(&redis_handle, redis_error, names, redis_symbols);
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

static void *preload(void *postgres) {
    if (postgres) pthread_once(&pq_once, open_pq);
    else pthread_once(&redis_once, open_redis);
    return NULL;
}

void taskq_preload_backend(int postgres) {
    pthread_attr_t attributes;
    pthread_t thread;
    if (pthread_attr_init(&attributes) != 0) return;
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    // Without a thread the load simply happens later, on first use.
    (void)pthread_create(&thread, &attributes, preload, postgres ? (void *)1 : NULL);
    pthread_attr_destroy(&attributes);
}

/// Makes sure the library was loaded (pthread_once also orders the pointer writes before this read); a call
/// without a successful taskq_load_* is a bug in taskq and stops the process with a message, never a NULL call.
static void require_pq(const char *name) {
    pthread_once(&pq_once, open_pq);
    if (pq_handle) return;
    fprintf(stderr, "taskq: %s called but libpq is not available: %s\n", name, pq_error);
    abort();
}

static void require_redis(const char *name) {
    pthread_once(&redis_once, open_redis);
    if (redis_handle) return;
    fprintf(stderr, "taskq: %s called but hiredis is not available: %s\n", name, redis_error);
    abort();
}

#define PQ_FORWARD(ret, name, params, args) \
    ret name params { require_pq(#name); return real_##name args; }
#define PQ_FORWARD_VOID(name, params, args) \
    void name params { require_pq(#name); real_##name args; }
#define REDIS_FORWARD(ret, name, params, args) \
    ret name params { require_redis(#name); return real_##name args; }
#define REDIS_FORWARD_VOID(name, params, args) \
    void name params { require_redis(#name); real_##name args; }
PQ_FUNCTIONS(PQ_FORWARD, PQ_FORWARD_VOID)
REDIS_FUNCTIONS(REDIS_FORWARD, REDIS_FORWARD_VOID)

#ifndef TASKQ_CHIREDIS_SHIM_H
#define TASKQ_CHIREDIS_SHIM_H
// Declarations only: the functions are defined by CBackendLoader, which loads hiredis with dlopen on first use.
#include <hiredis/hiredis.h>

/// The context's error text (a fixed-size char array, awkward to read from Swift).
static inline const char *taskq_redis_errstr(const redisContext *c) { return c->errstr; }
#endif

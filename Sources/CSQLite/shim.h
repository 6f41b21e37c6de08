#ifndef TASKQ_CSQLITE_SHIM_H
#define TASKQ_CSQLITE_SHIM_H
#include <sqlite3.h>

/// sqlite3_config is variadic: this fixed-arity shim turns off memory statistics (a global mutex on every
/// allocation). Must run before the first connection opens; returns SQLITE_MISUSE afterwards, which is harmless.
static inline int taskq_sqlite3_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
#endif

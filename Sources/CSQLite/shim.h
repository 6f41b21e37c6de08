#ifndef TASKQ_CSQLITE_SHIM_H
#define TASKQ_CSQLITE_SHIM_H
#include <sqlite3.h>

/// sqlite3_config is variadic: this fixed-arity shim turns off memory statistics (a global mutex on every
/// allocation). Must run before the first connection opens; returns SQLITE_MISUSE afterwards, which is harmless.
static inline int taskq_sqlite3_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
/// sqlite3_db_config is variadic too: turns triggers on or off for one connection. taskq's own connections keep the
/// job counts that the schema's triggers keep for other writers themselves, batched (TaskKit's SQLiteJobCounts).
static inline int taskq_sqlite3_enable_triggers(sqlite3 *db, int on) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, on, (int *)0);
}
#endif

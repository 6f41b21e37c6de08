#ifndef TASKQ_BACKEND_LOADER_H
#define TASKQ_BACKEND_LOADER_H
#include <stddef.h>

/// libpq and hiredis are loaded with dlopen the first time a PostgreSQL or Redis store is opened, so the default
/// SQLite process maps neither them nor the ~20 libraries they pull in (OpenSSL, Kerberos, LDAP…).
/// Each returns 0 when the library is usable, else -1 with a message in `error`.
int taskq_load_libpq(char *error, size_t size);
int taskq_load_hiredis(char *error, size_t size);

/// Starts loading libpq (`postgres` non-zero) or hiredis on a detached thread and returns at once, so the load
/// overlaps whatever the process does before it opens its store; the taskq_load_* call that follows waits for it.
/// Nothing is reported here: a failed load is reported by that call.
void taskq_preload_backend(int postgres);

#endif

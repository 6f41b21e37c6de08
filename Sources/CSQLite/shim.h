#ifndef TASKQ_CSQLITE_SHIM_H
#define TASKQ_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif

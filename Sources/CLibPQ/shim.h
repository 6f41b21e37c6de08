#ifndef TASKQ_CLIBPQ_SHIM_H
#define TASKQ_CLIBPQ_SHIM_H
// Declarations only: the functions are defined by CBackendLoader, which loads libpq with dlopen on first use.
#include <postgresql/libpq-fe.h>
#endif

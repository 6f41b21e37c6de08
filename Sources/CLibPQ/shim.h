#ifndef TASKQ_CLIBPQ_SHIM_H
#define TASKQ_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif

#ifndef TASKQ_CLIBPQ_SHIM_H
#define TASKQ_CLIBPQ_SHIM_H
// Declarations only: the functions are defined by CBackendLoader, which loads libpq with dlopen on first use.
// Not `pkgConfig: "libpq"`: SwiftPM would then add pkg-config's `-lpq` to every link, so every taskq process (SQLite
// ones too) would load libpq and its OpenSSL/Kerberos/LDAP dependencies at start-up. Debian's libpq-dev installs
// this header under /usr/include/postgresql, which the include path below names without any extra flags.
#include <postgresql/libpq-fe.h>
#endif

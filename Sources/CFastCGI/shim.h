#ifndef GUVNL_CFASTCGI_SHIM_H
#define GUVNL_CFASTCGI_SHIM_H
// libfcgi's re-entrant request API (FCGX_*), from Debian's libfcgi-dev.
#include <fcgiapp.h>
#endif

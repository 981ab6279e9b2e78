#ifndef GUVNL_CZLIB_SHIM_H
#define GUVNL_CZLIB_SHIM_H
// zlib from Debian's zlib1g-dev, for the .gz files nginx serves with gzip_static.
#include <zlib.h>
#endif

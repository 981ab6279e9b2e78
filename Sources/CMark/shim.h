#ifndef GUVNL_CMARK_SHIM_H
#define GUVNL_CMARK_SHIM_H
// CommonMark reference renderer, from Debian's libcmark-dev.
#include <cmark.h>
#endif

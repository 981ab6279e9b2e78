#ifndef GUVNL_CQRENCODE_SHIM_H
#define GUVNL_CQRENCODE_SHIM_H
// QR codes from Debian's libqrencode-dev, for the token page's QR code.
#include <qrencode.h>
#endif

#ifndef GUVNL_CSODIUM_SHIM_H
#define GUVNL_CSODIUM_SHIM_H
// libsodium from Debian's libsodium-dev: argon2id password hashes, HMAC, random bytes.
#include <sodium.h>
#endif

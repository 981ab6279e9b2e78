#ifndef GUVNL_CCURL_SHIM_H
#define GUVNL_CCURL_SHIM_H
// libcurl from Debian's libcurl4-openssl-dev, for the worker's SMTP, SMS gateway and push clients. curl_easy_setopt is
// variadic, which Swift cannot call: these typed wrappers are the only way the Swift side sets options.
#include <curl/curl.h>

static inline CURLcode guvnl_curl_set_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode guvnl_curl_set_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode guvnl_curl_set_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode guvnl_curl_set_list(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}
typedef size_t (*guvnl_curl_read_callback)(char *buffer, size_t size, size_t items, void *context);
static inline CURLcode guvnl_curl_set_read_callback(CURL *handle, guvnl_curl_read_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_READFUNCTION, callback);
}
typedef size_t (*guvnl_curl_write_callback)(char *data, size_t size, size_t items, void *context);
static inline CURLcode guvnl_curl_set_write_callback(CURL *handle, guvnl_curl_write_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
}
static inline long guvnl_curl_response_code(CURL *handle) {
    long code = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &code);
    return code;
}
#endif

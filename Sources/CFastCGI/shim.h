#ifndef GUVNL_CFASTCGI_SHIM_H
#define GUVNL_CFASTCGI_SHIM_H
// libfcgi's re-entrant request API (FCGX_*), from Debian's libfcgi-dev.
#include <fcgiapp.h>
// epoll and eventfd for the event-stream loop. struct epoll_event is packed on x86-64, so it is
// only touched here in C, and Swift sees plain integers.
#include <errno.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#define GUVNL_STREAM_READABLE (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)

/// Adds (op = EPOLL_CTL_ADD), changes (EPOLL_CTL_MOD) or removes (EPOLL_CTL_DEL) `fd`, tagged with `tag`.
/// With `writable`, the loop is also told when the socket can take more bytes.
static inline int guvnl_epoll_control(int epoll, int op, int fd, uint64_t tag, int writable) {
    struct epoll_event event;
    event.events = GUVNL_STREAM_READABLE | (writable ? EPOLLOUT : 0);
    event.data.u64 = tag;
    return epoll_ctl(epoll, op, fd, &event);
}

/// Waits for up to `capacity` events; writes each one's tag and whether it is readable or writable.
static inline int guvnl_epoll_wait(int epoll, uint64_t *tags, int *readable, int *writable, int capacity, int timeout) {
    struct epoll_event events[256];
    if (capacity > 256) capacity = 256;
    int count = epoll_wait(epoll, events, capacity, timeout);
    for (int index = 0; index < count; index++) {
        tags[index] = events[index].data.u64;
        readable[index] = (events[index].events & GUVNL_STREAM_READABLE) != 0;
        writable[index] = (events[index].events & EPOLLOUT) != 0;
    }
    return count;
}

// The workers' connections: the listening socket, level-triggered (any waiting worker may accept),
// and each connection nginx keeps between requests, one event at a time (EPOLLONESHOT: one worker
// takes its next request, and gives it back afterwards).

/// Watches the listening socket for connections.
static inline int guvnl_epoll_watch_listener(int epoll, int fd) {
    struct epoll_event event;
    event.events = EPOLLIN;
    event.data.u64 = (uint64_t)fd;
    return epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
}

/// Gives a kept connection back: the next worker to wait is woken when nginx sends on it (or closes it).
static inline int guvnl_epoll_rearm(int epoll, int fd) {
    struct epoll_event event;
    event.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
    event.data.u64 = (uint64_t)fd;
    if (epoll_ctl(epoll, EPOLL_CTL_MOD, fd, &event) == 0) return 0;
    if (errno != ENOENT) return -1;
    return epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
}

/// Waits for one ready descriptor; returns it, or -1 (the timeout passed, or a signal came).
static inline int guvnl_epoll_next(int epoll, int timeout) {
    struct epoll_event event;
    return epoll_wait(epoll, &event, 1, timeout) == 1 ? (int)event.data.u64 : -1;
}

/// Sends without raising SIGPIPE; returns the bytes sent, or -1 with errno set.
static inline long guvnl_send(int fd, const void *bytes, unsigned long count) {
    return (long)send(fd, bytes, count, MSG_NOSIGNAL | MSG_DONTWAIT);
}

static inline int guvnl_errno(void) { return errno; }
#endif

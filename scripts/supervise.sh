#!/usr/bin/env bash
# Keeps a server running: starts the command, and whenever it ends without having been asked to
# (a crash, a kill, an exit after losing its socket) starts it again, so that one bad request cannot
# leave the service down until somebody notices. `make run` and the tests use it; production uses
# systemd's Restart= (deploy/systemd/).
#   scripts/supervise.sh COMMAND [ARGS...]
# SIGTERM or SIGINT stop the command (with SIGTERM, so it finishes what it is doing) and then this script.
# Restarts wait 0.2 s, growing to 5 s while the command keeps dying within 10 s of starting.
set -uo pipefail

[ $# -gt 0 ] || { echo "usage: supervise.sh COMMAND [ARGS...]" >&2; exit 2; }
name=$(basename "$1")
child=""
stopping=0

stop() {
    stopping=1
    [ -n "$child" ] && kill -TERM "$child" 2>/dev/null
}
trap stop TERM INT

delay=0.2
while [ "$stopping" -eq 0 ]; do
    started=$SECONDS
    "$@" &
    child=$!
    # `wait` returns early when a trapped signal arrives; wait again for the command itself to end.
    wait "$child"
    status=$?
    while kill -0 "$child" 2>/dev/null; do wait "$child"; status=$?; done
    child=""
    [ "$stopping" -eq 1 ] && break
    if [ $((SECONDS - started)) -ge 10 ]; then delay=0.2; fi
    if [ "$status" -gt 128 ]; then why="was killed by signal $((status - 128))"; else why="exited with status $status"; fi
    echo "supervise: $name $why; starting it again in ${delay}s" >&2
    sleep "$delay" & wait $!
    case $delay in 0.2) delay=0.5 ;; 0.5) delay=1 ;; 1) delay=2 ;; *) delay=5 ;; esac
done
exit 0

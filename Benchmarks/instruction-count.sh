#!/bin/sh
# Instructions a booking and a call cost in one process (QueueCore straight, no nginx), counted by
# valgrind (callgrind) on `queue-bench throughput`: unlike CPU time, the count hardly moves with
# whatever else the machine runs, so two builds can be compared on a busy 2-core machine. It is not
# a throughput figure (live-bench.py is): it says whether a change made the work smaller.
#
#   swift build -c release --product queue-bench
#   Benchmarks/instruction-count.sh [queue-bench binary ...]     # default .build/release/queue-bench
#
# Each binary books 200 and 600 tokens (and makes 100 and 400 calls, with 200 waiting); the
# difference over the extra 400 (300) is what one booking (call) costs, the setup cancelled out.
set -eu
command -v valgrind >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -q valgrind >/dev/null; }
[ $# -gt 0 ] || set -- .build/release/queue-bench
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
refs() {  # instructions of one run: valgrind cannot read Swift's DWARF 5, so it runs a stripped copy
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$scratch/bench" throughput --synchronous normal "$@" 2>&1 |
        sed -n 's/.*I *refs: *//p' | tr -d ,
}
for binary in "$@"; do
    strip -o "$scratch/bench" "$binary"
    b200=$(refs --tokens 200 --calls 1); b600=$(refs --tokens 600 --calls 1)
    c100=$(refs --tokens 10 --calls 100); c400=$(refs --tokens 10 --calls 400)
    echo "$binary: a booking $(( (b600 - b200) / 400 )) instructions, a call $(( (c400 - c100) / 300 )) instructions"
done

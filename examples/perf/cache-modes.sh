#!/bin/sh
# Write the same 8 MiB of 4 KiB requests through each QEMU cache mode with
# qemu-img bench (QEMU's own block layer, no guest), once without and once
# with a flush every 64 requests, as a guest file system that commits often
# would do.  Median of RUNS runs, in milliseconds.  The image is qcow2 with
# preallocation=falloc, so cluster allocation is not part of the measurement.
set -eu
DIR=${DIR:-/var/tmp/perf-cache}
RUNS=${RUNS:-3}
AIO=${AIO:-threads}
mkdir -p "$DIR"
img="$DIR/t.qcow2"
qemu-img create -q -f qcow2 -o preallocation=falloc "$img" 64M

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
bench() {   # cache mode, extra options: print elapsed milliseconds
    mode=$1; shift
    s=$(date +%s%N)
    qemu-img bench -w -t "$mode" -i "$AIO" -d 16 -s 4k -c 2048 "$@" -f qcow2 "$img" >/dev/null
    e=$(date +%s%N)
    echo $(( (e - s) / 1000000 ))
}

printf '%-13s %16s %22s\n' cache no_flush_ms flush_every_64_ms
for mode in none writeback writethrough directsync unsafe; do
    a=""; b=""
    for run in $(seq "$RUNS"); do
        a="$a $(bench "$mode")"
        b="$b $(bench "$mode" --flush-interval=64)"
    done
    printf '%-13s %16s %22s\n' "$mode" "$(echo $a | tr ' ' '\n' | median)" "$(echo $b | tr ' ' '\n' | median)"
done
rm -rf "$DIR"

#!/bin/sh
# Compare qcow2 preallocation modes on a scratch image: how long creation
# takes, how much disk each image really uses, and how long a first write of
# the whole disk takes (64 KiB requests, cache=none, so the host page cache
# does not hide the cost).  Median of RUNS runs.  Run it on the file system
# that will hold your images: the answer depends on it.
set -eu
DIR=${DIR:-/var/tmp/perf-prealloc}      # scratch directory (deleted at the end)
SIZE=${SIZE:-256M}                      # virtual disk size
RUNS=${RUNS:-3}
mkdir -p "$DIR"
img="$DIR/t.qcow2"
count=$(( $(numfmt --from=iec "$SIZE") / 65536 ))

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
secs() { s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }

printf '%-9s %10s %12s %12s %14s\n' mode create_ms file_size used_on_disk first_write_ms
for mode in off metadata falloc full; do
    c=""; w=""
    for run in $(seq "$RUNS"); do
        rm -f "$img"
        c="$c $(secs qemu-img create -q -f qcow2 -o preallocation=$mode "$img" "$SIZE")"
        w="$w $(secs qemu-img bench -w -t none -i threads -d 8 -s 64k -S 64k -c "$count" -f qcow2 "$img")"
    done
    rm -f "$img"
    qemu-img create -q -f qcow2 -o preallocation=$mode "$img" "$SIZE"
    printf '%-9s %10s %12s %12s %14s\n' "$mode" \
        "$(echo $c | tr ' ' '\n' | median)" \
        "$(du -h --apparent-size "$img" | cut -f1)" "$(du -h "$img" | cut -f1)" \
        "$(echo $w | tr ' ' '\n' | median)"
done
rm -rf "$DIR"

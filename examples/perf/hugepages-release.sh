#!/bin/sh
# Stop the VM and give the pages back to the general allocator.
set -eu
LAB=${LAB:-/tmp/perf-hugepages}
[ -f "$LAB/qemu.pid" ] && kill "$(cat "$LAB/qemu.pid")" 2>/dev/null || true
sleep 0.5
rm -rf "$LAB"
echo 0 > /proc/sys/vm/nr_hugepages
grep -E '^HugePages_(Total|Free)' /proc/meminfo

#!/bin/sh
# List the threads of a process: thread ID and name, in creation order.
# Same information as "ps -T -p PID" or "top -H -p PID".
set -eu
pid=${1:-$(cat "${LAB:-/tmp/kvmkb-lab}/qemu.pid")}
for task in $(ls /proc/"$pid"/task | sort -n); do
    printf '%-8s %s\n' "$task" "$(cat /proc/"$pid"/task/"$task"/comm)"
done
echo "$(ls /proc/"$pid"/task | wc -l) threads"

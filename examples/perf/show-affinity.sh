#!/bin/sh
# For every thread of a QEMU process: its name, the CPUs it may run on
# (Cpus_allowed_list: what taskset, sched_setaffinity and libvirt's
# <vcpupin>/<emulatorpin> change).  "ps -L -o tid,psr,comm -p PID" adds the
# CPU each thread last ran on.
set -eu
pid=$1
printf "%-8s %-18s %s\n" TID NAME ALLOWED
for task in $(ls /proc/"$pid"/task | sort -n); do
    d=/proc/$pid/task/$task
    allowed=$(awk '/^Cpus_allowed_list:/ {print $2}' "$d/status")
    printf '%-8s %-18s %s\n' "$task" "$(cat "$d/comm")" "$allowed"
done

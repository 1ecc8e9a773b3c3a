#!/bin/sh
# Stop and remove the perf-pin domain and its kernel copy.
virsh -q destroy perf-pin >/dev/null 2>&1 || true
virsh -q undefine perf-pin >/dev/null 2>&1 || true
rm -f /var/lib/libvirt/images/perf-hello.elf

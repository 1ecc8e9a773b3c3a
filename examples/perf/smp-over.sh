#!/bin/sh
# Start (paused) a KVM guest with twice as many vCPUs as the host has
# online CPUs, print what QEMU says about it, and quit.
set -eu
n=$(( $(nproc) * 2 ))
echo "host CPUs: $(nproc); asking for -smp $n"
printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"quit"}' |
    qemu-system-x86_64 -accel kvm -M pc -m 64 -smp "$n" -nodefaults -display none \
        -S -qmp stdio 2>&1 >/dev/null | grep -i 'smp\|cpus' || echo "no warning"

#!/bin/sh
# Start a VM whose RAM comes from the huge page pool (memfd with
# hugetlb=on: no hugetlbfs mount needed), preallocated at start-up.
# libvirt writes the same thing as <memoryBacking><hugepages/>...
set -eu
LAB=${LAB:-/tmp/perf-hugepages}
KERNEL=${KERNEL:-hello.elf}
MEM=${MEM:-64M}
PREALLOC=${PREALLOC:-on}
mkdir -p "$LAB"
qemu-system-x86_64 \
    -name perf-hp,debug-threads=on \
    -accel "${ACCEL:-kvm}" -M pc -m "$MEM" -smp 1 \
    -object memory-backend-memfd,id=ram0,size="$MEM",hugetlb=on,hugetlbsize=2M,prealloc="$PREALLOC" \
    -machine memory-backend=ram0 \
    -bios /usr/share/qemu/qboot.rom -kernel "$KERNEL" \
    -display none -serial none -monitor none \
    -pidfile "$LAB/qemu.pid" -daemonize
grep -E '^HugePages_(Total|Free|Rsvd)' /proc/meminfo

#!/bin/sh
# Start a 2-vCPU VM in the background, with named threads and a QMP socket.
# The guest is the tiny kernel from the boot lab: it prints two lines and
# halts, which is all this lab needs.  IOTHREAD=1 adds an IOThread and a
# virtio-blk disk served by it.
set -eu
ACCEL=${ACCEL:-kvm}
KERNEL=${KERNEL:-hello.elf}
LAB=${LAB:-/tmp/kvmkb-lab}               # socket, pid file and disk live here
IOTHREAD=${IOTHREAD:-0}

mkdir -p "$LAB"
set --
if [ "$IOTHREAD" = 1 ]; then
    qemu-img create -q -f raw "$LAB/disk.img" 64M
    set -- -object iothread,id=io0 \
        -drive file="$LAB/disk.img",if=none,id=d0,format=raw,aio=threads \
        -device virtio-blk-pci,drive=d0,iothread=io0
fi

qemu-system-x86_64 \
    -name lab,debug-threads=on \
    -accel "$ACCEL" -M pc -m 128 -smp 2 \
    -bios /usr/share/qemu/qboot.rom -kernel "$KERNEL" \
    -display none -serial none -monitor none \
    -qmp unix:"$LAB/qmp.sock",server=on,wait=off \
    -pidfile "$LAB/qemu.pid" -daemonize \
    "$@"
echo "QEMU runs as PID $(cat "$LAB/qemu.pid")"

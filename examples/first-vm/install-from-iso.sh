#!/bin/sh
# The installer route: an empty disk plus an installer ISO as a CD-ROM.
# The installer needs a screen: QEMU opens a window (GTK or SDL) if it can.
# DISPLAY_OPT selects another display back end, e.g. vnc=127.0.0.1:0.
set -eu

ISO=${ISO:-debian-12-amd64-netinst.iso}
ACCEL=${ACCEL:-kvm}
CPU=${CPU:-host}

[ -e disk.qcow2 ] || qemu-img create -f qcow2 disk.qcow2 20G
exec qemu-system-x86_64 \
    -name installer \
    -accel "$ACCEL" -cpu "$CPU" -m 2048 -smp 2 \
    -drive file=disk.qcow2,if=virtio,format=qcow2 \
    -cdrom "$ISO" -boot once=d \
    -netdev user,id=net0 -device virtio-net-pci,netdev=net0 \
    ${DISPLAY_OPT:+-display "$DISPLAY_OPT"}

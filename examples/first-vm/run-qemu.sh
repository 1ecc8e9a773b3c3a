#!/bin/sh
# Boot the prepared VM with the serial console on this terminal.
# Leave QEMU with Ctrl-a x; log in from another terminal with
#   ssh -p 2222 tux@127.0.0.1
set -eu

ACCEL=${ACCEL:-kvm}          # kvm needs /dev/kvm; tcg works anywhere, slowly
CPU=${CPU:-host}             # "host" needs KVM; use "max" with tcg
MEM=${MEM:-2048}             # MiB
SMP=${SMP:-2}

# KERNEL/INITRD/APPEND are optional: with them QEMU boots that kernel
# directly instead of the image's own boot loader.
exec qemu-system-x86_64 \
    -name first-vm \
    -accel "$ACCEL" -cpu "$CPU" -m "$MEM" -smp "$SMP" \
    -drive file=vm.qcow2,if=virtio,format=qcow2 \
    -drive file=seed.iso,if=virtio,format=raw,readonly=on \
    -netdev user,id=net0,hostfwd=tcp:127.0.0.1:2222-:22 \
    -device virtio-net-pci,netdev=net0 \
    -nographic \
    ${KERNEL:+-kernel "$KERNEL"} ${INITRD:+-initrd "$INITRD"} \
    ${APPEND:+-append "$APPEND"}

#!/bin/sh
# Boot the prepared VM with its NIC on tap0 (a port of bridge br0) instead
# of user-mode networking: the guest is then a peer on the bridge's LAN.
set -eu
ACCEL=${ACCEL:-kvm}
CPU=${CPU:-host}
TAP=${TAP:-tap0}
exec qemu-system-x86_64 \
    -name first-vm \
    -accel "$ACCEL" -cpu "$CPU" -m "${MEM:-2048}" -smp "${SMP:-2}" \
    -drive file=vm.qcow2,if=virtio,format=qcow2 \
    -drive file=seed.iso,if=virtio,format=raw,readonly=on \
    -netdev tap,id=net0,ifname="$TAP",script=no,downscript=no \
    -device virtio-net-pci,netdev=net0 \
    -nographic \
    ${KERNEL:+-kernel "$KERNEL"} ${INITRD:+-initrd "$INITRD"} \
    ${APPEND:+-append "$APPEND"}

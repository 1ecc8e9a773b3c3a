#!/bin/sh
# Start a VM that mounts the virtiofsd share from start-virtiofsd.sh.
# virtio-fs needs guest RAM that virtiofsd can map too: a memfd memory
# backend with share=on, used as the machine's RAM.
set -eu
sock=${1:?usage: run-qemu-virtiofs.sh SOCKET}
ACCEL=${ACCEL:-kvm}
MEM=${MEM:-1G}
exec qemu-system-x86_64 -machine q35,memory-backend=mem -accel "$ACCEL" -m "$MEM" \
    -object memory-backend-memfd,id=mem,size="$MEM",share=on \
    -chardev socket,id=vfs,path="$sock" \
    -device vhost-user-fs-pci,chardev=vfs,tag=hostshare \
    -nographic \
    ${DISK:+-drive file="$DISK",if=virtio,format=qcow2} \
    ${KERNEL:+-kernel "$KERNEL"} ${INITRD:+-initrd "$INITRD"} ${APPEND:+-append "$APPEND"}

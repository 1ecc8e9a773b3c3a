#!/bin/sh
# Start one QEMU process for the migration guide, in the background.
#   start-vm.sh src            the running source VM
#   start-vm.sh dst PORT       an empty destination that waits for the
#                              migration stream on 127.0.0.1:PORT
# Both get the SAME options: same machine type, CPU model, RAM size and
# devices, and the same disk file (on one host, that is shared storage).
# Each has a QMP socket in $DIR, its serial console in $DIR/NAME-serial.log.
set -eu
name=${1:?usage: start-vm.sh src|dst [PORT]}
DIR=${DIR:-/tmp/migration-demo}
ACCEL=${ACCEL:-kvm}          # tcg where KVM cannot run the guest
CPU=${CPU:-host}             # host only if both hosts have the same CPU; else a named model
MACHINE=${MACHINE:-q35}      # resolves to the newest versioned type, e.g. pc-q35-10.0
mkdir -p "$DIR"
incoming=
if [ "$name" = dst ]; then
    incoming="-incoming tcp:127.0.0.1:${2:?destination needs a PORT}"
fi
# KERNEL/INITRD/APPEND are optional: direct kernel boot instead of the disk's boot loader.
qemu-system-x86_64 -name "$name" \
    -machine "$MACHINE" -accel "$ACCEL" -cpu "$CPU" -m 512 -smp 1 \
    -drive file="$DIR/disk.qcow2",if=virtio,format=qcow2 \
    -display none -serial file:"$DIR/$name-serial.log" \
    -qmp unix:"$DIR/$name.qmp",server=on,wait=off \
    -daemonize -pidfile "$DIR/$name.pid" \
    ${KERNEL:+-kernel "$KERNEL"} ${INITRD:+-initrd "$INITRD"} \
    ${APPEND:+-append "$APPEND"} $incoming

#!/bin/sh
# Remove the VM: stop it if it runs, delete its definition, then delete the
# overlay and the seed.  The downloaded base image is kept.
set -eu
VM=${VM:-demo}
IMAGES=${IMAGES:-/var/lib/libvirt/images}
export LIBVIRT_DEFAULT_URI=qemu:///system
if [ "$(virsh domstate "$VM")" != "shut off" ]; then
    virsh destroy "$VM"
fi
virsh undefine "$VM"
rm -f "$IMAGES/$VM.qcow2" "$IMAGES/$VM-seed.iso"

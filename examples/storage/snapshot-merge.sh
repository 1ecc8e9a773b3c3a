#!/bin/sh
# Fold the overlay of an external snapshot back into the original image
# while the VM runs, switch the VM back to it, and forget the snapshot.
# Run as root, after snapshot-external.sh.
set -eu
VM=${VM:-demo}
export LIBVIRT_DEFAULT_URI=qemu:///system
virsh blockcommit "$VM" vda --active --pivot   # copy down, then switch the disk
virsh snapshot-delete "$VM" before-change --metadata
virsh domblklist "$VM"

#!/bin/sh
# Take an external, disk-only snapshot of a running VM: the current image
# becomes a read-only backing file and the VM writes to a new overlay.
# Run as root (or as a member of the libvirt group).
set -eu
VM=${VM:-demo}
export LIBVIRT_DEFAULT_URI=qemu:///system
virsh snapshot-create-as "$VM" before-upgrade --disk-only --atomic
virsh snapshot-list "$VM" --tree
virsh domblklist "$VM"

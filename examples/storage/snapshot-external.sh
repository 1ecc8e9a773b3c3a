#!/bin/sh
# An external, disk-only snapshot of a running VM: libvirt creates a new
# overlay and QEMU switches to it, so the old image becomes a read-only
# backing file.  Run as root.
set -eu
VM=${VM:-demo}
export LIBVIRT_DEFAULT_URI=qemu:///system
virsh snapshot-create-as "$VM" before-change --disk-only --atomic
virsh snapshot-list "$VM"
virsh domblklist "$VM"                   # the disk now points at the overlay

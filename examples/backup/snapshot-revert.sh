#!/bin/sh
# Go back to the external snapshot "before-upgrade" (libvirt 9.9 or later).
# A disk-only snapshot holds no memory, so the VM ends up shut off, on a
# fresh overlay whose backing file is the image frozen by the snapshot.
set -eu
VM=${VM:-demo}
export LIBVIRT_DEFAULT_URI=qemu:///system
virsh snapshot-revert "$VM" before-upgrade
virsh domstate "$VM"
virsh domblklist "$VM"

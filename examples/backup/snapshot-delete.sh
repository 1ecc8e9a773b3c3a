#!/bin/sh
# Delete the external snapshot "before-upgrade" with the VM running:
# libvirt merges the overlay into the image below it (a block commit)
# and removes the overlay file (libvirt 9.0 or later).
set -eu
VM=${VM:-demo}
export LIBVIRT_DEFAULT_URI=qemu:///system
virsh start "$VM"
virsh snapshot-delete "$VM" before-upgrade
virsh snapshot-list "$VM" --name
virsh domblklist "$VM"

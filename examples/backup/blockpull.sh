#!/bin/sh
# Flatten a chain the other way round: copy the backing file's data UP into
# the active overlay, so the overlay no longer needs its base.
set -eu
VM=${VM:-demo}
export LIBVIRT_DEFAULT_URI=qemu:///system
virsh snapshot-create-as "$VM" --disk-only --atomic --no-metadata
top=$(virsh domblklist "$VM" | awk '$1 == "vda" { print $2 }')
qemu-img info -U --backing-chain "$top" | grep -E '^(image|backing file):'
virsh blockpull "$VM" vda --wait
qemu-img info -U --backing-chain "$top" | grep -E '^(image|backing file):'

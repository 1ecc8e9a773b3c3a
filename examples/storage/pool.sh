#!/bin/sh
# A directory storage pool and a qcow2 volume in it (run as root).
set -eu
export LIBVIRT_DEFAULT_URI=qemu:///system
POOL=${POOL:-lab}
DIR=${DIR:-/var/lib/libvirt/lab-pool}

virsh pool-define-as "$POOL" dir --target "$DIR"
virsh pool-build "$POOL"                 # creates the directory
virsh pool-start "$POOL"
virsh vol-create-as "$POOL" data.qcow2 2G --format qcow2
virsh vol-list "$POOL"
virsh vol-info data.qcow2 --pool "$POOL"

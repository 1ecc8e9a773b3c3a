#!/bin/sh
# Remove the pool made by pool.sh, with its volumes and directory.
set -eu
export LIBVIRT_DEFAULT_URI=qemu:///system
POOL=${POOL:-lab}
virsh vol-delete data.qcow2 --pool "$POOL"
virsh pool-destroy "$POOL"               # stops the pool; files stay
virsh pool-delete "$POOL"                # removes the (now empty) directory
virsh pool-undefine "$POOL"

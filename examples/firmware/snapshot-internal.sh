#!/bin/sh
# An internal snapshot of the running VM (memory, disks and NVRAM inside the
# qcow2 files), listed, reverted to, and deleted.
set -eu
VM=${VM:-fw-uefi}
export LIBVIRT_DEFAULT_URI=qemu:///system
virsh snapshot-create-as "$VM" before-update
virsh snapshot-list "$VM" --name
virsh snapshot-revert "$VM" before-update
virsh snapshot-delete "$VM" before-update

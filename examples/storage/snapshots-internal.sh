#!/bin/sh
# Internal snapshots live inside one qcow2 file (the VM must be shut down,
# or use virsh/QMP while it runs).
set -eu
qemu-img create -q -f qcow2 vm.qcow2 1G
qemu-io -c 'write -P 0x11 0 64k' vm.qcow2 >/dev/null
qemu-img snapshot -c before-upgrade vm.qcow2      # create
qemu-io -c 'write -P 0x22 0 64k' vm.qcow2 >/dev/null
qemu-img snapshot -l vm.qcow2 | sed 1d | awk '{ print $1, $2 }'   # list: ID and tag
qemu-img snapshot -a before-upgrade vm.qcow2      # apply (revert)
qemu-io -c 'read -P 0x11 0 64k' vm.qcow2 | head -n 1
qemu-img snapshot -d before-upgrade vm.qcow2      # delete
qemu-img snapshot -l vm.qcow2 | wc -l

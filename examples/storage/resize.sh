#!/bin/sh
# Grow a disk image while the VM is shut down.  Inside the guest you then
# grow the partition and the file system (cloud images do it at boot).
set -eu
qemu-img create -q -f qcow2 vm.qcow2 10G
qemu-img resize vm.qcow2 +5G
qemu-img info vm.qcow2 | grep '^virtual size:'
# Shrinking needs --shrink, and loses whatever lies past the new end.
qemu-img resize --shrink vm.qcow2 12G
qemu-img info vm.qcow2 | grep '^virtual size:'

#!/bin/sh
# raw versus qcow2: the same 1 GiB virtual disk in each format, and what
# each file really occupies on the host.
set -eu
qemu-img create -q -f raw disk.raw 1G
qemu-img create -q -f qcow2 disk.qcow2 1G
for f in disk.raw disk.qcow2; do
    qemu-img info "$f" | grep -E '^(image|file format|virtual size):'
done
# Apparent size (what ls shows) versus blocks allocated on the host.
ls -l --block-size=K disk.raw disk.qcow2 | awk '{ print $5, $9 }'
du -k disk.raw disk.qcow2

#!/bin/sh
# A backing chain: a read-only base image and a copy-on-write overlay.
set -eu
qemu-img create -q -f qcow2 base.qcow2 1G
qemu-io -c 'write -P 0xaa 0 1M' base.qcow2 >/dev/null     # some "installed" data

# The overlay: new writes go here, everything else is read from base.qcow2.
qemu-img create -q -f qcow2 -b base.qcow2 -F qcow2 overlay.qcow2
qemu-io -c 'write -P 0xbb 1M 1M' overlay.qcow2 >/dev/null

qemu-img info --backing-chain overlay.qcow2 | grep -E '^(image|backing file|backing file format):'
# Which clusters come from which file:
qemu-img map overlay.qcow2

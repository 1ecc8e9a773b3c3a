#!/bin/sh
# Two ways to shorten a backing chain (run after overlay.sh).
set -eu
# 1. Flatten: a new, independent image with the data of the whole chain.
qemu-img convert -O qcow2 overlay.qcow2 flat.qcow2
qemu-img info --backing-chain flat.qcow2 | grep -c '^image:'   # 1: no backing file

# 2. Commit: copy the overlay's changes down into its backing file.
qemu-img commit overlay.qcow2
qemu-io -c 'read -P 0xbb 1M 1M' base.qcow2 | head -n 1

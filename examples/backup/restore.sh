#!/bin/sh
# Turn the full and incremental backup files into one image that can boot:
# point the incremental file at the full one, then copy the chain into a
# standalone qcow2.  Works on the backup files only; the VM is not touched.
set -eu
BACKUP_DIR=${BACKUP_DIR:-/var/lib/libvirt/images/demo-backup}
cd "$BACKUP_DIR"
qemu-img rebase -u -F qcow2 -b vda.full.qcow2 vda.inc1.qcow2
qemu-img convert -O qcow2 vda.inc1.qcow2 restored.qcow2
qemu-img info --backing-chain restored.qcow2 | grep -E '^(image|backing file|virtual size):'

#!/bin/sh
# Convert a disk image from VirtualBox (VDI), VMware (VMDK), Hyper-V (VHDX)
# or Xen (raw or qcow2) into a qcow2 file that libvirt can import.
# Shut the source VM down first; qemu-img reads the format from the file.
# Usage: convert-disk.sh SOURCE TARGET.qcow2
set -eu
src=${1:?usage: convert-disk.sh SOURCE TARGET.qcow2}
dst=${2:?usage: convert-disk.sh SOURCE TARGET.qcow2}

qemu-img info "$src" | sed -n '1,3p'          # format and virtual size of the source
qemu-img convert -O qcow2 "$src" "$dst"       # add -p for a progress bar
qemu-img check "$dst"

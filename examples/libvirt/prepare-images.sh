#!/bin/sh
# Put the VM's disk and cloud-init seed where libvirt's QEMU may read them.
# Run as root, after downloading the cloud image into $IMAGES.  Reuses
# examples/first-vm/prepare.sh, then renames its output for this VM.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
IMAGES=${IMAGES:-/var/lib/libvirt/images}
VM=${VM:-demo}
export IMAGE=${IMAGE:-debian-12-genericcloud-amd64.qcow2}   # a file in $IMAGES
export PUBKEY=${PUBKEY:?set PUBKEY to your SSH public key file}

cd "$IMAGES"
sh "$here/../first-vm/prepare.sh" >/dev/null
mv vm.qcow2 "$VM.qcow2"                 # the overlay; its backing file stays $IMAGE
mv seed.iso "$VM-seed.iso"
rm -f user-data meta-data
ls -l "$VM.qcow2" "$VM-seed.iso" | awk '{ print $NF }'

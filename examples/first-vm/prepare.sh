#!/bin/sh
# Prepare a VM from a downloaded cloud image without modifying the image:
# a qcow2 overlay that records only the VM's changes, and a NoCloud seed
# disk that tells cloud-init who may log in.
set -eu

IMAGE=${IMAGE:-debian-12-genericcloud-amd64.qcow2}   # the downloaded image
SIZE=${SIZE:-10G}                                     # virtual size of the VM disk
PUBKEY=${PUBKEY:-$HOME/.ssh/id_ed25519.pub}           # your SSH public key

# 1. The overlay: reads fall through to IMAGE, writes land in vm.qcow2.
#    -F names the backing file's format; newer qemu-img insists on it.
qemu-img create -f qcow2 -b "$IMAGE" -F qcow2 vm.qcow2 "$SIZE"

# 2. cloud-init configuration: one user with your key and sudo rights.
cat > user-data <<CONFIG
#cloud-config
users:
  - name: tux
    sudo: ALL=(ALL) NOPASSWD:ALL
    shell: /bin/bash
    ssh_authorized_keys:
      - $(cat "$PUBKEY")
CONFIG
printf 'instance-id: first-vm\nlocal-hostname: first-vm\n' > meta-data

# 3. The seed: an ISO 9660 image whose volume label is "cidata".
if command -v cloud-localds >/dev/null; then
    cloud-localds seed.iso user-data meta-data
else
    xorriso -as mkisofs -output seed.iso -volid cidata -joliet -rock \
        user-data meta-data
fi
qemu-img info vm.qcow2

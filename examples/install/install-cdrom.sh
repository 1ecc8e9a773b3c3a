#!/bin/sh
# Install from an ISO image in a virtual CD drive: the VM boots the CD's own
# boot loader, and the installer writes the system to a new, empty disk.
# Use it for any bootable ISO (Windows, Linux live/installer media, BSDs).
set -eu
VM=${VM:-inst-cdrom}
ISO=${ISO:?set ISO to the installer image, e.g. ISO=/var/lib/libvirt/images/debian-12.iso}

virt-install \
    --connect qemu:///system \
    --name "$VM" \
    --virt-type "${VIRT_TYPE:-kvm}" \
    --memory "${MEMORY:-2048}" --vcpus "${VCPUS:-2}" \
    --osinfo "${OSINFO:-debian12}" \
    --cdrom "$ISO" \
    --disk "size=${DISK_GB:-20},format=qcow2,bus=virtio" \
    --network "${NETWORK:-network=default,model=virtio}" \
    --graphics none \
    --serial "pty,log.file=/var/log/libvirt/qemu/$VM-serial.log" \
    --noautoconsole

#!/bin/sh
# Define and start the VM with virt-install, importing the existing disk
# (no installer runs).  Run as root, or as a member of the libvirt group.
set -eu
VM=${VM:-demo}
IMAGES=${IMAGES:-/var/lib/libvirt/images}

virt-install \
    --connect qemu:///system \
    --name "$VM" \
    --virt-type "${VIRT_TYPE:-kvm}" \
    --memory "${MEMORY:-2048}" --vcpus "${VCPUS:-2}" \
    --osinfo "${OSINFO:-debian12}" \
    --import \
    --disk "path=$IMAGES/$VM.qcow2,format=qcow2,bus=virtio" \
    --disk "path=$IMAGES/$VM-seed.iso,device=cdrom" \
    --network "${NETWORK:-network=default,model=virtio}" \
    --graphics none \
    --serial "pty,log.file=/var/log/libvirt/qemu/$VM-serial.log" \
    ${BOOT:+--boot "$BOOT"} \
    --noautoconsole

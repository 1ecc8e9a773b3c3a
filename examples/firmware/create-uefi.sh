#!/bin/sh
# A UEFI VM whose firmware libvirt chooses from the descriptors.
# SECURE_BOOT=yes: a Secure Boot build of OVMF with Microsoft's keys enrolled
# (what Windows 11 and most signed Linux distributions expect).
# SECURE_BOOT=no: an OVMF build without Secure Boot (runs unsigned code).
set -eu
VM=${VM:-fw-uefi}
IMAGES=${IMAGES:-/var/lib/libvirt/images}
if [ "${SECURE_BOOT:-yes}" = yes ]; then
    fw="firmware=efi,firmware.feature0.name=secure-boot,firmware.feature0.enabled=yes"
    fw="$fw,firmware.feature1.name=enrolled-keys,firmware.feature1.enabled=yes"
else
    fw="firmware=efi,firmware.feature0.name=secure-boot,firmware.feature0.enabled=no"
fi

virt-install \
    --connect qemu:///system \
    --name "$VM" \
    --virt-type "${VIRT_TYPE:-kvm}" \
    --machine q35 \
    --memory "${MEMORY:-2048}" --vcpus "${VCPUS:-2}" \
    --osinfo "${OSINFO:-debian12}" \
    --import \
    --disk "path=$IMAGES/$VM.qcow2,format=qcow2,bus=virtio" \
    --network "${NETWORK:-network=default,model=virtio}" \
    --graphics none \
    --serial "pty,log.file=/var/log/libvirt/qemu/$VM-serial.log" \
    --boot "$fw${BOOT:+,$BOOT}" \
    --noautoconsole

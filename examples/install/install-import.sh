#!/bin/sh
# No installer: import a disk that already holds an installed system (a cloud
# image, a converted disk from another hypervisor). The VM boots from it.
set -eu
VM=${VM:-inst-import}
DISK=${DISK:?set DISK to the qcow2 or raw image to import}

virt-install \
    --connect qemu:///system \
    --name "$VM" \
    --virt-type "${VIRT_TYPE:-kvm}" \
    --memory "${MEMORY:-2048}" --vcpus "${VCPUS:-2}" \
    --osinfo "${OSINFO:-debian12}" \
    --import \
    --disk "path=$DISK,bus=${DISK_BUS:-virtio}" \
    --network "${NETWORK:-network=default,model=virtio}" \
    --graphics none \
    --serial "pty,log.file=/var/log/libvirt/qemu/$VM-serial.log" \
    ${BOOT:+--boot "$BOOT"} \
    ${PRINT_XML:+--dry-run --print-xml "$PRINT_XML"} --noautoconsole

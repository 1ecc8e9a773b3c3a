#!/bin/sh
# Install from an installer tree (a URL or an ISO): virt-install fetches the
# installer's kernel and initramfs and boots them directly, so it can add
# kernel arguments. console=ttyS0 sends the installer to the serial console.
set -eu
VM=${VM:-inst-location}
LOCATION=${LOCATION:-https://deb.debian.org/debian/dists/bookworm/main/installer-amd64/}

virt-install \
    --connect qemu:///system \
    --name "$VM" \
    --virt-type "${VIRT_TYPE:-kvm}" \
    --memory "${MEMORY:-2048}" --vcpus "${VCPUS:-2}" \
    --osinfo "${OSINFO:-debian12}" \
    --location "$LOCATION" \
    --extra-args "console=ttyS0,115200n8 ${EXTRA_ARGS:-}" \
    --disk "size=${DISK_GB:-20},format=qcow2,bus=virtio" \
    --network "${NETWORK:-network=default,model=virtio}" \
    --graphics none \
    --serial "pty,log.file=/var/log/libvirt/qemu/$VM-serial.log" \
    --noautoconsole

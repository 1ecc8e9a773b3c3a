#!/bin/sh
# Boot the installer from the network: the NIC's PXE ROM (iPXE in QEMU) asks
# DHCP for a boot file. Needs a network with a DHCP and TFTP/HTTP server
# that offers one. PRINT_XML=1 prints the definition of the first boot and creates nothing.
set -eu
VM=${VM:-inst-pxe}

virt-install \
    --connect qemu:///system \
    --name "$VM" \
    --virt-type "${VIRT_TYPE:-kvm}" \
    --memory "${MEMORY:-2048}" --vcpus "${VCPUS:-2}" \
    --osinfo "${OSINFO:-debian12}" \
    --pxe \
    --boot network,hd \
    --disk "size=${DISK_GB:-20},format=qcow2,bus=virtio" \
    --network "${NETWORK:-bridge=br0,model=virtio}" \
    --graphics none \
    ${PRINT_XML:+--dry-run --print-xml "$PRINT_XML"} --noautoconsole

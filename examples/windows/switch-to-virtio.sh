#!/bin/sh
# Move an installed Windows system disk from SATA (or IDE) to virtio-blk
# without INACCESSIBLE_BOOT_DEVICE, in two steps with the VM shut down:
#   STEP=probe   adds a small extra virtio disk. Boot Windows, let it install
#                viostor for that disk (Device Manager, driver from the
#                virtio-win CD, folder viostor\<version>\amd64), shut down.
#   STEP=switch  removes the extra disk and moves the system disk to virtio.
set -eu
VM=${VM:-win11}
DISK=${DISK:-sda}                    # the system disk's current target
export LIBVIRT_DEFAULT_URI=qemu:///system
probe=/var/lib/libvirt/images/$VM-virtio-probe.qcow2

case "${STEP:?set STEP=probe or STEP=switch}" in
probe)
    qemu-img create -q -f qcow2 "$probe" 1G
    virsh attach-disk "$VM" "$probe" vdz --targetbus virtio --subdriver qcow2 --config
    ;;
switch)
    virsh detach-disk "$VM" vdz --config
    rm -f "$probe"
    # New bus and name; a virtio disk is a PCI device, so its SATA address goes too.
    virt-xml "$VM" --edit target="$DISK" --disk target.bus=virtio,target.dev=vda,address.type=pci
    ;;
esac
virsh domblklist "$VM"

#!/bin/sh
# Create the system disk, check the definition against libvirt's schema,
# define the VM and start it; then open the graphical console
# (virt-viewer win11, or virt-manager) to run Windows Setup.
set -eu
XML=${XML:-win11.xml}
VM=${VM:-win11}
export LIBVIRT_DEFAULT_URI=qemu:///system
qemu-img create -f qcow2 "/var/lib/libvirt/images/$VM.qcow2" "${DISK_SIZE:-80G}"
virt-xml-validate "$XML" domain
virsh define "$XML"
virsh start "$VM"

#!/bin/sh
# What libvirt chose: the <os> element after definition, and the VM's own
# copy of the UEFI variable store (NVRAM).
set -eu
VM=${VM:-fw-uefi}
virsh --connect qemu:///system dumpxml --inactive "$VM" \
    | sed -n '/<os /,/<\/os>/p' | grep -v -e '<kernel>' -e '<initrd>' -e '<cmdline>'
ls -l /var/lib/libvirt/qemu/nvram/ | grep "$VM"

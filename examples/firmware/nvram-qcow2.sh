#!/bin/sh
# Internal snapshots (snapshot-create-as without --disk-only) of a running
# UEFI VM need the NVRAM in qcow2 format (libvirt 10.9 and later). Convert the
# template yourself: libvirt does not convert a raw template to qcow2.
set -eu
VM=${VM:-fw-uefi}
export LIBVIRT_DEFAULT_URI=qemu:///system
nvdir=/var/lib/libvirt/qemu/nvram
xml=$(mktemp)
trap 'rm -f "$xml"' EXIT

virsh destroy "$VM" 2>/dev/null || true
virsh dumpxml --inactive "$VM" > "$xml"
template=$(sed -n "s/.*<nvram template='\([^']*\)'.*/\1/p" "$xml")
old=$(sed -n "s/.*<nvram .*>\(.*\)<\/nvram>.*/\1/p" "$xml")
qemu-img convert -f raw -O qcow2 "$old" "$nvdir/${VM}_VARS.qcow2"   # keeps the VM's variables
chown --reference="$old" "$nvdir/${VM}_VARS.qcow2"
sed -i "s|<nvram .*</nvram>|<nvram template='$template' templateFormat='raw' format='qcow2'>$nvdir/${VM}_VARS.qcow2</nvram>|" "$xml"
virsh define "$xml"
rm -f "$old"
virsh start "$VM"

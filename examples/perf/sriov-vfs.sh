#!/bin/sh
# For every PCI device that can do SR-IOV: how many virtual functions it
# supports and how many are enabled.  Enable VFs by writing a number to
# sriov_numvfs (write 0 first to change it).  SYSFS as in iommu-groups.sh.
set -eu
SYSFS=${1:-${SYSFS:-/sys}}
found=0
for d in "$SYSFS"/bus/pci/devices/*; do
    [ -r "$d/sriov_totalvfs" ] || continue
    found=1
    echo "$(basename "$d") totalvfs=$(cat "$d/sriov_totalvfs") numvfs=$(cat "$d/sriov_numvfs")"
    for vf in "$d"/virtfn*; do
        [ -e "$vf" ] || continue
        echo "  $(basename "$vf") -> $(basename "$(readlink "$vf")")"
    done
done
[ "$found" = 1 ] || echo "no SR-IOV capable devices under $SYSFS/bus/pci/devices"

#!/bin/sh
# Hand every device of one IOMMU group to vfio-pci with driver_override
# (the mechanism driverctl uses): set the override, unbind the current
# driver, ask the kernel to probe again.  Needs the vfio-pci module loaded
# ("modprobe vfio-pci").  SYSFS as in iommu-groups.sh.
set -eu
dev=${1:?usage: vfio-bind.sh 0000:01:00.0 [sysfs-root]}
SYSFS=${2:-${SYSFS:-/sys}}
group=$(basename "$(readlink "$SYSFS/bus/pci/devices/$dev/iommu_group")")
for d in $(ls "$SYSFS/kernel/iommu_groups/$group/devices"); do
    p=$SYSFS/bus/pci/devices/$d
    if [ -e "$p/driver" ] && [ "$(basename "$(readlink "$p/driver")")" = pcieport ]; then
        echo "$d: PCIe port, left on pcieport"; continue
    fi
    echo vfio-pci > "$p/driver_override"
    [ -e "$p/driver" ] && echo "$d" > "$p/driver/unbind"
    echo "$d" > "$SYSFS/bus/pci/drivers_probe"
    echo "$d: driver_override=vfio-pci, re-probed"
done

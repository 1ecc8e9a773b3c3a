#!/bin/sh
# List IOMMU groups with each device's class, vendor:device ID and driver,
# and say whether VFIO could use the group now ("viable").  A group is
# viable when every device in it has no driver or a driver that leaves DMA
# to its user: vfio-pci (or a vfio-pci variant), pci-stub, or pcieport for
# PCIe ports.  SYSFS is the sysfs root (default /sys): the tests point it
# at a fixture tree because the test machine has no IOMMU.
set -eu
SYSFS=${1:-${SYSFS:-/sys}}
groups=$SYSFS/kernel/iommu_groups
if [ -z "$(ls "$groups" 2>/dev/null)" ]; then
    echo "no IOMMU groups under $groups: the IOMMU is off or absent (see intel_iommu=on / amd_iommu)"
    exit 0
fi
for g in $(ls "$groups" | sort -n); do
    viable=yes; lines=""
    for dev in $(ls "$groups/$g/devices"); do
        d=$SYSFS/bus/pci/devices/$dev
        drv=none
        [ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
        case $drv in
            none|vfio-pci|*-vfio-pci|pci-stub|pcieport) ;;
            *) viable=no ;;
        esac
        lines="$lines
  $dev class $(cut -c3-6 "$d/class") [$(cut -c3- "$d/vendor"):$(cut -c3- "$d/device")] driver=$drv"
    done
    echo "group $g (viable for VFIO: $viable)$lines"
done

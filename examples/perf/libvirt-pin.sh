#!/bin/sh
# Define and start perf-pin.xml, then ask libvirt and the kernel where the
# domain's threads may run.  KERNEL: the image to boot (copied to the path
# that perf-pin.xml names).
set -eu
here=$(dirname "$0")
install -m 0644 "${KERNEL:?set KERNEL to a kernel image}" /var/lib/libvirt/images/perf-hello.elf
virsh -q define "$here/perf-pin.xml" >/dev/null
virsh -q start perf-pin >/dev/null
echo '$ virsh vcpupin perf-pin'
virsh vcpupin perf-pin
echo '$ virsh emulatorpin perf-pin'
virsh emulatorpin perf-pin
echo '$ virsh iothreadinfo perf-pin'
virsh iothreadinfo perf-pin
echo '$ show-affinity.sh (threads of the QEMU process)'
sh "$here/show-affinity.sh" "$(cat /run/libvirt/qemu/perf-pin.pid)"

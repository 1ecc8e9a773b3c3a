#!/bin/sh
# Turn on nested virtualization for kvm_intel or kvm_amd (run as root, with
# no VMs running).  Linux has enabled it by default since 4.20, but a
# distribution may turn it off.
set -eu
if grep -q -w vmx /proc/cpuinfo; then m=kvm_intel; else m=kvm_amd; fi
echo "options $m nested=1" > /etc/modprobe.d/kvm-nested.conf   # survives reboots
modprobe -r "$m"                                               # fails while a VM runs
modprobe "$m"
cat /sys/module/$m/parameters/nested

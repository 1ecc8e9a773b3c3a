#!/bin/sh
# Read-only checks: can this Linux host run KVM guests, and can this user?
set -u

echo "== CPU"
vmx=$(grep -c -w vmx /proc/cpuinfo)
svm=$(grep -c -w svm /proc/cpuinfo)
echo "logical CPUs with vmx (Intel VT-x): $vmx"
echo "logical CPUs with svm (AMD-V):      $svm"
if grep -q -w hypervisor /proc/cpuinfo; then
    echo "flag 'hypervisor' set: this host is itself a virtual machine"
fi

echo "== KVM modules (from /sys/module)"
for m in /sys/module/kvm*; do
    [ -e "$m" ] && echo "loaded: ${m##*/}"
done
[ -e /sys/module/kvm ] || echo "kvm is not loaded"

echo "== /dev/kvm"
if [ -c /dev/kvm ]; then
    echo "device $(cat /sys/class/misc/kvm/dev 2>/dev/null), $(stat -c '%A owner %U group %G' /dev/kvm)"
    if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
        echo "user $(id -un) can open /dev/kvm"
    else
        echo "user $(id -un) cannot open /dev/kvm: join group $(stat -c %G /dev/kvm)"
    fi
else
    echo "/dev/kvm does not exist"
fi

echo "== nested virtualization"
found=no
for m in kvm_intel kvm_amd; do
    f=/sys/module/$m/parameters/nested
    if [ -r "$f" ]; then
        echo "$m nested=$(cat "$f")"
        found=yes
    fi
done
[ "$found" = yes ] || echo "no kvm_intel or kvm_amd module, so no 'nested' parameter"

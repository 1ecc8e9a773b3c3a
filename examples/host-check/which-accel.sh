#!/bin/sh
# Does a running QEMU process use KVM or TCG?  Two pieces of evidence that
# need no access to its monitor: the names of its vCPU threads (QEMU sets
# them when started with -name ...,debug-threads=on) and its open file
# descriptors (KVM hands out anonymous inodes named kvm-vm and kvm-vcpu:N).
# Run as the same user as QEMU, or as root.
set -eu
pid=${1:?usage: which-accel.sh QEMU-PID}

echo "vCPU threads:"
cat /proc/"$pid"/task/*/comm | grep -E '^CPU [0-9]+/' | sort -V | sed 's/^/  /' || true
echo "KVM file descriptors:"
ls -l /proc/"$pid"/fd | grep -o 'anon_inode:kvm-[a-z0-9:-]*' | sort -V | sed 's/^/  /' || true

if ls -l /proc/"$pid"/fd | grep -q 'anon_inode:kvm-vm'; then
    echo "verdict: KVM"
else
    echo "verdict: no KVM VM open (TCG or another accelerator)"
fi

#!/bin/sh
# Gather what a bug report or a forum question about a failing VM needs.
# Run as root.  Usage: collect-logs.sh VM
set -u
VM=${1:-demo}
echo "== versions"
uname -r
qemu-system-x86_64 --version | head -n 1
virsh --version
echo "== QEMU's log for $VM, last start only (command line, then QEMU's messages)"
awk '/starting up/ { last = "" } { last = last $0 "\n" } END { printf "%s", last }' \
    "/var/log/libvirt/qemu/$VM.log"
echo "== kernel messages about KVM"
dmesg | grep -i -E 'kvm|vmx|svm' | tail -n 20
if command -v journalctl >/dev/null && [ -d /run/systemd/system ]; then
    echo "== libvirt daemon journal, last hour"
    journalctl --no-pager --since '-1h' -u libvirtd -u virtqemud | tail -n 50
fi

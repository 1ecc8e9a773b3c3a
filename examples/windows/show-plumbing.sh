#!/bin/sh
# What libvirt built for the running VM: the firmware it chose, the TPM
# emulator it started, and the Hyper-V flags on QEMU's -cpu option.
set -eu
VM=${VM:-win11}
export LIBVIRT_DEFAULT_URI=qemu:///system
uuid=$(virsh domuuid "$VM")
log=/var/log/libvirt/qemu/$VM.log

virsh dumpxml "$VM" | grep -E "<loader|<nvram"
pgrep -a swtpm | grep "$uuid" | grep -o -- "--tpmstate dir=[^,]*"   # swtpm, started by libvirt
ls "/var/lib/libvirt/swtpm/$uuid/tpm2/"                            # the TPM's persistent state
grep -o -- "-cpu [^ ]*" "$log" | tail -n 1 | tr ',' '\n' | grep '^hv'
grep -o -- '"driver":"tpm-crb"[^}]*' "$log" | tail -n 1

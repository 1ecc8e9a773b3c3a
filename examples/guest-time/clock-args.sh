#!/bin/sh
# Show the QEMU options that libvirt generates from the VM's <clock>
# (-rtc, the PIT policy, hpet= on -machine, kvmclock/hv-time on -cpu).
set -eu
VM=${VM:-demo}
export LIBVIRT_DEFAULT_URI=${LIBVIRT_DEFAULT_URI:-qemu:///system}
virsh domxml-to-native qemu-argv --domain "$VM" | tr ' ' '\n' \
    | awk 'keep { print opt, $0; keep = 0 } /^-(rtc|cpu|machine|global)$/ { opt = $0; keep = 1 }' \
    | grep -E '^-(rtc|cpu|machine) |pit'

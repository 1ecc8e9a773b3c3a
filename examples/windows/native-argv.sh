#!/bin/sh
# The QEMU command line libvirt would generate for win11.xml, without
# defining or starting anything: one option per line, the interesting ones.
set -eu
virsh --connect qemu:///system domxml-to-native qemu-argv --xml "${XML:-win11.xml}" \
    | tr ' ' '\n' \
    | grep -E -e '^-(machine|cpu|global|tpmdev)$' -A1 \
    | grep -v -e '^--$' \
    | sed -e 's/^-/\n-/' \
    | tr ',' '\n'

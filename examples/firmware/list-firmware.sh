#!/bin/sh
# Which firmware can libvirt pick? QEMU's firmware descriptors (JSON files,
# installed by ovmf/edk2-ovmf packages) and what libvirt makes of them.
set -eu
ls /usr/share/qemu/firmware/                      # lower number = preferred
virsh --connect qemu:///system domcapabilities --machine q35 \
    | sed -n '/<os /,/<\/os>/p'

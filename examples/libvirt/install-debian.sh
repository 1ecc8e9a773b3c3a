#!/bin/sh
# Debian 12 / Ubuntu 22.04 and later: QEMU, the system libvirt daemon with
# its default NAT network, virsh and virt-install; then join the libvirt group.
set -eu
sudo apt-get install -y qemu-system-x86 qemu-utils libvirt-daemon-system libvirt-clients virtinst
sudo usermod -a -G libvirt "$USER"

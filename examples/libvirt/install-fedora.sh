#!/bin/sh
# Fedora, RHEL 9 and rebuilds: libvirt with the QEMU/KVM driver and virt-install.
set -eu
sudo dnf install -y qemu-kvm libvirt-daemon-kvm virt-install
sudo usermod -a -G libvirt "$USER"

#!/bin/sh
# Fedora, RHEL 9 and its rebuilds: the qemu-kvm package provides the
# emulator (on RHEL as /usr/libexec/qemu-kvm), qemu-img the image tool, and
# xorriso an ISO writer for the cloud-init seed.
set -eu
sudo dnf install -y qemu-kvm qemu-img xorriso

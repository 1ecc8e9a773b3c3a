#!/bin/sh
# Bring up libvirt's NAT network "default" and keep it on across reboots.
# Run as root.  If "default" is not listed, define it from net-default.xml.
set -eu
export LIBVIRT_DEFAULT_URI=qemu:///system
virsh net-list --all
virsh net-info default >/dev/null 2>&1 || virsh net-define net-default.xml
virsh net-start default
virsh net-autostart default
virsh net-dhcp-leases default              # guests that got an address

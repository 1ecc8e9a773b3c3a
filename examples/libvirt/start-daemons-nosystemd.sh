#!/bin/sh
# Start libvirt on a host without systemd (containers, minimal CI machines).
# virtlogd collects QEMU's output; libvirtd is the monolithic daemon that
# Debian 12 ships.  Run as root.
set -eu
pgrep -x virtlogd >/dev/null || virtlogd -d
pgrep -x libvirtd >/dev/null || libvirtd -d
# The first answer can take a while: libvirtd probes QEMU's capabilities.
for i in $(seq 1 60); do
    virsh -c qemu:///system version >/dev/null 2>&1 && break
    sleep 1
done
virsh -c qemu:///system version

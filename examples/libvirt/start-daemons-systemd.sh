#!/bin/sh
# Start libvirt on a systemd host (run as root).  With the modular daemons,
# each driver has its own daemon, activated through its sockets; enabling
# virtqemud.service as well lets VMs marked "autostart" start at boot.
# Hosts with only the monolithic libvirtd (Debian 12) use libvirtd.service.
set -eu
if [ -e /usr/lib/systemd/system/virtqemud.socket ] || [ -e /lib/systemd/system/virtqemud.socket ]; then
    for d in virtqemud virtnetworkd virtstoraged; do
        systemctl enable --now "$d.socket" "$d-ro.socket" "$d-admin.socket"
    done
    systemctl enable virtqemud.service
    systemctl enable --now virtlogd.socket
else
    systemctl enable --now libvirtd.service
fi
virsh -c qemu:///system version

#!/bin/sh
# Create bridge br0 and move the host's uplink NIC into it (run as root, on
# a console, not over SSH through that NIC: the NIC loses its address).
# Not persistent: make the same change in NetworkManager,
# systemd-networkd, netplan or ifupdown to keep it across reboots.
set -eu
UPLINK=${UPLINK:?set UPLINK to the wired NIC, e.g. eth0 or enp3s0}
ip link add name br0 type bridge
ip link set dev "$UPLINK" master br0
ip link set dev br0 up
ip link set dev "$UPLINK" up
bridge link show

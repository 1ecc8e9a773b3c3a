#!/bin/sh
# Create a persistent tap device that an ordinary user's QEMU may open, and
# plug it into bridge br0 (run as root; make-bridge.sh creates br0).
set -eu
TAP=${TAP:-tap0}
OWNER=${OWNER:-${SUDO_USER:-root}}
ip tuntap add dev "$TAP" mode tap user "$OWNER"
ip link set dev "$TAP" master br0
ip link set dev "$TAP" up
bridge link show dev "$TAP"

#!/bin/sh
# Add a NIC described in an XML file to a VM's stored definition; it takes
# effect at the next start.  Usage: attach-nic.sh VM FILE.xml
set -eu
virsh --connect qemu:///system attach-device "$1" "$2" --config
virsh --connect qemu:///system domiflist "$1"

#!/bin/sh
# Attach this terminal to the VM's serial console.  Leave with Ctrl-].
exec virsh --connect qemu:///system console "${VM:-demo}"

#!/bin/sh
# The everyday virsh commands, in order, on the VM that create-vm.sh made.
set -eu
VM=${VM:-demo}
export LIBVIRT_DEFAULT_URI=qemu:///system

virsh list --all                          # all defined VMs, running or not
virsh domstate "$VM"

virsh shutdown "$VM"                      # presses the ACPI power button
for i in $(seq 1 120); do                 # the guest OS decides when to stop
    [ "$(virsh domstate "$VM")" = "shut off" ] && break
    sleep 1
done
virsh domstate "$VM"

virsh start "$VM"                         # boots the same definition again
virsh destroy "$VM"                       # instant power-off: no guest shutdown
virsh domstate "$VM"

#!/bin/sh
# Save the VM's definition as libvirt stores it, and check it against
# libvirt's schema.  Edit a definition with "virsh edit", not in /etc.
set -eu
VM=${VM:-demo}
virsh --connect qemu:///system dumpxml "$VM" > "$VM.xml"
virt-xml-validate "$VM.xml" domain 2>&1      # prints "demo.xml validates"

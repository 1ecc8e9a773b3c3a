#!/bin/sh
# As an ordinary user: the per-user libvirt instance.  Its VMs run as you,
# cannot use libvirt's virtual networks or bridges without helpers, and are
# invisible to qemu:///system (and the other way round).
virsh --connect qemu:///session list --all

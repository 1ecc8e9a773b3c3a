#!/bin/sh
# An application-consistent snapshot: libvirt asks the QEMU guest agent to
# freeze the guest's file systems (fsfreeze) around the snapshot.  Needs
# qemu-guest-agent running in the guest and a guest-agent channel in the
# domain XML; without them the command fails and nothing is created.
set -eu
VM=${VM:-demo}
export LIBVIRT_DEFAULT_URI=qemu:///system
virsh snapshot-create-as "$VM" consistent --disk-only --atomic --quiesce

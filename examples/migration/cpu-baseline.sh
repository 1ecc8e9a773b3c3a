#!/bin/sh
# Find a CPU model that every host of a migration pool can provide.
# On each host:   virsh domcapabilities > "$(hostname).xml"
# Then, anywhere: cat host1.xml host2.xml ... > all.xml; run this script.
# VIRTTYPE is kvm on a real host (qemu = TCG, as on the test machine).
set -eu
all=${1:?usage: cpu-baseline.sh ALL-HOSTS.xml}
VIRTTYPE=${VIRTTYPE:-kvm}
export LIBVIRT_DEFAULT_URI=${LIBVIRT_DEFAULT_URI:-qemu:///system}
virsh hypervisor-cpu-baseline --virttype "$VIRTTYPE" --migratable "$all" > baseline.xml
head -n 3 baseline.xml
# Can THIS host run a guest with that CPU?  (Run on each host.)
virsh hypervisor-cpu-compare --virttype "$VIRTTYPE" baseline.xml

#!/bin/sh
# Add a virtio-fs share of DIR (tag "hostshare") to a libvirt VM's
# definition; it takes effect at the next start.  Run as root.
#   add-virtiofs.sh DIR
# libvirt starts and stops virtiofsd itself.  It finds the binary through
# the JSON files in /usr/share/qemu/vhost-user/ that the virtiofsd package
# installs; set VIRTIOFSD to give a path instead (<binary path=.../>).
set -eu
dir=${1:?usage: add-virtiofs.sh DIR}
VM=${VM:-demo}
export LIBVIRT_DEFAULT_URI=qemu:///system
# 1. Guest RAM that virtiofsd can map as well: memfd, shared.
virt-xml "$VM" --edit --memorybacking source.type=memfd,access.mode=shared
# 2. The share itself.
virt-xml "$VM" --add-device --filesystem \
    "driver.type=virtiofs,source.dir=$dir,target.dir=hostshare${VIRTIOFSD:+,binary.path=$VIRTIOFSD}"
virsh dumpxml "$VM" | sed -n -e '/<memoryBacking>/,/<\/memoryBacking>/p' \
                             -e '/<filesystem/,/<\/filesystem>/p'

#!/bin/sh
# The fallback: share DIR over 9p (virtio-9p), tag "hostshare9p".  QEMU
# serves the files itself; no daemon and no shared memory are needed.
#   add-9p.sh DIR
# accessmode=mapped stores guest owners and modes in extended attributes
# on the host, so the guest can chown and chmod freely.
set -eu
dir=${1:?usage: add-9p.sh DIR}
VM=${VM:-demo}
export LIBVIRT_DEFAULT_URI=qemu:///system
virt-xml "$VM" --add-device --filesystem \
    "source.dir=$dir,target.dir=hostshare9p,accessmode=mapped"
virsh dumpxml "$VM" | sed -n '/<filesystem type=.mount. accessmode=.mapped./,/<\/filesystem>/p'

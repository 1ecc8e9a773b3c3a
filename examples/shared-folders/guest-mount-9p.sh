#!/bin/sh
# In the guest, as root: mount the 9p share "hostshare9p".  Needs a kernel
# with CONFIG_NET_9P_VIRTIO and CONFIG_9P_FS (modules 9pnet_virtio, 9p).
set -eu
mkdir -p /mnt/host9p
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 hostshare9p /mnt/host9p
ls /mnt/host9p
# /etc/fstab:  hostshare9p  /mnt/host9p  9p  trans=virtio,version=9p2000.L,nofail  0  0

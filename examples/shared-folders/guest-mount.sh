#!/bin/sh
# In the guest, as root: mount the folder that the host shares under the
# tag "hostshare", read a file the host wrote, and write one back.
set -eu
mkdir -p /mnt/host
mount -t virtiofs hostshare /mnt/host
grep ' /mnt/host ' /proc/mounts
cat /mnt/host/hello.txt
echo "written in the guest" > /mnt/host/from-guest.txt
ls /mnt/host
# To mount it at every boot, add this line to /etc/fstab:
#   hostshare  /mnt/host  virtiofs  defaults,nofail  0  0

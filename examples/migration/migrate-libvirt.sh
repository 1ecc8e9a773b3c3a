#!/bin/sh
# Live-migrate the running VM "demo" from one libvirt daemon to another.
# Between two real hosts:  SRC=qemu:///system  DST=qemu+ssh://host2/system
# and no --migrateuri (libvirt picks the destination's address and a port
# from 49152-49215).  Here, on one machine, the stream goes over loopback.
set -eu
VM=${VM:-demo}
SRC=${SRC:?set SRC to the source URI}
DST=${DST:?set DST to the destination URI}
PORT=${PORT:-49152}
# --unsafe: both "hosts" use the same local file, which IS shared here, but
# libvirt only trusts shared file systems (NFS, GFS2, Ceph, ...) or cache='none'.
virsh -c "$SRC" migrate --live --unsafe --persistent --undefinesource "$VM" "$DST" \
    --migrateuri "tcp://127.0.0.1:$PORT"
virsh -c "$DST" list
virsh -c "$DST" domjobinfo "$VM" --completed | grep -E 'Job type|Operation|Memory processed'

#!/bin/sh
# Live migration WITHOUT shared storage: libvirt copies the disk over NBD
# while the guest runs, then migrates memory.  The destination image must
# exist with the same virtual size (libvirt creates it only if it lies in
# a storage pool).  DEST_XML lets the destination use another path; on
# two real hosts you keep the same path and leave --xml out.
set -eu
VM=${VM:-demo}
SRC=${SRC:?set SRC to the source URI}
DST=${DST:?set DST to the destination URI}
PORT=${PORT:-49152}
DISKS_PORT=${DISKS_PORT:-49153}
virsh -c "$SRC" migrate --live --copy-storage-all --persistent --undefinesource "$VM" "$DST" \
    --migrateuri "tcp://127.0.0.1:$PORT" --disks-port "$DISKS_PORT" \
    ${DEST_XML:+--xml "$DEST_XML"}
virsh -c "$DST" domblklist "$VM"

#!/bin/sh
# The same migration in postcopy mode: libvirt starts in precopy and,
# with --postcopy-after-precopy, switches to postcopy after the first pass
# over memory.  (Without it, switch by hand: virsh migrate-postcopy VM.)
# The destination QEMU needs userfaultfd; see "Postcopy" on the page.
set -eu
VM=${VM:-demo}
SRC=${SRC:?set SRC to the source URI}
DST=${DST:?set DST to the destination URI}
PORT=${PORT:-49152}
virsh -c "$SRC" migrate --live --unsafe --persistent --undefinesource "$VM" "$DST" \
    --postcopy --postcopy-after-precopy --migrateuri "tcp://127.0.0.1:$PORT"
virsh -c "$DST" list

#!/bin/sh
# A pull backup: QEMU exports a frozen view of vda over NBD on the loopback
# address, and a client of your choice (here qemu-img) copies it.  The job
# lasts until you end it with domjobabort.
set -eu
VM=${VM:-demo}
BACKUP_DIR=${BACKUP_DIR:-/var/lib/libvirt/images/demo-backup}
NBD_PORT=${NBD_PORT:-10809}
export LIBVIRT_DEFAULT_URI=qemu:///system
cat > "$BACKUP_DIR/pull.xml" <<XML
<domainbackup mode='pull'>
  <server name='127.0.0.1' port='$NBD_PORT'/>
  <disks>
    <disk name='vda' backup='yes' type='file'>
      <scratch file='$BACKUP_DIR/vda.scratch.qcow2'/>
    </disk>
  </disks>
</domainbackup>
XML
virsh backup-begin "$VM" "$BACKUP_DIR/pull.xml"
virsh backup-dumpxml "$VM" | grep -o "exportname='[^']*'"
qemu-img convert -O qcow2 "nbd://127.0.0.1:$NBD_PORT/vda" "$BACKUP_DIR/vda.pulled.qcow2"
virsh domjobabort "$VM"                  # ends the export, drops the scratch file
qemu-img info "$BACKUP_DIR/vda.pulled.qcow2" | grep -E '^(image|virtual size):'

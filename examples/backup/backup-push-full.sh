#!/bin/sh
# A full push backup of a running VM: QEMU itself writes a point-in-time
# copy of vda into a new qcow2 file, and a checkpoint named "full" starts
# tracking the blocks written from now on.
set -eu
VM=${VM:-demo}
BACKUP_DIR=${BACKUP_DIR:-/var/lib/libvirt/images/demo-backup}
export LIBVIRT_DEFAULT_URI=qemu:///system
mkdir -p "$BACKUP_DIR"
cat > "$BACKUP_DIR/full.xml" <<XML
<domainbackup mode='push'>
  <disks>
    <disk name='vda' backup='yes' type='file'>
      <target file='$BACKUP_DIR/vda.full.qcow2'/>
      <driver type='qcow2'/>
    </disk>
  </disks>
</domainbackup>
XML
echo "<domaincheckpoint><name>full</name></domaincheckpoint>" > "$BACKUP_DIR/cp-full.xml"
virsh backup-begin "$VM" "$BACKUP_DIR/full.xml" --checkpointxml "$BACKUP_DIR/cp-full.xml"
# backup-begin returns at once; the job runs in QEMU. Wait until it is gone.
while virsh domjobinfo "$VM" | grep -q 'Operation: *Backup'; do sleep 1; done
virsh domjobinfo "$VM" --completed | grep -E 'Job type|Operation|File total'
virsh checkpoint-list "$VM" --name

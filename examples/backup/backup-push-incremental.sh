#!/bin/sh
# An incremental push backup: only the blocks written since checkpoint
# "full", and a new checkpoint "inc1" for the next run.
set -eu
VM=${VM:-demo}
BACKUP_DIR=${BACKUP_DIR:-/var/lib/libvirt/images/demo-backup}
export LIBVIRT_DEFAULT_URI=qemu:///system
cat > "$BACKUP_DIR/inc1.xml" <<XML
<domainbackup mode='push'>
  <incremental>full</incremental>
  <disks>
    <disk name='vda' backup='yes' type='file'>
      <target file='$BACKUP_DIR/vda.inc1.qcow2'/>
      <driver type='qcow2'/>
    </disk>
  </disks>
</domainbackup>
XML
echo "<domaincheckpoint><name>inc1</name></domaincheckpoint>" > "$BACKUP_DIR/cp-inc1.xml"
virsh backup-begin "$VM" "$BACKUP_DIR/inc1.xml" --checkpointxml "$BACKUP_DIR/cp-inc1.xml"
while virsh domjobinfo "$VM" | grep -q 'Operation: *Backup'; do sleep 1; done
virsh domjobinfo "$VM" --completed | grep -E 'Job type|Operation|File total'
virsh checkpoint-list "$VM" --tree

"""Runs the scripts of docs/hands-on/snapshots-backup.md, in the page's
order, against one running TCG stand-in VM.

The stand-in guest (Debian cloud kernel + BusyBox initramfs) writes nothing
to its disk, so the test plays the guest's part: it writes a known pattern
into the running VM's disk through QEMU's own block layer (HMP "qemu-io" on
the virtio-blk device, via virsh qemu-monitor-command) before each step, and
afterwards reads the files with qemu-io to prove which data each snapshot,
revert, pull and backup holds.  The VM is called gb-demo here (unique on a
shared machine); transcripts show the page's default name, demo."""
import re
from pathlib import Path

import pytest

from handson_common import check_transcript, record_verified
from handson_common import (EXAMPLES, IMAGES, claim_domain, libvirt_daemons, remove_domain,  # noqa: F401
                            run, sh, standin, virsh, wait_for)

pytestmark = pytest.mark.system
T = EXAMPLES / "backup" / "transcripts"
VM = "gb-demo"
BACKUP_DIR = IMAGES / "gb-demo-backup"
NBD_PORT = "8172"
RESULTS = {}
# Values that change from run to run: generated overlay names (epoch seconds).
VARY = [(r"\b\d{10}\b", "EPOCH")]


def step(name, check=True):
    proc = sh(f"backup/{name}.sh", check=check, timeout=180,
              env={"VM": VM, "BACKUP_DIR": str(BACKUP_DIR), "NBD_PORT": NBD_PORT})
    out = (proc.stdout + proc.stderr).replace("gb-demo", "demo").replace(f":{NBD_PORT}", ":10809")
    check_transcript(out, T / f"{name}.txt", VARY)
    return proc, out


def guest_write(pattern, offset):
    """Write 64 KiB of `pattern` at `offset` into vda of the running VM, as the guest would."""
    virsh("qemu-monitor-command", VM, "--hmp",
          f'qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend "write -P {pattern} {offset} 64k"')
    # Flush QEMU's qcow2 metadata cache so that a reader of the file sees the write.
    virsh("qemu-monitor-command", VM, "--hmp", 'qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend "flush"')


def holds(image, pattern, offset):
    """True if `image` (read through its backing chain) has `pattern` at `offset`."""
    if virsh("domstate", VM, check=False).stdout.strip() == "running":   # flush QEMU's qcow2 caches first
        virsh("qemu-monitor-command", VM, "--hmp",
              'qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend "flush"')
    proc = run(["qemu-io", "-r", "-U", "-c", f"read -P {pattern} {offset} 64k", image], check=False)
    return "Pattern verification failed" not in proc.stdout + proc.stderr and proc.returncode == 0


def active_image():
    out = virsh("domblklist", VM).stdout
    return Path(re.search(r"^\s*vda\s+(\S+)", out, re.M).group(1))


@pytest.fixture(scope="module")
def vm(libvirt_daemons, standin):
    claim_domain(VM)
    disk = IMAGES / "gb-demo.qcow2"
    serial = IMAGES / "gb-demo-serial.log"
    assert not disk.exists() and not BACKUP_DIR.exists(), "gb-demo files exist; the test will not overwrite them"
    run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "64M"])
    xml = standin["kernel"].parent / "gb-demo.xml"
    xml.write_text(f"""<domain type='qemu'>
  <name>{VM}</name><memory unit='MiB'>256</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type>
    <kernel>{standin['kernel']}</kernel><initrd>{standin['initrd']}</initrd>
    <cmdline>console=ttyS0 quiet</cmdline></os>
  <features><acpi/></features>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
      <source file='{disk}'/><target dev='vda' bus='virtio'/></disk>
    <serial type='file'><source path='{serial}'/><target port='0'/></serial>
    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
    <memballoon model='none'/>
  </devices>
</domain>
""")
    try:
        run(["virt-xml-validate", xml, "domain"])
        virsh("define", xml)
        virsh("start", VM)
        wait_for(lambda: serial.exists() and "kvmkb: ready" in serial.read_text(errors="replace"),
                 180, "the stand-in guest to boot")
        yield disk
    finally:
        remove_domain(VM)
        for name in virsh("checkpoint-list", VM, "--name", check=False).stdout.split():
            virsh("checkpoint-delete", VM, name, "--metadata", check=False)
        virsh("undefine", VM, "--snapshots-metadata", "--checkpoints-metadata", check=False)
        for f in IMAGES.glob("gb-demo*"):
            if f.is_dir():
                for g in f.iterdir():
                    g.unlink()
                f.rmdir()
            else:
                f.unlink()
        xml.unlink(missing_ok=True)


def test_snapshot_revert_delete(vm):
    guest_write("0x11", 0)
    _, out = step("snapshot-create")
    overlay = IMAGES / "gb-demo.before-upgrade"
    assert active_image() == overlay and "before-upgrade" in out
    guest_write("0x22", 0)                              # a change made after the snapshot
    assert holds(overlay, "0x22", 0)
    _, out = step("snapshot-revert")
    assert "shut off" in out
    new_top = active_image()
    assert new_top not in (vm, overlay) and not overlay.exists()
    assert holds(new_top, "0x11", 0), "after the revert the disk must hold the data of snapshot time"
    _, out = step("snapshot-delete")
    assert active_image() == vm and not new_top.exists()
    assert virsh("snapshot-list", VM, "--name").stdout.strip() == ""
    RESULTS["snapshots"] = (
        "snapshot-create.sh, snapshot-revert.sh, snapshot-delete.sh on a running domain: after the external "
        "disk-only snapshot the domain wrote to gb-demo.before-upgrade; a 0x22 block written afterwards was gone "
        "after snapshot-revert (the disk read the 0x11 block of snapshot time through a new overlay, the domain was "
        "shut off, the old overlay deleted); snapshot-delete on the running domain merged the overlay into "
        "gb-demo.qcow2 and deleted it")


def test_blockpull(vm):
    guest_write("0x33", "1M")
    _, out = step("blockpull")
    top = active_image()
    assert "backing file: /var/lib/libvirt/images/demo.qcow2" in out
    chain = run(["qemu-img", "info", "-U", "--backing-chain", top]).stdout
    assert "backing file" not in chain, chain
    assert holds(top, "0x11", 0) and holds(top, "0x33", "1M")
    RESULTS["blockpull"] = ("blockpull.sh: the new overlay first had gb-demo.qcow2 as backing file; after "
                            "'virsh blockpull --wait' it stood alone and still held the 0x11 and 0x33 blocks")


def test_push_backups_and_restore(vm):
    _, out = step("backup-push-full")
    assert "Completed" in out and "full" in out
    full = BACKUP_DIR / "vda.full.qcow2"
    assert holds(full, "0x11", 0) and holds(full, "0x33", "1M")
    guest_write("0x44", "2M")
    _, out = step("backup-push-incremental")
    assert "File total:       64.000 KiB" in out, "the incremental backup must copy only the one changed 64 KiB block"
    _, out = step("restore")
    restored = BACKUP_DIR / "restored.qcow2"
    assert "backing file" not in out
    assert holds(restored, "0x11", 0) and holds(restored, "0x33", "1M") and holds(restored, "0x44", "2M")
    RESULTS["push"] = ("backup-push-full.sh, backup-push-incremental.sh, restore.sh: a full push backup (64 MiB "
                       "virtual) with checkpoint 'full'; after one more 64 KiB guest write the incremental backup "
                       "copied exactly 64 KiB and created checkpoint 'inc1'; the rebased and converted "
                       "restored.qcow2 holds all three written blocks")


def test_pull_backup(vm):
    _, out = step("backup-pull")
    assert "exportname='vda'" in out
    pulled = BACKUP_DIR / "vda.pulled.qcow2"
    assert holds(pulled, "0x11", 0) and holds(pulled, "0x44", "2M")
    assert "Job type:         None" in virsh("domjobinfo", VM).stdout
    assert not (BACKUP_DIR / "vda.scratch.qcow2").exists()
    RESULTS["pull"] = (f"backup-pull.sh: QEMU exported vda over NBD on 127.0.0.1 (port {NBD_PORT} in the test), "
                       "qemu-img convert copied it (the copy holds the written blocks), domjobabort ended the job "
                       "and removed the scratch file")


def test_quiesce_without_agent(vm):
    proc, out = step("snapshot-quiesce", check=False)
    assert proc.returncode != 0 and "QEMU guest agent is not connected" in out
    assert "consistent" not in virsh("snapshot-list", VM, "--name").stdout
    RESULTS["quiesce"] = ("snapshot-quiesce.sh: with the guest-agent channel defined but no agent in the stand-in "
                          "guest, --quiesce failed with 'QEMU guest agent is not connected' and created no snapshot "
                          "(a quiesced snapshot with a running agent was not verified here)")


def test_record():
    order = ("snapshots", "blockpull", "push", "pull", "quiesce")
    assert all(k in RESULTS for k in order), f"earlier steps failed: {sorted(RESULTS)}"
    record_verified("snapshots-backup", [RESULTS[k] for k in order],
                    standin="a libvirt TCG domain (type 'qemu') booting the stand-in kernel + BusyBox initramfs; "
                            "guest writes simulated with HMP qemu-io")

"""Runs the scripts of docs/hands-on/storage.md: qemu-img steps in a
temporary directory, and the libvirt pool and external-snapshot steps
against a TCG stand-in VM."""
from pathlib import Path

import pytest

from handson_common import check_transcript, record_verified, require_cmd
from handson_common import (EXAMPLES, IMAGES, claim_domain, claim_pool, libvirt_daemons,  # noqa: F401
                            remove_domain, remove_pools_for, run, sh, standin, virsh, wait_for)

pytestmark = pytest.mark.system
T = EXAMPLES / "storage" / "transcripts"
RESULTS = {}
# Blocks allocated on the host depend on the file system.
DU = [(r"(?m)^\d+(\s+disk\.(raw|qcow2))$", r"N\1")]


def step(name, tmp_path, patterns=()):
    require_cmd("qemu-img", "qemu-io")
    out = sh(f"storage/{name}.sh", cwd=tmp_path).stdout
    check_transcript(out, T / f"{name}.txt", patterns)
    return out


def test_formats(tmp_path):
    out = step("formats", tmp_path, DU)
    assert "file format: raw" in out and "file format: qcow2" in out
    assert "1048576K disk.raw" in out            # apparent size of the raw file: 1 GiB
    qcow_k = int([l for l in out.splitlines() if l.endswith("K disk.qcow2")][0].split("K")[0])
    assert qcow_k < 1024
    RESULTS["formats"] = (f"formats.sh: a 1 GiB raw file has an apparent size of 1 GiB, the empty qcow2 file "
                          f"{qcow_k} KiB; both report virtual size 1 GiB")


def test_overlay_and_shorten(tmp_path):
    out = step("overlay", tmp_path)
    assert "backing file: base.qcow2" in out
    assert "0x100000        0x100000        0x50000         overlay.qcow2" in out
    out2 = step("shorten-chain", tmp_path)
    assert out2.splitlines()[0] == "1" and "Image committed." in out2
    assert "read 1048576/1048576 bytes at offset 1048576" in out2
    RESULTS["overlay"] = ("overlay.sh: qemu-img map shows the first MiB read from base.qcow2 and the second "
                          "from overlay.qcow2; shorten-chain.sh: convert produced a chain of one image, commit "
                          "copied the overlay's 0xbb pattern into base.qcow2 (verified with qemu-io read -P)")


def test_internal_snapshots(tmp_path):
    out = step("snapshots-internal", tmp_path)
    assert "1 before-upgrade" in out
    assert "read 65536/65536 bytes at offset 0" in out          # the 0x11 pattern is back
    assert out.rstrip().endswith("0")
    RESULTS["internal"] = ("snapshots-internal.sh: create, list, apply (the 0x11 pattern written before the "
                           "snapshot reads back) and delete")


def test_resize(tmp_path):
    out = step("resize", tmp_path)
    assert "virtual size: 15 GiB" in out and "virtual size: 12 GiB" in out
    RESULTS["resize"] = "resize.sh: 10 GiB grown to 15 GiB, then shrunk to 12 GiB with --shrink"


def test_pool(libvirt_daemons):
    claim_pool("lab")
    pool_dir = Path("/var/lib/libvirt/lab-pool")
    try:
        out = sh("storage/pool.sh", timeout=120).stdout
        assert "data.qcow2" in out and "Capacity:       2.00 GiB" in out
        check_transcript(out, T / "pool.txt", [(r"(Allocation:\s+)\S+ \S+", r"\1A")])
        sh("storage/pool-remove.sh", timeout=60)
        assert not pool_dir.exists()
    finally:
        virsh("pool-destroy", "lab", check=False)
        virsh("pool-undefine", "lab", check=False)
    RESULTS["pool"] = ("pool.sh and pool-remove.sh: a dir pool defined, built, started; a 2 GiB qcow2 volume "
                       "created and listed; then deleted, stopped, its directory removed and undefined")


def test_external_snapshot(libvirt_daemons, standin):
    vm = "demo"
    claim_domain(vm)
    IMAGES.mkdir(parents=True, exist_ok=True)
    disk = IMAGES / "demo.qcow2"
    overlay = IMAGES / "demo.before-change"
    serial = IMAGES / "demo-serial.log"
    for f in (disk, overlay):
        assert not f.exists(), f"{f} exists; the test will not overwrite it"
    run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "64M"])
    xml = standin["kernel"].parent / "snap-demo.xml"
    xml.write_text(f"""<domain type='qemu'>
  <name>{vm}</name><memory unit='MiB'>256</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type>
    <kernel>{standin['kernel']}</kernel><initrd>{standin['initrd']}</initrd>
    <cmdline>console=ttyS0 quiet</cmdline></os>
  <features><acpi/></features>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
      <source file='{disk}'/><target dev='vda' bus='virtio'/></disk>
    <serial type='file'><source path='{serial}'/><target port='0'/></serial>
    <memballoon model='none'/>
  </devices>
</domain>
""")
    try:
        run(["virt-xml-validate", xml, "domain"])
        virsh("define", xml)
        virsh("start", vm)
        wait_for(lambda: serial.exists() and "kvmkb: ready" in serial.read_text(errors="replace"),
                 60, "the stand-in guest to boot")
        out = sh("storage/snapshot-external.sh", env={"VM": vm}, timeout=60).stdout
        assert "before-change" in out and "disk-snapshot" in out
        assert str(overlay) in out
        chain = run(["qemu-img", "info", "-U", "--backing-chain", overlay]).stdout
        assert f"backing file: {disk}" in chain
        check_transcript(out, T / "snapshot-external.txt",
                         [(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}", "DATE")])
        merged = sh("storage/snapshot-merge.sh", env={"VM": vm}, timeout=120).stdout
        assert f"vda      {disk}" in merged, merged
        assert virsh("snapshot-list", vm, "--name").stdout.strip() == ""
        check_transcript(merged, T / "snapshot-merge.txt")
    finally:
        remove_domain(vm)
        virsh("undefine", vm, "--snapshots-metadata", check=False)
        for f in (disk, overlay, serial, xml):
            f.unlink(missing_ok=True)
        remove_pools_for(IMAGES)
    RESULTS["external"] = ("snapshot-external.sh on a running TCG stand-in VM named demo: libvirt created the "
                           "overlay demo.before-change, the domain switched to it, and qemu-img shows "
                           "demo.qcow2 as its backing file; snapshot-merge.sh (blockcommit --active --pivot) "
                           "switched the running domain back to demo.qcow2 and removed the snapshot's metadata")


def test_record():
    order = ("formats", "overlay", "internal", "resize", "pool", "external")
    assert all(k in RESULTS for k in order), f"earlier steps failed: {sorted(RESULTS)}"
    record_verified("storage", [RESULTS[k] for k in order],
                    standin="external snapshot: a libvirt TCG domain booting the stand-in kernel + BusyBox initramfs")

"""Runs the scripts of docs/hands-on/migration.md on one machine, over the
loopback interface only.

* QEMU level: two qemu-system-x86_64 processes started by start-vm.sh with
  the stand-in guest under TCG; migrate.py moves the running guest from one
  to the other, precopy and then postcopy.  Proof that the guest itself
  moved: after the migration the destination's serial log shows the guest
  kernel reacting to an ACPI power-button press sent to the destination.
* libvirt level: libvirt refuses to migrate a VM to the daemon it runs on,
  so second-daemon.sh starts two private libvirt daemons (session mode, as
  the unprivileged user "nobody", each with its own host UUID); the VM
  migrates from one to the other with shared storage, and back while
  copying its disk (--copy-storage-all).
"""
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from handson_common import check_transcript, record_verified, require_cmd, require_root
from handson_common import EXAMPLES, libvirt_daemons, run, sh, standin, wait_for  # noqa: F401

pytestmark = pytest.mark.system
T = EXAMPLES / "migration" / "transcripts"
BASE = Path("/var/tmp/gb-migration")          # unique to this test on a shared machine
PORTS = {"qemu": "8173", "libvirt": "8175", "disks": "8176"}
RESULTS = {}
NUM = [(r"\d+ ms", "N ms"), (r"\d+ KiB", "N KiB"), (r"\d+ pages", "N pages"),
       (r"\d+(\.\d+)? MiB", "N MiB")]


def qemu_env(d, standin):
    return {"DIR": str(d), "ACCEL": "tcg", "CPU": "qemu64", "KERNEL": str(standin["kernel"]),
            "INITRD": str(standin["initrd"]), "APPEND": "console=ttyS0 quiet"}


def pids_of(d):
    return [int((d / f"{n}.pid").read_text()) for n in ("src", "dst") if (d / f"{n}.pid").exists()]


def qemu_migration(tmp, standin, postcopy):
    require_cmd("qemu-system-x86_64", "qemu-img", "python3")
    d = tmp / ("postcopy" if postcopy else "precopy")
    d.mkdir()
    env = qemu_env(d, standin)
    run(["qemu-img", "create", "-q", "-f", "qcow2", d / "disk.qcow2", "64M"])
    try:
        sh("migration/start-vm.sh", "src", env=env)
        sh("migration/start-vm.sh", "dst", PORTS["qemu"], env=env)
        wait_for(lambda: "kvmkb: ready" in (d / "src-serial.log").read_text(errors="replace"), 180,
                 "the stand-in guest to boot in the source QEMU")
        args = [EXAMPLES / "migration" / "migrate.py", d, PORTS["qemu"]] + (["--postcopy"] if postcopy else [])
        out = run(["python3", *args], timeout=120).stdout
        # The guest now runs in the destination: press its power button there.
        before = (d / "dst-serial.log").read_text(errors="replace")
        assert "kvmkb" not in before, "the destination must not have booted a guest of its own"
        run(["python3", EXAMPLES / "common" / "qmp.py", d / "dst.qmp", "system_powerdown"])
        wait_for(lambda: "reboot: Power down" in (d / "dst-serial.log").read_text(errors="replace"), 120,
                 "the migrated guest to react to the power button in the destination")
        return out
    finally:
        sh("migration/stop-vms.sh", env=env, check=False)
        for pid in pids_of(d):
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass


def test_qemu_precopy(tmp_path, standin):
    out = qemu_migration(tmp_path, standin, postcopy=False)
    assert "source: running | destination: inmigrate" in out
    assert "migration completed" in out and "source: postmigrate | destination: running" in out
    check_transcript(out, T / "migrate-precopy.txt", NUM)
    RESULTS["precopy"] = ("start-vm.sh src/dst + migrate.py (precopy): the running stand-in guest moved between two "
                          "TCG QEMU processes over tcp:127.0.0.1; the source ended 'postmigrate', the destination "
                          "'running', and the guest kernel in the destination powered off on an ACPI power-button "
                          "press sent to the destination")


def test_qemu_postcopy(tmp_path, standin):
    out = qemu_migration(tmp_path, standin, postcopy=True)
    assert "postcopy-ram enabled on both sides" in out and "migrate-start-postcopy sent" in out
    assert "after the switch:" in out and "source: postmigrate | destination: running" in out
    check_transcript(out, T / "migrate-postcopy.txt", NUM)
    RESULTS["postcopy"] = ("migrate.py --postcopy: postcopy-ram set on both sides, migrate-start-postcopy switched "
                           "the running guest to the destination, which fetched remaining pages from the source; "
                           "the guest then answered the power button in the destination")


def test_qemu_mismatch(tmp_path, standin):
    """A destination started with other options refuses the stream (page: troubleshooting)."""
    d = tmp_path / "mismatch"
    d.mkdir()
    env = qemu_env(d, standin)
    run(["qemu-img", "create", "-q", "-f", "qcow2", d / "disk.qcow2", "64M"])
    dst = None
    try:
        sh("migration/start-vm.sh", "src", env=env)
        # The destination by hand, as start-vm.sh would start it but with 256 MiB instead of 512 MiB,
        # and in the foreground so that its error message is visible.
        dst = subprocess.Popen(
            ["qemu-system-x86_64", "-machine", "q35", "-accel", "tcg", "-cpu", "qemu64", "-m", "256",
             "-smp", "1", "-drive", f"file={d}/disk.qcow2,if=virtio,format=qcow2", "-display", "none",
             "-qmp", f"unix:{d}/dst.qmp,server=on,wait=off", "-incoming", f"tcp:127.0.0.1:{PORTS['qemu']}"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        wait_for(lambda: (d / "dst.qmp").exists(), 30, "the destination's QMP socket")
        proc = run(["python3", EXAMPLES / "migration" / "migrate.py", d, PORTS["qemu"]], check=False, timeout=60)
        err = dst.communicate(timeout=30)[0]
        assert proc.returncode != 0 and "migration failed" in proc.stdout + proc.stderr
        assert re.search(r"Size mismatch: pc\.ram: 0x20000000 != 0x10000000", err), err
    finally:
        sh("migration/stop-vms.sh", env=env, check=False)
        if dst and dst.poll() is None:
            dst.kill()
            dst.wait()
    RESULTS["mismatch"] = ("a destination with 256 MiB instead of 512 MiB: migrate.py failed and the destination "
                           "QEMU printed 'Size mismatch: pc.ram: 0x20000000 != 0x10000000: Invalid argument'")


def test_cpu_baseline(tmp_path, libvirt_daemons):
    # Two "hosts", each described by one CPU element (a real pool uses each host's domcapabilities).
    (tmp_path / "all.xml").write_text(
        "<cpu mode='custom' match='exact'><model fallback='forbid'>EPYC</model><vendor>AMD</vendor></cpu>\n"
        "<cpu mode='custom' match='exact'><model fallback='forbid'>Opteron_G5</model><vendor>AMD</vendor></cpu>\n")
    out = sh("migration/cpu-baseline.sh", tmp_path / "all.xml", cwd=tmp_path, env={"VIRTTYPE": "qemu"}).stdout
    assert "<model fallback='forbid'>" in out
    assert "identical" in out or "superset" in out, out
    check_transcript(out, T / "cpu-baseline.txt")
    model = re.search(r"<model fallback='forbid'>([^<]+)<", out).group(1)
    RESULTS["cpu"] = (f"cpu-baseline.sh: hypervisor-cpu-baseline (virttype qemu) of an EPYC and an Opteron_G5 host "
                      f"gave {model} plus features; hypervisor-cpu-compare found this host able to run it")


# ---------------------------------------------------------------- libvirt: two daemons on one machine

def as_nobody(argv, **kw):
    return run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                "env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", f"HOME={BASE}", *argv], **kw)


@pytest.fixture(scope="module")
def two_daemons(standin):
    require_root()                    # to run the daemons as the unprivileged user "nobody"
    require_cmd("libvirtd", "virsh", "setpriv")
    assert not BASE.exists(), f"{BASE} exists; the test will not overwrite it"
    BASE.mkdir(mode=0o755)
    shutil.copy(standin["kernel"], BASE / "vmlinuz")
    shutil.copy(standin["initrd"], BASE / "initrd.gz")
    run(["qemu-img", "create", "-q", "-f", "qcow2", BASE / "demo.qcow2", "64M"])
    run(["chown", "-R", "nobody:nogroup", BASE])
    uris = {}
    try:
        for name, uuid in (("host1", "7d3c1a52-5b0e-4c2f-9d6e-000000000001"),
                           ("host2", "7d3c1a52-5b0e-4c2f-9d6e-000000000002")):
            out = as_nobody(["sh", EXAMPLES / "migration" / "second-daemon.sh", BASE / name, uuid], timeout=60)
            uris[name] = out.stdout.strip().splitlines()[-1]
        yield uris
    finally:
        for name in ("host1", "host2"):
            if name in uris:
                for dom in as_nobody(["virsh", "-c", uris[name], "list", "--all", "--name"],
                                     check=False).stdout.split():
                    as_nobody(["virsh", "-c", uris[name], "destroy", dom], check=False)
                    as_nobody(["virsh", "-c", uris[name], "undefine", dom], check=False)
            for pidfile in ("libvirtd.pid", "virtlogd.pid"):
                p = BASE / name / "run" / "libvirt" / pidfile
                if p.exists():
                    try:
                        os.kill(int(p.read_text().strip()), 15)
                    except (ValueError, ProcessLookupError):
                        pass
        time.sleep(1)
        shutil.rmtree(BASE, ignore_errors=True)


def test_libvirt_two_daemons(two_daemons):
    h1, h2 = two_daemons["host1"], two_daemons["host2"]
    caps = [re.search(r"<uuid>([^<]+)</uuid>", as_nobody(["virsh", "-c", u, "capabilities"]).stdout).group(1)
            for u in (h1, h2)]
    assert caps[0] != caps[1], "the two daemons must report different host UUIDs"
    xml = BASE / "demo.xml"
    xml.write_text(f"""<domain type='qemu'>
  <name>demo</name><memory unit='MiB'>256</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type>
    <kernel>{BASE}/vmlinuz</kernel><initrd>{BASE}/initrd.gz</initrd>
    <cmdline>console=ttyS0 quiet</cmdline></os>
  <cpu mode='custom' match='exact'><model fallback='forbid'>qemu64</model></cpu>
  <features><acpi/></features>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
      <source file='{BASE}/demo.qcow2'/><target dev='vda' bus='virtio'/></disk>
    <serial type='file'><source path='{BASE}/serial.log' append='on'/><target port='0'/></serial>
    <memballoon model='none'/>
  </devices>
</domain>
""")
    as_nobody(["virsh", "-c", h1, "define", xml])
    as_nobody(["virsh", "-c", h1, "start", "demo"])
    serial = BASE / "serial.log"
    wait_for(lambda: serial.exists() and "kvmkb: ready" in serial.read_text(errors="replace"), 120,
             "the stand-in guest to boot (its acpid must run to answer the shutdown request at the end)")
    # Two errors the troubleshooting table quotes, before the real migration.
    same = as_nobody(["env", f"SRC={h1}", f"DST={h1}", f"PORT={PORTS['libvirt']}", "VM=demo", "sh",
                      EXAMPLES / "migration" / "migrate-libvirt.sh"], check=False, timeout=60)
    assert same.returncode != 0 and "Attempt to migrate guest to the same host" in same.stderr, same.stderr
    unsafe = as_nobody(["virsh", "-c", h1, "migrate", "--live", "demo", h2, "--migrateuri",
                        f"tcp://127.0.0.1:{PORTS['libvirt']}"], check=False, timeout=60)
    assert unsafe.returncode != 0 and "Migration without shared storage is unsafe" in unsafe.stderr, unsafe.stderr
    env = ["env", f"SRC={h1}", f"DST={h2}", f"PORT={PORTS['libvirt']}", "VM=demo"]
    proc = as_nobody([*env, "sh", EXAMPLES / "migration" / "migrate-libvirt.sh"], timeout=180)
    out = proc.stdout
    assert re.search(r"demo\s+running", out) and "Completed" in out
    assert "demo" not in as_nobody(["virsh", "-c", h1, "list", "--all", "--name"]).stdout
    check_transcript(out, T / "migrate-libvirt.txt", NUM)
    # And back, copying the disk to a new file, as between hosts without shared storage.
    dest_xml = BASE / "dest.xml"
    dest_xml.write_text(as_nobody(["virsh", "-c", h2, "dumpxml", "--migratable", "demo"]).stdout
                        .replace(f"{BASE}/demo.qcow2", f"{BASE}/demo-copy.qcow2"))
    as_nobody(["qemu-img", "create", "-q", "-f", "qcow2", BASE / "demo-copy.qcow2", "64M"])
    env = ["env", f"SRC={h2}", f"DST={h1}", f"PORT={PORTS['libvirt']}", f"DISKS_PORT={PORTS['disks']}",
           "VM=demo", f"DEST_XML={dest_xml}"]
    proc = as_nobody([*env, "sh", EXAMPLES / "migration" / "migrate-copy-storage.sh"], timeout=180)
    out = proc.stdout
    assert f"{BASE}/demo-copy.qcow2" in out
    check_transcript(out, T / "migrate-copy-storage.txt")
    # Postcopy: the daemons' QEMU runs as "nobody"; it gets userfaultfd only if the
    # vm.unprivileged_userfaultfd sysctl allows it (this test does not change host settings).
    uffd = Path("/proc/sys/vm/unprivileged_userfaultfd").read_text().strip()
    env = ["env", f"SRC={h1}", f"DST={h2}", f"PORT={PORTS['libvirt']}", "VM=demo"]
    proc = as_nobody([*env, "sh", EXAMPLES / "migration" / "migrate-libvirt-postcopy.sh"], timeout=180,
                     check=False)
    out = proc.stdout + proc.stderr
    if uffd == "1":
        assert proc.returncode == 0 and re.search(r"demo\s+running", out), out
        postcopy = "migrate-libvirt-postcopy.sh moved it again in postcopy mode"
        on = h2
    else:
        assert proc.returncode != 0
        assert "Postcopy is not supported: Userfaultfd not available: Operation not permitted" in out, out
        assert "running" in as_nobody(["virsh", "-c", h1, "domstate", "demo"]).stdout
        check_transcript(out, T / "migrate-libvirt-postcopy.txt")
        postcopy = ("migrate-libvirt-postcopy.sh was refused before anything moved ('Postcopy is not supported: "
                    "Userfaultfd not available: Operation not permitted': QEMU ran as nobody and "
                    "vm.unprivileged_userfaultfd is 0), and the VM kept running on the source")
        on = h1
    # The guest survived both moves: an ACPI shutdown request reaches its acpid and it powers off.
    as_nobody(["virsh", "-c", on, "shutdown", "demo"])
    wait_for(lambda: "shut off" in as_nobody(["virsh", "-c", on, "domstate", "demo"]).stdout, 120,
             "the twice-migrated guest to power off on an ACPI shutdown request")
    RESULTS["libvirt"] = ("second-daemon.sh started two libvirt daemons (session mode, user nobody) with host UUIDs "
                          "...0001 and ...0002; migrating to the source daemon itself failed with 'Attempt to migrate "
                          "guest to the same host', and without --unsafe with 'Migration without shared storage is "
                          "unsafe'; migrate-libvirt.sh moved the running TCG domain from one to the other "
                          "(--live --unsafe --persistent --undefinesource, shared image); migrate-copy-storage.sh "
                          "moved it back with --copy-storage-all onto a new image file; "
                          + postcopy + "; the guest then powered off on 'virsh shutdown' (ACPI), so it ran "
                          "throughout")


def test_record():
    order = ("precopy", "postcopy", "mismatch", "cpu", "libvirt")
    assert all(k in RESULTS for k in order), f"earlier steps failed: {sorted(RESULTS)}"
    record_verified("migration", [RESULTS[k] for k in order],
                    standin="the stand-in kernel + BusyBox initramfs under TCG in both QEMU processes and in the "
                            "libvirt domain (type 'qemu'); both 'hosts' are the same machine, loopback only")

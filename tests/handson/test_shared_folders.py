"""Runs the scripts of docs/hands-on/shared-folders.md.

virtiofsd: Debian 12's QEMU 7.2 shipped the C virtiofsd in qemu-system-common
(/usr/lib/qemu/virtiofsd); the backported QEMU 10 package does not, and
neither bookworm nor bookworm-backports has the Rust "virtiofsd" package.
The test therefore uses, in this order: a virtiofsd installed on the host
(/usr/libexec/virtiofsd or /usr/lib/qemu/virtiofsd), else the C virtiofsd
unpacked (dpkg-deb -x, nothing installed) from Debian 12's own
qemu-system-common package, taken from the apt cache or fetched with
"apt-get download" from the configured Debian mirror.

Guest side: the stand-in kernel (Debian's cloud kernel) has fuse.ko and
virtiofs.ko, so the test appends a second cpio archive to the stand-in
initramfs with those modules, the page's guest-mount.sh, and an init
(/fs-init, chosen with rdinit=) that loads them, runs guest-mount.sh and
powers off.  The cloud kernel is built without 9p (CONFIG_NET_9P is not
set), so for 9p the test verifies the host side and that the guest sees
the virtio-9p device, but cannot mount it.
"""
import gzip
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from handson_common import check_transcript, missing, record_verified, require_cmd, require_root
from handson_common import (CACHE, EXAMPLES, claim_domain, cloud_kernel, libvirt_daemons,  # noqa: F401
                            remove_domain, run, sh, standin, virsh, wait_for)

pytestmark = pytest.mark.system
T = EXAMPLES / "shared-folders" / "transcripts"
VM = "gb-share"
WORK = Path("/var/tmp/gb-share")
RESULTS = {}


def find_virtiofsd():
    for p in (Path("/usr/libexec/virtiofsd"), Path("/usr/lib/qemu/virtiofsd")):
        if p.exists():
            return p, f"{p} installed on the host"
    out = CACHE / "virtiofsd-debian12"
    binary = out / "usr" / "lib" / "qemu" / "virtiofsd"
    if binary.exists():
        return binary, "the C virtiofsd of Debian 12's qemu-system-common (unpacked, not installed)"
    policy = run(["apt-cache", "policy", "qemu-system-common"], check=False).stdout
    versions = re.findall(r"^\s+(?:\*\*\* )?(1:7\.2\S+) \d+", policy, re.M)
    if not versions:
        missing("no virtiofsd on this host and no Debian 12 qemu-system-common 7.2 in apt's sources")
    debs = sorted(Path("/var/cache/apt/archives").glob("qemu-system-common_1%3a7.2*_amd64.deb"))
    tmp = CACHE / "virtiofsd-deb"
    tmp.mkdir(parents=True, exist_ok=True)
    if not debs:
        run(["apt-get", "download", f"qemu-system-common={versions[0]}"], cwd=tmp, timeout=300)
        debs = sorted(tmp.glob("qemu-system-common_*.deb"))
    run(["dpkg-deb", "-x", debs[-1], out])
    shutil.rmtree(tmp, ignore_errors=True)
    return binary, "the C virtiofsd of Debian 12's qemu-system-common (unpacked, not installed)"


@pytest.fixture(scope="module")
def env(standin):
    require_root()                    # virtiofsd must run as root
    require_cmd("qemu-system-x86_64", "cpio", "gzip", "dpkg-deb", "apt-cache")
    binary, origin = find_virtiofsd()
    version = run([binary, "--version"], check=False)
    assert not WORK.exists(), f"{WORK} exists; the test will not overwrite it"
    (WORK / "share").mkdir(parents=True)
    os.chmod(WORK, 0o755)
    # The overlay initramfs: extra modules + the page's guest script + an init that runs it.
    kver = cloud_kernel().name.removeprefix("vmlinuz-")
    moddir = Path("/lib/modules") / kver / "kernel"
    ov = WORK / "overlay"
    (ov / "mod-extra").mkdir(parents=True)
    (ov / "bin").mkdir()
    for m in ("fs/fuse/fuse.ko", "fs/fuse/virtiofs.ko"):
        assert (moddir / m).exists(), f"the stand-in kernel lacks {m}"
        shutil.copy(moddir / m, ov / "mod-extra")
    ninep = [m for m in ("net/9p/9pnet.ko", "net/9p/9pnet_virtio.ko", "fs/9p/9p.ko") if (moddir / m).exists()]
    for m in ninep:
        shutil.copy(moddir / m, ov / "mod-extra")
    for applet in ("mkdir",):
        os.symlink("busybox", ov / "bin" / applet)
    shutil.copy(EXAMPLES / "shared-folders" / "guest-mount.sh", ov / "guest-mount.sh")
    shutil.copy(EXAMPLES / "shared-folders" / "guest-mount-9p.sh", ov / "guest-mount-9p.sh")
    (ov / "fs-init").write_text("""#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /mod/order); do insmod /mod/$m 2>/dev/null; done
for m in /mod-extra/*.ko; do insmod $m; done
sleep 1
for d in /sys/bus/virtio/devices/*; do echo "kvmkb: virtio device id $(cat $d/device)"; done
if [ -e /sys/bus/virtio/drivers/virtiofs ]; then
    echo "kvmkb: running guest-mount.sh"
    sh /guest-mount.sh 2>&1
    echo "kvmkb: guest-mount.sh exit $?"
fi
if grep -q ' 9p$' /proc/filesystems 2>/dev/null; then sh /guest-mount-9p.sh 2>&1; fi
poweroff -f
""")
    os.chmod(ov / "fs-init", 0o755)
    listing = subprocess.run(["find", "."], cwd=ov, capture_output=True, text=True, check=True).stdout
    archive = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=ov, input=listing.encode(),
                             capture_output=True, check=True).stdout
    initrd = WORK / "initrd.gz"
    initrd.write_bytes(standin["initrd"].read_bytes() + gzip.compress(archive))
    (WORK / "share" / "hello.txt").write_text("hello from the host\n")
    try:
        yield {"virtiofsd": binary, "origin": origin, "version": (version.stdout + version.stderr).splitlines()[0],
               "kernel": standin["kernel"], "initrd": initrd, "ninep": ninep}
    finally:
        shutil.rmtree(WORK, ignore_errors=True)


def guest_part(console: str) -> str:
    """The guest-mount.sh output between the init's markers."""
    m = re.search(r"kvmkb: running guest-mount.sh\r?\n(.*?)kvmkb: guest-mount.sh exit (\d+)", console, re.S)
    assert m, f"guest-mount.sh did not run in the guest:\n{console[-3000:]}"
    assert m.group(2) == "0", f"guest-mount.sh failed in the guest:\n{m.group(1)}"
    return m.group(1).replace("\r", "")


def test_qemu_virtiofs(env):
    share, sock = WORK / "share", WORK / "vfs-qemu.sock"
    (share / "from-guest.txt").unlink(missing_ok=True)
    out = sh("shared-folders/start-virtiofsd.sh", share, sock, env={"VIRTIOFSD": str(env["virtiofsd"])}).stdout
    pid = int(re.search(r"pid (\d+)", out).group(1))
    try:
        proc = run(["sh", EXAMPLES / "shared-folders" / "run-qemu-virtiofs.sh", sock], timeout=300,
                   env={"ACCEL": "tcg", "MEM": "256M", "KERNEL": str(env["kernel"]), "INITRD": str(env["initrd"]),
                        "APPEND": "console=ttyS0 quiet rdinit=/fs-init"})
        console = proc.stdout
    finally:
        try:
            os.kill(pid, 15)
        except ProcessLookupError:
            pass
    assert "kvmkb: virtio device id 0x001a" in console        # 26 = virtio-fs
    part = guest_part(console)
    check_transcript(part, T / "guest-mount.txt")
    assert "hostshare /mnt/host virtiofs" in part and "hello from the host" in part
    assert (share / "from-guest.txt").read_text() == "written in the guest\n"
    RESULTS["qemu"] = (f"start-virtiofsd.sh ({env['version']}) + run-qemu-virtiofs.sh (memfd backend, share=on, "
                       "vhost-user-fs-pci): in the TCG guest guest-mount.sh mounted tag hostshare with "
                       "mount -t virtiofs, read the host's hello.txt, and the file it wrote appeared on the host")


def test_libvirt_virtiofs_and_9p(env, libvirt_daemons):
    claim_domain(VM)
    share = WORK / "share"
    (share / "from-guest.txt").unlink(missing_ok=True)
    serial = WORK / "serial.log"
    xml = WORK / "gb-share.xml"
    xml.write_text(f"""<domain type='qemu'>
  <name>{VM}</name><memory unit='MiB'>256</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type>
    <kernel>{env['kernel']}</kernel><initrd>{env['initrd']}</initrd>
    <cmdline>console=ttyS0 quiet rdinit=/fs-init</cmdline></os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <serial type='file'><source path='{serial}'/><target port='0'/></serial>
    <memballoon model='none'/>
  </devices>
</domain>
""")
    try:
        virsh("define", xml)
        # Without shared memory libvirt refuses a virtio-fs device.
        fs_only = WORK / "fs-only.xml"
        fs_only.write_text(f"<filesystem type='mount'><driver type='virtiofs'/><source dir='{share}'/>"
                           f"<target dir='hostshare'/></filesystem>\n")
        bad = virsh("attach-device", VM, fs_only, "--config", check=False)
        assert bad.returncode != 0 and "requires shared memory" in bad.stderr, bad.stderr
        error = bad.stderr.strip().splitlines()[-1]
        out = sh("shared-folders/add-virtiofs.sh", share, timeout=120,
                 env={"VM": VM, "VIRTIOFSD": str(env["virtiofsd"])}).stdout
        for want in ("<source type='memfd'/>", "<access mode='shared'/>", "<driver type='virtiofs'/>",
                     f"<source dir='{share}'/>", "<target dir='hostshare'/>"):
            assert want in out, (want, out)
        check_transcript(out, T / "add-virtiofs.txt")
        ninep_dir = WORK / "share9p"
        ninep_dir.mkdir()
        out9 = sh("shared-folders/add-9p.sh", ninep_dir, timeout=120, env={"VM": VM}).stdout
        assert "<target dir='hostshare9p'/>" in out9 and "accessmode='mapped'" in out9
        check_transcript(out9, T / "add-9p.txt")
        virsh("start", VM, timeout=60)
        wait_for(lambda: virsh("domstate", VM, check=False).stdout.strip() == "shut off", 300,
                 "the guest to run guest-mount.sh and power off")
        console = serial.read_text(errors="replace")
        part = guest_part(console)
        assert "hello from the host" in part
        assert (share / "from-guest.txt").read_text() == "written in the guest\n"
        assert "kvmkb: virtio device id 0x0009" in console, console      # 9 = virtio-9p
        cmdline = Path(f"/var/log/libvirt/qemu/{VM}.log").read_text(errors="replace")
        assert "vhost-user-fs-pci" in cmdline and "memory-backend-memfd" in cmdline and '"share":true' in cmdline
        assert "virtio-9p-pci" in cmdline and "security_model=mapped" in cmdline.replace('"', "")
    finally:
        remove_domain(VM)
    if env["ninep"]:
        ninep = "the 9p modules exist in this kernel; guest-mount-9p.sh ran in the guest"
    else:
        run(["sh", "-n", EXAMPLES / "shared-folders" / "guest-mount-9p.sh"])
        ninep = ("guest-mount-9p.sh was NOT run: the stand-in kernel is built without 9p (CONFIG_NET_9P is not set); "
                 "verified instead that QEMU started with -fsdev/virtio-9p-pci and the guest saw a virtio device of "
                 "type 9 (virtio-9p)")
    RESULTS["libvirt"] = (f"libvirt refused a virtio-fs <filesystem> without shared memory ('{error}'); "
                          "add-virtiofs.sh (virt-xml: memfd + shared memoryBacking, filesystem driver virtiofs, "
                          "binary.path to the virtiofsd above) and add-9p.sh (accessmode mapped) edited the TCG domain; "
                          "on start libvirt ran virtiofsd and QEMU with vhost-user-fs-pci and a shared memfd backend, "
                          "the guest mounted the share with guest-mount.sh, read the host's file and wrote one back; "
                          + ninep)


def test_record(env):
    order = ("qemu", "libvirt")
    assert all(k in RESULTS for k in order), f"earlier steps failed: {sorted(RESULTS)}"
    record_verified("shared-folders", [RESULTS[k] for k in order], virtiofsd=env["origin"] + ": " + env["version"],
                    standin="the stand-in kernel + BusyBox initramfs under TCG, with fuse.ko and virtiofs.ko and "
                            "the guest scripts appended as a second initramfs archive")

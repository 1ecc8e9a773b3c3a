"""Runs docs/hands-on/install-guest.md: virt-install with --cdrom, --location,
--import and --pxe, the serial console with and without console=ttyS0, and
disk conversion from VirtualBox/VMware formats.

Stand-ins (the page states them): the installer ISO is built locally from the
stand-in kernel and BusyBox initramfs with ISOLINUX (make-standin-iso.sh);
VIRT_TYPE=qemu (TCG) because this machine's KVM cannot run Linux;
OSINFO=linux2022 (Debian 12's osinfo-db has no debian12); NETWORK=none, and
for --pxe only the generated XML and QEMU command line are checked (tests may
not run DHCP/TFTP on a real network). Every stand-in kernel also gets
no_timer_check: under TCG on a heavily loaded 2-core host the guest kernel's
IO-APIC timer check can fail and panic ("IO-APIC + timer doesn't work")."""
import os
import re
import time

import pytest

from handson_common import check_transcript, record_verified, require_cmd
from handson_common import (EXAMPLES, IMAGES, claim_domain, libvirt_daemons, remove_domain,  # noqa: F401
                            remove_pools_for, run, sh, standin, validate_xml, virsh, wait_for)

pytestmark = pytest.mark.system
T = EXAMPLES / "install" / "transcripts"
ISO = IMAGES / "inst-standin.iso"
RESULTS = {}
BASE = {"VIRT_TYPE": "qemu", "OSINFO": "linux2022", "NETWORK": "none", "MEMORY": "512", "VCPUS": "1",
        "DISK_GB": "1"}
SLOW = "no_timer_check"  # see the module docstring
DOMAINS = ("inst-cdrom", "inst-location", "inst-import", "inst-pxe")


def serial(vm):
    return f"/var/log/libvirt/qemu/{vm}-serial.log"


def serial_text(vm):
    try:
        return open(serial(vm), errors="replace").read()
    except OSError:
        return ""


@pytest.fixture(scope="module")
def iso(libvirt_daemons, standin):
    require_cmd("xorriso")
    if not os.path.exists("/usr/lib/ISOLINUX/isolinux.bin"):
        pytest.skip("isolinux is not installed (make test installs it)")
    for vm in DOMAINS:
        claim_domain(vm)
    IMAGES.mkdir(parents=True, exist_ok=True)
    assert not ISO.exists(), f"{ISO} exists; the test will not overwrite it"
    out = sh("install/make-standin-iso.sh", standin["kernel"], standin["initrd"], ISO, timeout=120,
             env={"APPEND": "console=ttyS0 quiet " + SLOW}).stdout
    assert out.strip() == str(ISO)
    try:
        yield ISO
    finally:
        for vm in DOMAINS:
            remove_domain(vm)
            for f in (IMAGES / f"{vm}.qcow2", serial(vm)):
                if os.path.exists(f):
                    os.unlink(f)
        ISO.unlink(missing_ok=True)
        remove_pools_for(IMAGES)


def finish(vm):
    virsh("destroy", vm, check=False)
    virsh("undefine", vm, check=False)


def test_cdrom(iso):
    vm = "inst-cdrom"
    proc = sh("install/install-cdrom.sh", env={**BASE, "ISO": str(iso)}, timeout=180)
    assert "Domain creation completed." in proc.stdout or "Domain is still running" in proc.stdout, proc.stdout
    xml = virsh("dumpxml", vm).stdout
    assert re.search(r"<disk type='file' device='cdrom'>.*?" + re.escape(str(iso)), xml, re.S), xml
    assert "<boot dev='cdrom'/>" in xml, "the install phase should boot from the CD"
    wait_for(lambda: "kvmkb: ready" in serial_text(vm), 120, "the ISO's kernel on the serial console")
    text = serial_text(vm)
    assert "ISOLINUX" in text, "the CD's own boot loader (ISOLINUX) should have run"
    assert (IMAGES / f"{vm}.qcow2").exists(), "virt-install should have created the new disk"
    RESULTS["cdrom"] = ("install-cdrom.sh: the install phase booted the CD (<boot dev='cdrom'/>); SeaBIOS ran the ISO's "
                        "ISOLINUX, which started the kernel with console=ttyS0; the guest reached the serial log; "
                        f"virt-install created {vm}.qcow2 for the installer")
    finish(vm)


def test_location(iso):
    vm = "inst-location"
    loc = f"{iso},kernel=install/vmlinuz,initrd=install/initrd.gz"
    proc = sh("install/install-location.sh", env={**BASE, "LOCATION": loc, "EXTRA_ARGS": SLOW}, timeout=180)
    assert "Domain creation completed." in proc.stdout or "Domain is still running" in proc.stdout, proc.stdout
    xml = virsh("dumpxml", vm).stdout
    assert re.search(r"<kernel>[^<]*</kernel>", xml) and "<cmdline>console=ttyS0,115200n8" in xml, xml
    wait_for(lambda: "kvmkb: ready" in serial_text(vm), 120, "the installer kernel on the serial console")
    text = serial_text(vm)
    assert "Command line: console=ttyS0,115200n8" in text or "console=ttyS0,115200n8" in text
    after = virsh("dumpxml", "--inactive", vm).stdout
    assert "<kernel>" not in after, "the stored definition should boot from the disk after the install"
    RESULTS["location"] = ("install-location.sh with LOCATION=ISO,kernel=...,initrd=...: virt-install extracted the "
                           "kernel and initramfs, booted them directly with --extra-args console=ttyS0,115200n8 (seen "
                           "on the guest's serial console), and the stored definition boots from the disk afterwards")
    finish(vm)


def test_console_needs_ttyS0(iso, standin):
    vm = "inst-import"
    disk = IMAGES / f"{vm}.qcow2"
    run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "64M"])
    boot = f"kernel={standin['kernel']},initrd={standin['initrd']},kernel_args="
    env = {**BASE, "DISK": str(disk)}
    # 1. No console= on the kernel command line: the guest runs, the console stays empty.
    sh("install/install-import.sh", env={**env, "BOOT": boot + "kvmkb.poweroff " + SLOW}, timeout=180)
    wait_for(lambda: virsh("domstate", vm).stdout.strip() == "shut off", 120,
             "the stand-in guest to finish its init and power off")
    silent = serial_text(vm)
    assert "kvmkb:" not in silent and "Linux version" not in silent, silent
    finish(vm)
    os.unlink(serial(vm))
    # 2. The same guest with console=ttyS0: kernel and init messages on the serial console.
    sh("install/install-import.sh", env={**env, "BOOT": boot + "console=ttyS0 kvmkb.poweroff " + SLOW}, timeout=180)
    wait_for(lambda: virsh("domstate", vm).stdout.strip() == "shut off", 120, "the second boot to power off")
    loud = serial_text(vm)
    assert "Linux version" in loud and "kvmkb: powering off" in loud, loud
    RESULTS["console"] = ("install-import.sh booted the same guest twice to power-off: without console=ttyS0 the "
                          "serial console stayed empty; with console=ttyS0 it showed the kernel and init messages")
    finish(vm)


def test_import_print_xml(iso, tmp_path):
    disk = IMAGES / "inst-import.qcow2"
    if not disk.exists():
        run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "64M"])
    xml = sh("install/install-import.sh", env={**BASE, "DISK": str(disk), "PRINT_XML": "1"}).stdout
    (tmp_path / "import.xml").write_text(xml)
    validate_xml(tmp_path / "import.xml", "domain")
    assert '<boot dev="hd"/>' in xml and "cdrom" not in xml
    RESULTS["import"] = ("install-import.sh with PRINT_XML=1: the definition boots from the imported disk (<boot "
                         "dev='hd'/>, no CD); virt-xml-validate accepted it")


def test_pxe(iso, tmp_path):
    xml = sh("install/install-pxe.sh", env={**BASE, "NETWORK": "bridge=br0,model=virtio", "PRINT_XML": "1"}).stdout
    f = tmp_path / "pxe.xml"
    f.write_text(xml)
    validate_xml(f, "domain")
    assert not list(IMAGES.glob("inst-pxe*")), "--dry-run --print-xml must not create the disk"
    boots = re.findall(r'<boot dev="(\w+)"/>', xml)
    assert boots[:1] == ["network"], boots
    assert "<on_reboot>destroy</on_reboot>" in xml
    argv = virsh("domxml-to-native", "qemu-argv", "--xml", f).stdout
    nic = re.search(r"\{[^}]*\"driver\":\"virtio-net-pci\"[^}]*\}", argv)
    assert nic and '"bootindex":1' in nic.group(0), argv
    RESULTS["pxe"] = ("install-pxe.sh with PRINT_XML=1 (first boot only): <boot dev='network'/> first and "
                      "on_reboot destroy; virt-xml-validate accepted it; virsh domxml-to-native showed the "
                      "virtio-net-pci NIC with bootindex 1 (not run: no DHCP/TFTP server may be started here)")


def test_convert(tmp_path):
    require_cmd("qemu-img")
    src = tmp_path / "disk.raw"
    with open(src, "wb") as f:
        f.truncate(64 << 20)
        f.seek(1 << 20)
        f.write(b"kvmkb conversion test\n" * 1000)
    outs = []
    for fmt in ("vdi", "vmdk"):
        made = tmp_path / f"exported.{fmt}"
        run(["qemu-img", "convert", "-f", "raw", "-O", fmt, src, made])
        dst = tmp_path / f"from-{fmt}.qcow2"
        out = run(["sh", EXAMPLES / "install" / "convert-disk.sh", made.name, dst.name], cwd=tmp_path).stdout
        outs.append(f"$ sh convert-disk.sh {made.name} {dst.name}\n{out}")
        cmp = run(["qemu-img", "compare", "-f", "raw", "-F", "qcow2", src, dst])
        assert "Images are identical." in cmp.stdout
    check_transcript("\n".join(outs), T / "convert-disk.txt", [(r"\d+(\.\d+)? (KiB|MiB) allocated", "N allocated"),
                                                              (r"\d+/\d+ = [\d.]+% allocated.*", "ALLOC")])
    RESULTS["convert"] = ("convert-disk.sh converted a VDI (VirtualBox format) and a VMDK (VMware format) made by "
                          "qemu-img from a 64 MiB raw disk; qemu-img compare found both qcow2 results identical "
                          "to the original")


def test_record(libvirt_daemons):
    order = ("cdrom", "location", "console", "import", "pxe", "convert")
    assert all(k in RESULTS for k in order), f"earlier steps failed: {sorted(RESULTS)}"
    record_verified("install-guest", [RESULTS[k] for k in order],
                    standin=("virt-type qemu (TCG), osinfo linux2022, --network none; an ISO built by "
                             "make-standin-iso.sh (ISOLINUX + the Debian cloud kernel + BusyBox initramfs) as the "
                             "installer; PXE checked on the generated XML and QEMU command line only"))

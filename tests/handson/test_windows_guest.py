"""Checks docs/hands-on/windows-guests.md without Windows: the domain XML
against libvirt's schema, the QEMU command line libvirt generates from it,
and the firmware, TPM and disk-bus plumbing with a Linux guest in the same
definition.

Stand-ins (the page states them): the Windows and virtio-win ISOs are empty
files; the test's copy of win11.xml uses domain type 'qemu' (TCG) and CPU
mode 'maximum' instead of host-passthrough (which needs KVM), has no network
interface, and boots the Debian cloud kernel with a BusyBox initramfs
directly, with a serial log, so that the guest can report Secure Boot and
the TPM's ACPI table. Under TCG QEMU accepts the hv-* flags but does not show
Hyper-V to the guest, so the enlightenments are checked on the command line."""
import os
import re

import pytest

from handson_common import check_transcript, record_verified, require_cmd
from handson_common import (EXAMPLES, IMAGES, SWTPM_CA, claim_domain, libvirt_daemons, remove_domain,  # noqa: F401
                            remove_pools_for, run, sh, standin, swtpm_ready, validate_xml, virsh, wait_for)

pytestmark = pytest.mark.system
W = EXAMPLES / "windows"
T = W / "transcripts"
VM = "win11"
SERIAL = "/var/log/libvirt/qemu/win11-serial.log"
ISOS = [IMAGES / "Win11_x64.iso", IMAGES / "virtio-win.iso"]
RESULTS = {}


def serial_text():
    try:
        return open(SERIAL, errors="replace").read()
    except OSError:
        return ""


def test_validate():
    validate_xml(W / "win11.xml", "domain")
    RESULTS["validate"] = "virt-xml-validate accepted win11.xml as written on the page"


def test_native_argv(libvirt_daemons):
    out = sh("windows/native-argv.sh", cwd=W).stdout
    for flag in ("hv-relaxed=on", "hv-vapic=on", "hv-spinlocks=0x1fff", "hv-vpindex=on", "hv-runtime=on",
                 "hv-synic=on", "hv-stimer=on", "hv-stimer-direct=on", "hv-frequencies=on", "hv-tlbflush=on",
                 "hv-ipi=on", "hv-time=on", "smm=on", "emulator"):
        assert re.search(rf"(?m)^{re.escape(flag)}$", out), flag
    full = virsh("domxml-to-native", "qemu-argv", "--xml", W / "win11.xml").stdout
    assert "/usr/share/OVMF/OVMF_CODE_4M.ms.fd" in full, "Secure Boot firmware with Microsoft keys"
    assert '"driver":"tpm-crb"' in full and '"driver":"virtio-blk-pci"' in full
    assert '"name":"org.qemu.guest_agent.0"' in full
    check_transcript(out, T / "native-argv.txt", [(r"pc-q35-\d+\.\d+", "pc-q35-N")])
    RESULTS["native"] = ("native-argv.sh (virsh domxml-to-native): -cpu host with hv-time, hv-relaxed, hv-vapic, "
                         "hv-spinlocks=0x1fff, hv-vpindex, hv-runtime, hv-synic, hv-stimer(-direct), hv-frequencies, "
                         "hv-tlbflush, hv-ipi; smm=on and secure pflash with OVMF_CODE_4M.ms.fd; a tpm-crb device on "
                         "an emulator backend; virtio-blk system disk; the guest agent's virtserialport")


@pytest.fixture(scope="module")
def win(libvirt_daemons, standin, swtpm_ready, tmp_path_factory):
    claim_domain(VM)
    disk = IMAGES / f"{VM}.qcow2"
    for f in [disk, *ISOS]:
        assert not f.exists(), f"{f} exists; the test will not overwrite it"
    for iso in ISOS:
        iso.write_bytes(b"")
    xml = (W / "win11.xml").read_text()
    xml = xml.replace("<domain type='kvm'>", "<domain type='qemu'>")
    xml = xml.replace("<cpu mode='host-passthrough'/>", "<cpu mode='maximum'/>")
    xml = re.sub(r"\s*<interface type='network'>.*?</interface>", "", xml, flags=re.S)
    xml = xml.replace("<memory unit='GiB'>8</memory>", "<memory unit='MiB'>512</memory>")
    xml = xml.replace("<vcpu>4</vcpu>", "<vcpu>1</vcpu>")
    xml = xml.replace("    </firmware>\n  </os>",
                      f"    </firmware>\n    <kernel>{standin['kernel']}</kernel>\n"
                      f"    <initrd>{standin['initrd']}</initrd>\n    <cmdline>console=ttyS0 no_timer_check</cmdline>\n  </os>")
    xml = xml.replace("    <memballoon", f"    <serial type='pty'>\n      <log file='{SERIAL}'/>\n    </serial>\n"
                                          "    <memballoon")
    assert "<kernel>" in xml and "<serial" in xml
    path = tmp_path_factory.mktemp("win") / "win11.xml"
    path.write_text(xml)
    if os.path.exists(SERIAL):
        os.unlink(SERIAL)
    try:
        yield path
    finally:
        virsh("destroy", VM, check=False)
        virsh("undefine", VM, "--nvram", "--tpm", check=False)
        remove_domain(VM)
        for f in [disk, *ISOS, IMAGES / f"{VM}-virtio-probe.qcow2"]:
            f.unlink(missing_ok=True)
        if os.path.exists(SERIAL):
            os.unlink(SERIAL)
        remove_pools_for(IMAGES)


def test_swtpm_check_and_fix(swtpm_ready):
    """The troubleshooting section's case, reproduced: the local CA's files
    owned by root (as a first swtpm_setup run by root leaves them) make
    swtpm_setup fail for the swtpm user with the message the page quotes;
    swtpm-fix-localca.sh cures it. Ownership is restored afterwards."""
    user = re.search(r"swtpm user \(from [^)]*\): (\S+)", swtpm_ready).group(1)
    paths = [SWTPM_CA] + [os.path.join(SWTPM_CA, f) for f in os.listdir(SWTPM_CA)]
    owners = {p: (os.lstat(p).st_uid, os.lstat(p).st_gid) for p in paths}
    assert len(paths) > 1, f"{SWTPM_CA} is empty: the fixture's check should have created the CA"
    try:
        for p in paths[1:]:
            os.lchown(p, 0, 0)
        broken = sh("windows/swtpm-check.sh", check=False, timeout=120)
        fixed = sh("windows/swtpm-fix-localca.sh", env={"SWTPM_USER": user}, timeout=60)
        good = sh("windows/swtpm-check.sh", check=False, timeout=120)
    finally:
        for p, (uid, gid) in owners.items():
            if os.path.lexists(p):
                os.lchown(p, uid, gid)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert f"Need read/write rights on {SWTPM_CA}/" in broken.stdout and f"for user {user}." in broken.stdout, \
        broken.stdout
    assert good.returncode == 0 and f"swtpm_setup as {user}: OK" in good.stdout, good.stdout + good.stderr
    n = r"\d+ entries not owned"
    check_transcript(broken.stdout, T / "swtpm-check-failed.txt", [(n, "N entries not owned")])
    check_transcript(fixed.stdout + good.stdout, T / "swtpm-fix-localca.txt")
    RESULTS["swtpm"] = (f"swtpm-check.sh ran swtpm_setup as {user}: it failed with 'Need read/write rights on "
                        f"{SWTPM_CA}/...' while the CA's files belonged to root, and passed after "
                        "swtpm-fix-localca.sh")


def test_define_and_start(win):
    proc = sh("windows/define-win11.sh", env={"XML": str(win), "DISK_SIZE": "1G"}, timeout=180)
    out = proc.stdout + proc.stderr  # virt-xml-validate reports on stderr
    assert "validates" in out and "Domain 'win11' defined" in out and "Domain 'win11' started" in out, out
    wait_for(lambda: "kvmkb: ready" in serial_text(), 180, "the Linux stand-in in the win11 definition")
    log = serial_text()
    assert "secureboot: Secure boot enabled" in log, log[:3000]
    assert re.search(r"ACPI: TPM2 0x", log), "QEMU's TPM2 ACPI table, seen by the guest"
    RESULTS["start"] = ("define-win11.sh validated, defined and started the test's copy; the Linux stand-in saw "
                        "UEFI with 'secureboot: Secure boot enabled' and the TPM2 ACPI table of the tpm-crb device")


def test_plumbing(win):
    out = sh("windows/show-plumbing.sh", timeout=60).stdout
    uuid = virsh("domuuid", VM).stdout.strip()
    assert "OVMF_CODE_4M.ms.fd" in out and "win11_VARS.fd" in out
    assert f"/var/lib/libvirt/swtpm/{uuid}/tpm2" in out and "tpm2-00.permall" in out, out
    assert re.search(r"(?m)^hv-stimer-direct=on$", out) and '"driver":"tpm-crb"' in out, out
    check_transcript(out, T / "show-plumbing.txt", [(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UUID"), (r"pc-q35-\d+\.\d+", "pc-q35-N")])
    RESULTS["plumbing"] = ("show-plumbing.sh on the running VM: libvirt started swtpm with its state in "
                           "/var/lib/libvirt/swtpm/<uuid>/tpm2 (tpm2-00.permall), OVMF_CODE_4M.ms.fd and a per-VM "
                           "NVRAM, the hv-* flags on -cpu and a tpm-crb device in /var/log/libvirt/qemu/win11.log")


def test_switch_to_virtio(win, tmp_path):
    virsh("destroy", VM)
    # Make the system disk a SATA disk, as after an install without virtio drivers.
    xml = virsh("dumpxml", "--inactive", VM).stdout
    xml = re.sub(r"<target dev='vda' bus='virtio'/>\s*<boot order='2'/>\s*<address type='pci'[^>]*/>",
                 "<target dev='sdc' bus='sata'/>\n      <boot order='2'/>", xml)
    assert "dev='sdc' bus='sata'" in xml
    (tmp_path / "sata.xml").write_text(xml)
    virsh("define", tmp_path / "sata.xml")
    probe = sh("windows/switch-to-virtio.sh", env={"STEP": "probe", "DISK": "sdc"}, timeout=60).stdout
    assert re.search(r"(?m)^\s*vdz\s+/var/lib/libvirt/images/win11-virtio-probe.qcow2", probe), probe
    switch = sh("windows/switch-to-virtio.sh", env={"STEP": "switch", "DISK": "sdc"}, timeout=60).stdout
    assert "vdz" not in switch and re.search(r"(?m)^\s*vda\s+/var/lib/libvirt/images/win11.qcow2", switch), switch
    after = virsh("dumpxml", "--inactive", VM).stdout
    disk = re.search(r"<disk type='file' device='disk'>.*?</disk>", after, re.S).group(0)
    assert "bus='virtio'" in disk and "<boot order='2'/>" in disk and "type='drive'" not in disk, disk
    check_transcript(probe + "\n" + switch, T / "switch-to-virtio.txt", [(r"-{5,}", "-----")])
    if os.path.exists(SERIAL):
        os.unlink(SERIAL)  # a fresh log for this boot
    virsh("start", VM)
    wait_for(lambda: "kvmkb: ready" in serial_text(), 180, "a boot with the disk on virtio")
    assert "kvmkb: disk vda" in serial_text()
    RESULTS["switch"] = ("switch-to-virtio.sh: STEP=probe attached a 1 GiB virtio disk (vdz) to the shut-off VM; "
                         "STEP=switch removed it and moved the SATA system disk to virtio-blk as vda, keeping its boot "
                         "order; the VM started and the guest saw the disk as vda")


def test_record(libvirt_daemons):
    order = ("validate", "native", "swtpm", "start", "plumbing", "switch")
    assert all(k in RESULTS for k in order), f"earlier steps failed: {sorted(RESULTS)}"
    swtpm = run(["dpkg-query", "-W", "-f=${Version}", "swtpm"], check=False).stdout.strip()
    ovmf = run(["dpkg-query", "-W", "-f=${Version}", "ovmf"], check=False).stdout.strip()
    record_verified("windows-guests", [RESULTS[k] for k in order], swtpm=swtpm or "unknown", ovmf=ovmf or "unknown",
                    standin=("no Windows: empty ISO files; a copy of win11.xml with domain type qemu (TCG), CPU mode "
                             "maximum, no NIC and direct boot of the Debian cloud kernel + BusyBox initramfs"))

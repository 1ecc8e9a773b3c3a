"""Runs docs/hands-on/firmware.md: the firmware libvirt can choose, SeaBIOS
by default, OVMF chosen by features with Secure Boot on and then off, the
NVRAM file, and internal snapshots refused with a raw NVRAM and taken with a
qcow2 one.

Stand-ins (the page states them): VIRT_TYPE=qemu (TCG; OVMF with SMM runs
under TCG), OSINFO=linux2022, NETWORK=none, and the guest is the Debian cloud
kernel with a BusyBox initramfs booted directly (BOOT=kernel=...), which the
firmware loads and which reports the Secure Boot state on the serial log
(with no_timer_check: under TCG on a loaded host the kernel's IO-APIC timer
check can fail and panic)."""
import os
import re

import pytest

from handson_common import check_transcript, record_verified
from handson_common import (EXAMPLES, IMAGES, claim_domain, libvirt_daemons, remove_domain,  # noqa: F401
                            remove_pools_for, run, sh, standin, swtpm_ready, virsh, wait_for)

pytestmark = pytest.mark.system
T = EXAMPLES / "firmware" / "transcripts"
VM = "fw-uefi"
BIOS_VM = "fw-bios"
NVRAM_DIR = "/var/lib/libvirt/qemu/nvram"
RESULTS = {}


def serial(vm):
    return f"/var/log/libvirt/qemu/{vm}-serial.log"


def text(vm):
    try:
        return open(serial(vm), errors="replace").read()
    except OSError:
        return ""


def boot_count(vm):
    return text(vm).count("kvmkb: ready")


@pytest.fixture(scope="module")
def env(libvirt_daemons, standin, swtpm_ready):
    if not os.path.exists("/usr/share/qemu/firmware/60-edk2-x86_64.json"):
        pytest.skip("ovmf is not installed (make test installs it)")
    for vm in (VM, BIOS_VM):
        claim_domain(vm)
    IMAGES.mkdir(parents=True, exist_ok=True)
    disks = [IMAGES / f"{VM}.qcow2", IMAGES / f"{BIOS_VM}.qcow2"]
    for d in disks:
        assert not d.exists(), f"{d} exists; the test will not overwrite it"
        run(["qemu-img", "create", "-q", "-f", "qcow2", d, "64M"])
    for vm in (VM, BIOS_VM):
        if os.path.exists(serial(vm)):
            os.unlink(serial(vm))
    e = {"VIRT_TYPE": "qemu", "OSINFO": "linux2022", "NETWORK": "none", "MEMORY": "512", "VCPUS": "1",
         "BOOT": f"kernel={standin['kernel']},initrd={standin['initrd']},kernel_args=console=ttyS0 no_timer_check"}
    try:
        yield e
    finally:
        for vm in (VM, BIOS_VM):
            virsh("destroy", vm, check=False)
            virsh("undefine", vm, "--nvram", "--snapshots-metadata", check=False)
            remove_domain(vm)
            if os.path.exists(serial(vm)):
                os.unlink(serial(vm))
        for d in disks:
            d.unlink(missing_ok=True)
        for f in (f"{VM}_VARS.fd", f"{VM}_VARS.qcow2"):
            if os.path.exists(os.path.join(NVRAM_DIR, f)):
                os.unlink(os.path.join(NVRAM_DIR, f))
        remove_pools_for(IMAGES)


def test_list(env):
    out = sh("firmware/list-firmware.sh").stdout
    for name in ("40-edk2-x86_64-secure-enrolled.json", "50-edk2-x86_64-secure.json", "60-edk2-x86_64.json"):
        assert name in out
    assert "<value>efi</value>" in out and "OVMF_CODE_4M.ms.fd" in out
    check_transcript(out, T / "list-firmware.txt")
    RESULTS["list"] = ("list-firmware.sh: three OVMF descriptors in /usr/share/qemu/firmware (Secure Boot with "
                       "Microsoft keys, Secure Boot without keys, no Secure Boot); virsh domcapabilities offers "
                       "firmware 'efi' and the three OVMF builds")


def test_seabios_default(env):
    sh("install/install-import.sh", env={**env, "VM": BIOS_VM, "DISK": str(IMAGES / f"{BIOS_VM}.qcow2")},
       timeout=180)
    wait_for(lambda: boot_count(BIOS_VM) >= 1, 120, "the guest on SeaBIOS")
    log = text(BIOS_VM)
    assert "efi: EFI v" not in log and re.search(r"DMI: .*BIOS 1\.\d+", log), log[:2000]
    xml = virsh("dumpxml", BIOS_VM).stdout
    assert "firmware=" not in xml and "<loader" not in xml and "<nvram" not in xml
    qlog = open(f"/var/log/libvirt/qemu/{BIOS_VM}.log", errors="replace").read()
    assert "pflash" not in qlog.split("char device redirected")[0]
    RESULTS["bios"] = ("without a firmware choice, virt-install made a domain with no <loader>/<nvram>: QEMU ran its "
                       "default SeaBIOS (the guest's DMI line names it) and the kernel found no EFI")
    virsh("destroy", BIOS_VM, check=False)


def test_secure_boot_on(env):
    sh("firmware/create-uefi.sh", env={**env, "SECURE_BOOT": "yes"}, timeout=180)
    wait_for(lambda: boot_count(VM) >= 1, 180, "the guest on OVMF")
    log = text(VM)
    assert "efi: EFI v" in log and "secureboot: Secure boot enabled" in log, log[:3000]
    out = sh("firmware/show-firmware.sh").stdout
    assert "OVMF_CODE_4M.ms.fd" in out and "secure='yes'" in out and f"{VM}_VARS.fd" in out
    check_transcript(out, T / "show-firmware-on.txt", [(r"(?m)^-rw\S*\s+\d+\s+\S+\s+\S+\s+\d+\s+.*?\s(\S+)$", r"FILE \1")])
    qlog = open(f"/var/log/libvirt/qemu/{VM}.log", errors="replace").read()
    assert re.search(r'"driver":"file","filename":"/usr/share/OVMF/OVMF_CODE_4M.ms.fd"', qlog)
    assert "smm=on" in qlog or '"smm":"on"' in qlog or "smm=on" in qlog.replace(" ", "")
    RESULTS["on"] = ("create-uefi.sh SECURE_BOOT=yes: libvirt chose OVMF_CODE_4M.ms.fd with the Microsoft-keys "
                     "template, copied the variables to /var/lib/libvirt/qemu/nvram/fw-uefi_VARS.fd and started QEMU "
                     "with SMM; the guest kernel printed 'secureboot: Secure boot enabled'")


def test_snapshot_refused(env):
    proc = sh("firmware/snapshot-internal.sh", check=False, timeout=60)
    assert proc.returncode != 0
    assert "internal snapshots of a VM with pflash based firmware require QCOW2 nvram format" in proc.stderr
    check_transcript(proc.stderr, T / "snapshot-refused.txt")
    RESULTS["refused"] = ("snapshot-internal.sh on the running VM with a raw NVRAM failed with 'internal snapshots "
                          "of a VM with pflash based firmware require QCOW2 nvram format'")


def test_secure_boot_off(env):
    before = boot_count(VM)
    sh("firmware/secure-boot-off.sh", timeout=120)
    wait_for(lambda: boot_count(VM) > before or (boot_count(VM) >= 1 and "Secure boot disabled" in text(VM)),
             180, "the guest after turning Secure Boot off")
    wait_for(lambda: "secureboot: Secure boot disabled" in text(VM), 60, "'Secure boot disabled' in the log")
    out = sh("firmware/show-firmware.sh").stdout
    assert "/usr/share/OVMF/OVMF_CODE_4M.fd" in out and "secure='yes'" not in out
    check_transcript(out, T / "show-firmware-off.txt", [(r"(?m)^-rw\S*\s+\d+\s+\S+\s+\S+\s+\d+\s+.*?\s(\S+)$", r"FILE \1")])
    RESULTS["off"] = ("secure-boot-off.sh: with secure-boot disabled and <loader>/<nvram> removed, libvirt chose "
                      "OVMF_CODE_4M.fd; start --reset-nvram made a new NVRAM; the kernel printed 'secureboot: Secure "
                      "boot disabled'")


def test_nvram_qcow2_snapshot(env):
    before = boot_count(VM)
    sh("firmware/nvram-qcow2.sh", timeout=120)
    nv = os.path.join(NVRAM_DIR, f"{VM}_VARS.qcow2")
    assert "file format: qcow2" in run(["qemu-img", "info", "-U", nv]).stdout
    wait_for(lambda: boot_count(VM) > before or "kvmkb: ready" in text(VM), 180, "the guest with a qcow2 NVRAM")
    xml = virsh("dumpxml", VM).stdout
    assert "format='qcow2'" in xml
    out = sh("firmware/snapshot-internal.sh", timeout=180).stdout
    for word in ("created", "reverted", "deleted"):
        assert f"Domain snapshot before-update {word}" in out, out
    check_transcript(out, T / "snapshot-internal.txt")
    RESULTS["qcow2"] = ("nvram-qcow2.sh converted the VM's NVRAM to qcow2 and set format='qcow2'; snapshot-internal.sh "
                        "then created, listed, reverted to and deleted an internal snapshot of the running VM")


def test_record(libvirt_daemons):
    order = ("list", "bios", "on", "refused", "off", "qcow2")
    assert all(k in RESULTS for k in order), f"earlier steps failed: {sorted(RESULTS)}"
    ovmf = run(["dpkg-query", "-W", "-f=${Version}", "ovmf"], check=False).stdout.strip()
    record_verified("firmware", [RESULTS[k] for k in order], ovmf=ovmf or "unknown",
                    standin=("virt-type qemu (TCG), osinfo linux2022, --network none; the Debian cloud kernel (signed "
                             "by Debian) and a BusyBox initramfs booted directly by the firmware"))

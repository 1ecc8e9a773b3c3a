"""Runs every step of docs/hands-on/lab-boot-kernel.md: the multiboot kernel
under KVM and under TCG, and a Debian kernel with a BusyBox initramfs under
TCG (this CI's /dev/kvm is kvm-pvm, which cannot run a Linux kernel)."""
import re
import subprocess
import time

import pytest

from handson_common import check_transcript, record_verified, require_cmd, require_kvm
from handson_common import EXAMPLES, hello_elf, sh, standin  # noqa: F401 (fixtures)

pytestmark = pytest.mark.system
LAB = EXAMPLES / "boot-kernel"
T = LAB / "transcripts"
RESULTS = {}
LINUX = [(r"\[\s*\d+\.\d+\]", "[ T ]"), (r"QEMU ran for \d+\.\d+ s", "QEMU ran for T s"),
         (r"kernel \S+-cloud-amd64", "kernel VERSION-cloud-amd64")]


def test_build(hello_elf):
    require_cmd("readelf")
    head = sh("boot-kernel/build.sh", env={"OUT": str(hello_elf.parent)}).stdout
    assert head.startswith("built ")
    elf = subprocess.run(["readelf", "-h", str(hello_elf)], capture_output=True, text=True).stdout
    assert "ELF32" in elf and "Intel 80386" in elf
    RESULTS["build"] = "hello.s assembled with as --32 and linked with ld -m elf_i386 into a 32-bit ELF"


def test_hello_kvm(hello_elf):
    require_cmd("qemu-system-x86_64")
    require_kvm()
    t0 = time.monotonic()
    out = sh("boot-kernel/run-hello.sh", env={"KERNEL": str(hello_elf)}, timeout=60).stdout
    took = time.monotonic() - t0
    assert "hello from 32-bit protected mode" in out
    assert "hello from 64-bit long mode" in out
    assert "CPUID 0x40000000 vendor: KVMKVMKVM" in out
    assert out.rstrip().endswith("QEMU exit status: 33")
    check_transcript(out, T / "run-hello-kvm.txt")
    RESULTS["kvm"] = ("run-hello.sh with -accel kvm and qboot: both lines printed, CPUID leaf 0x40000000 "
                      "returned KVMKVMKVM, QEMU exit status 33 (in under 60 s; under a second when the host is idle)")


def test_hello_tcg(hello_elf):
    require_cmd("qemu-system-x86_64")
    out = sh("boot-kernel/run-hello.sh", env={"KERNEL": str(hello_elf), "ACCEL": "tcg"}, timeout=60).stdout
    assert "CPUID 0x40000000 vendor: TCGTCGTCGTCG" in out
    assert out.rstrip().endswith("QEMU exit status: 33")
    check_transcript(out, T / "run-hello-tcg.txt")
    RESULTS["tcg"] = "the same kernel with ACCEL=tcg: CPUID leaf 0x40000000 returned TCGTCGTCGTCG, exit status 33"


def test_linux_tcg(standin):
    out = sh("boot-kernel/run-linux.sh", timeout=120, env={
        "ACCEL": "tcg", "KERNEL": str(standin["kernel"]), "INITRD": str(standin["initrd"])}).stdout
    assert "kvmkb: guest up, kernel" in out
    assert "kvmkb: powering off" in out and "reboot: Power down" in out
    secs = float(re.search(r"QEMU ran for (\d+\.\d+) s", out).group(1))
    assert secs < 60
    check_transcript(out, T / "run-linux-tcg.txt", LINUX)
    RESULTS["linux"] = ("run-linux.sh with ACCEL=tcg booted the Debian cloud kernel and the BusyBox initramfs "
                        "from examples/common/make-standin.sh to power-off (about 3 s on the test machine)")


def test_record():
    assert len(RESULTS) == 4, f"earlier steps failed: {sorted(RESULTS)}"
    record_verified("lab-boot-kernel", [RESULTS[k] for k in ("build", "kvm", "tcg", "linux")],
                    standin="Linux guest under TCG: Debian linux-image-cloud-amd64 kernel + busybox-static initramfs")

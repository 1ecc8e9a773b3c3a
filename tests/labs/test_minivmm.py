"""Runs every step of the minimal-VMM lab (docs/hands-on/lab-minimal-vmm.md)
on the real /dev/kvm and checks what the page says about it."""
import re
import subprocess
import sys

import pytest

from kbtest import ROOT, check_transcript, record_verified, require_kvm

pytestmark = pytest.mark.system   # needs /dev/kvm (and root for tracing); excluded by make check

LAB = ROOT / "examples" / "minivmm"
TRANSCRIPTS = LAB / "transcripts"

# Values that differ between runs or hosts: timings, PIDs, host limits.
TIMING = [(r" +\d+\.\d+ ms +\d+\.\d+ us/iteration", " T ms  T us/iteration"),
          (r"(ratio [^:]+: )\d+\.\d+", r"\1R")]
CAPS = [(r"(-> )\d+", r"\1V"), (r"kvm-\d+", "kvm-PID"), (r"\d+ counters", "N counters"),
        (r"(?m)^(  [a-z_0-9]+\s+)\d+$", r"\1V")]

RESULTS = {}


def run_step(name, *args, timeout=60):
    require_kvm()
    proc = subprocess.run([sys.executable, str(LAB / f"{name}.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{name} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def test_step1_real_mode():
    out = run_step("step1_real_mode")
    assert "guest wrote: 'Hello from real mode!\\n'" in out
    assert out.count("KVM_EXIT_IO  out port=0x3f8 size=1") == 22
    assert "\nKVM_EXIT_HLT\n" in out
    assert "cx=22" in out and "rip=0x1012" in out
    assert "exits: KVM_EXIT_IO x22, KVM_EXIT_HLT x1" in out
    check_transcript(out, TRANSCRIPTS / "step1_real_mode.txt")
    RESULTS["step1"] = ("step 1: a real-mode guest wrote 'Hello from real mode!' as 22 KVM_EXIT_IO "
                        "exits on port 0x3f8, then stopped with KVM_EXIT_HLT (CX=22, RIP=0x1012)")


def test_step2_protected_mode():
    out = run_step("step2_protected_mode")
    assert "guest wrote: 'Hello from protected mode!\\n'" in out
    assert re.search(r"cr0=0x[0-9a-f]*[13579bdf] ", out), "CR0.PE must be set"
    assert "cs.db=1" in out and "eax=0xc0ffee32 ebx=0xc0ffee32" in out
    assert "guest RAM at 0x180000, read by the VMM: 0xc0ffee32" in out
    check_transcript(out, TRANSCRIPTS / "step2_protected_mode.txt")
    RESULTS["step2"] = ("step 2: a 32-bit protected-mode guest (CR0.PE=1, CS.D=1, no paging) printed its "
                        "message and stored 0xc0ffee32 at 0x180000, which the VMM read from guest RAM")


def test_step3_long_mode():
    out = run_step("step3_long_mode")
    assert "guest wrote: 'Hello from long mode!\\n'" in out
    assert "cr0=0x80050033 cr3=0x10000 cr4=0x20 efer=0x500 cs.l=1" in out
    assert "rbx=0x1122334455667788" in out and "rcx=0x10000" in out
    assert "read by the VMM: 0x1122334455667788" in out
    check_transcript(out, TRANSCRIPTS / "step3_long_mode.txt")
    RESULTS["step3"] = ("step 3: a 64-bit long-mode guest ran on VMM-built 4-level page tables "
                        "(CR0=0x80050033, CR4.PAE, EFER=0x500); a write through the alias at "
                        "0x40180000 landed at guest-physical 0x180000")


def test_step4_mmio():
    out = run_step("step4_mmio")
    assert "KVM_EXIT_MMIO write addr=0xd0000000 len=4 data=14000000" in out
    assert "KVM_EXIT_MMIO read  addr=0xd0000008 len=4 -> VMM supplies 2a000000" in out
    assert "KVM_EXIT_MMIO read  addr=0xd000000c len=2" in out
    assert "eax=42 (A+B)  ebx=0x4b56" in out
    assert "exits: KVM_EXIT_MMIO x4, KVM_EXIT_HLT x1" in out
    check_transcript(out, TRANSCRIPTS / "step4_mmio.txt")
    RESULTS["step4"] = ("step 4: two MMIO writes and two MMIO reads (4 and 2 bytes) to an address "
                        "without a memslot became KVM_EXIT_MMIO; the value the VMM put in "
                        "kvm_run.mmio.data reached the guest's EAX (42)")


def test_step5_caps_stats():
    out = run_step("step5_caps_stats")
    assert "KVM_GET_API_VERSION    = 12" in out
    assert re.search(r"KVM_CAP_USER_MEMORY\s+\(  3\) -> 1", out)
    assert re.search(r"KVM_CAP_BINARY_STATS_FD\s+\(203\) -> 1", out)
    stats = dict(re.findall(r"(?m)^  ([a-z_0-9]+)\s+(\d+)$", out))
    assert int(stats["exits"]) >= 23, "the vCPU made at least 22 I/O exits and 1 HLT exit"
    assert int(stats["halt_exits"]) == 1
    check_transcript(out, TRANSCRIPTS / "step5_caps_stats.txt", CAPS)
    RESULTS["step5"] = ("step 5: KVM_GET_API_VERSION returned 12; KVM_CHECK_EXTENSION answered for "
                        "19 named capabilities; the KVM_GET_STATS_FD header, descriptors and data "
                        "parsed as documented (vCPU 'exits' >= 23, 'halt_exits' = 1)")


def test_step6_exit_cost():
    out = run_step("step6_exit_cost", "5000")
    per_iter = {name.strip(): float(us) for name, us in
                re.findall(r"(?m)^  (.+?)\s+\d+\.\d+ ms\s+(\d+\.\d+) us/iteration", out)}
    user = per_iter["OUT -> user space"]
    assert user > per_iter["OUT -> ioeventfd (kernel)"], out
    assert user > per_iter["IN  <- in-kernel PIT"], out
    assert "user-space exits: 5001" in out
    assert "eventfd counter: 15000" in out
    check_transcript(out, TRANSCRIPTS / "step6_exit_cost.txt", TIMING)
    RESULTS["step6"] = ("step 6: an OUT that exits to user space cost more per iteration than an OUT "
                        "completed by an ioeventfd and than an IN from the in-kernel PIT (5000 "
                        "iterations, best of 3); the eventfd counted all 15000 in-kernel OUTs")


def test_watchdog_stops_a_spinning_guest():
    """The page says a signal gets control back from a guest that never exits."""
    require_kvm()
    code = (
        "import time\n"
        "from kvm import VM, Watchdog, GuestTimeout, start_at\n"
        "vm = VM(); vm.load(0x1000, bytes.fromhex('ebfe'))   # jmp . (spin forever)\n"
        "vcpu = vm.create_vcpu(); sregs = vcpu.get_sregs()\n"
        "sregs.cs.base = sregs.cs.selector = 0; vcpu.set_sregs(sregs); start_at(vcpu, rip=0x1000)\n"
        "t0 = time.monotonic()\n"
        "try:\n"
        "    with Watchdog(1):\n"
        "        vcpu.run()\n"
        "except GuestTimeout:\n"
        "    print(f'interrupted after {time.monotonic() - t0:.1f} s')\n"
        "vm.close()\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=LAB, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert re.fullmatch(r"interrupted after 1\.\d s\n", proc.stdout), proc.stdout
    RESULTS["watchdog"] = ("watchdog: a guest spinning on 'jmp .' was stopped after 1 s: SIGALRM from "
                           "setitimer made KVM_RUN fail with EINTR")


def test_record():
    """Write data/verified/lab-minimal-vmm.json once every step has passed."""
    steps = [f"step{i}" for i in range(1, 7)] + ["watchdog"]
    missing = [s for s in steps if s not in RESULTS]
    if missing:
        pytest.skip(f"not recorded: {', '.join(missing)} did not pass in this run")
    record_verified("lab-minimal-vmm", checks=[RESULTS[s] for s in steps])

"""Runs the programs of the KVM-API debugging lab (docs/hands-on/lab-debug-kvm-api.md)
on the real /dev/kvm and checks what the page says about each."""
import subprocess
import sys

import pytest

from kbtest import ROOT, check_transcript, record_verified, require_kvm

pytestmark = pytest.mark.system   # needs /dev/kvm; excluded by make check

LAB = ROOT / "examples" / "minivmm"
TRANSCRIPTS = LAB / "transcripts"
RESULTS = {}


def run(name, timeout=60):
    require_kvm()
    proc = subprocess.run([sys.executable, str(LAB / f"{name}.py")], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{name} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def test_memslot_rules():
    out = run("debug_memslots")
    lines = dict(line.rsplit(" -> ", 1) for line in out.splitlines() if " -> " in line)
    got = {label.split(":", 1)[1].strip(): result for label, result in lines.items()}
    assert got["2 MiB at GPA 0"] == "ok"
    assert got["GPA 0x201800, not page aligned"].startswith("EINVAL")
    assert got["size 0x1800, not a multiple of 4 KiB"].startswith("EINVAL")
    assert got["host address + 0x800, not page aligned"].startswith("EINVAL")
    assert got["GPA 1 MiB, overlaps slot 0"].startswith("EEXIST")
    assert got["= KVM_CAP_NR_MEMSLOTS, past the last slot"].startswith("EINVAL")
    assert got["1 MiB at GPA 2 MiB, host address offset 4 KiB"] == "ok"
    assert got["size 0 deletes it"] == "ok"
    assert got["size 0 again (nothing to delete)"].startswith("EINVAL")
    check_transcript(out, TRANSCRIPTS / "debug_memslots.txt",
                     [(r"KVM_CAP_NR_MEMSLOTS = \d+", "KVM_CAP_NR_MEMSLOTS = N"), (r"slot \d+: = ", "slot N: = ")])
    RESULTS["memslots"] = ("memory slots: a GPA, size or host address that is not 4 KiB aligned gave EINVAL, "
                           "an overlapping slot EEXIST, a slot number >= KVM_CAP_NR_MEMSLOTS EINVAL, "
                           "deleting a missing slot EINVAL")


def test_triple_fault():
    out = run("debug_triple_fault")
    assert out.startswith("exit: KVM_EXIT_SHUTDOWN\n")
    assert "rip=0x1000 " in out and "idt: base=0x0 limit=0x0" in out
    assert "-> guest-physical 0x1000, bytes 0f 0b" in out
    assert "with a #UD gate in the IDT: handler wrote b'U', exits ['KVM_EXIT_IO', 'KVM_EXIT_HLT']" in out
    check_transcript(out, TRANSCRIPTS / "debug_triple_fault.txt")
    RESULTS["triple-fault"] = ("triple fault: UD2 with an empty IDT gave KVM_EXIT_SHUTDOWN with RIP on the UD2; "
                               "the page-table walk found it mapped; with a #UD gate the handler ran instead")


def test_exit_completion():
    out = run("debug_exit_completion")
    assert "exit: KVM_EXIT_MMIO read addr=0xd0000000 len=4" in out
    assert "after the exit, data filled in:            eax=0x11111111 rip=0x1000" in out
    assert "KVM_RUN with immediate_exit=1: EINTR at once" in out
    assert "after that KVM_RUN:                        eax=0x0000002a rip=0x1005" in out
    check_transcript(out, TRANSCRIPTS / "debug_exit_completion.txt")
    RESULTS["completion"] = ("exit completion: after KVM_EXIT_MMIO the guest's EAX and RIP were unchanged; "
                             "KVM_RUN with immediate_exit=1 returned EINTR and completed the load (EAX=0x2a, RIP+5)")


def test_hypercall():
    out = run("debug_hypercall")
    if "watchdog" in out:   # this host's KVM never completes VMCALL (kvm-pvm)
        assert "rip=0x1005 (still the VMCALL)  rax=0x12345 (unchanged)" in out
        check_transcript(out, TRANSCRIPTS / "debug_hypercall.txt")
        RESULTS["hypercall"] = ("hypercall: VMCALL with an unknown number never returned from KVM_RUN on this "
                                "host; the 2 s watchdog ended it with EINTR, RIP still on the VMCALL")
    else:                   # VT-x / AMD-V: KVM answers -KVM_ENOSYS itself
        assert "rax=0xfffffffffffffc18" in out and "KVM handled VMCALL in the kernel" in out
        RESULTS["hypercall"] = "hypercall: KVM returned -KVM_ENOSYS (-1000) in RAX and the guest reached HLT"


def test_entry_failure_decoding_and_sregs_checks():
    out = run("debug_entry_failure")
    assert "0x80000021: VT-x: VM entry failed, basic exit reason 33 (invalid guest state)" in out
    assert "0xffffffffffffffff: AMD-V: VMRUN refused the guest state in the VMCB (SVM_EXIT_ERR)" in out
    for label in ("long mode with CR4.PAE cleared", "long mode with EFER.LMA cleared",
                  "paging off but CS.L=1 (64-bit code)", "CR0.PG without CR0.PE"):
        assert f"KVM_SET_SREGS {label:45} -> EINVAL" in out, label
    assert f"KVM_SET_SREGS {'unchanged valid long mode':45} -> accepted" in out
    check_transcript(out, TRANSCRIPTS / "debug_entry_failure.txt")
    RESULTS["entry"] = ("entry failure: 0x80000021 decoded as VT-x exit reason 33 with the entry-failure bit; "
                        "KVM_SET_SREGS refused four impossible CR0/CR4/EFER/CS combinations with EINVAL")


def test_zz_record():
    steps = ["memslots", "triple-fault", "completion", "hypercall", "entry"]
    missing = [s for s in steps if s not in RESULTS]
    if missing:
        pytest.skip(f"not every program ran in this session: {missing}")
    record_verified("lab-debug-kvm-api", checks=[RESULTS[s] for s in steps])

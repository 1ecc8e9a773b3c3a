"""Runs every step of docs/hands-on/lab-threads.md: a 2-vCPU VM with named
threads, its thread list, QMP's vCPU-to-thread mapping, and the same VM with
an IOThread.  Uses -accel kvm (the guest is the boot lab's tiny kernel, which
kvm-pvm can run) and falls back to nothing: KVM is required."""
import json
import os
import re
import subprocess
import sys

import pytest

from handson_common import check_transcript, record_verified, require_cmd, require_kvm
from handson_common import EXAMPLES, hello_elf, run, sh  # noqa: F401 (fixtures)

pytestmark = pytest.mark.system
LAB = EXAMPLES / "threads"
T = LAB / "transcripts"
QMP = EXAMPLES / "common" / "qmp.py"
RESULTS = {}
# Thread IDs and PIDs change from run to run.  The RCU thread is created
# before QEMU applies debug-threads=on, so its name is not stable either.
TIDS = [(r"(?m)^\d+(\s+)", r"TID\1"), (r"PID \d+", "PID N"),
        (r"(?m)^(TID\s+)(call_rcu|qemu-system-x86)$", r"\1qemu-system-x86"),
        (r'"thread-id": \d+', '"thread-id": TID')]


@pytest.fixture
def vm(tmp_path, hello_elf):
    """Start the lab VM with the page's script; stop it afterwards."""
    require_cmd("qemu-system-x86_64", "qemu-img")
    require_kvm()
    lab = tmp_path / "lab"
    started = []

    def start(**env):
        out = sh("threads/start-vm.sh", env={"LAB": str(lab), "KERNEL": str(hello_elf), **env}).stdout
        started.append(int((lab / "qemu.pid").read_text()))
        return out

    yield lab, start
    for pid in started:
        sh("threads/stop-vm.sh", env={"LAB": str(lab)}, check=False)
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass


def qmp(lab, command, args=None):
    argv = [sys.executable, QMP, lab / "qmp.sock", command] + ([json.dumps(args)] if args else [])
    return run(argv).stdout


def threads(lab):
    return sh("threads/list-threads.sh", env={"LAB": str(lab)}).stdout


def rows(listing):
    """The "TID name" lines of list-threads.sh, without its closing "N threads" count line."""
    return [line for line in listing.splitlines()
            if re.match(r"\d+\s", line) and not re.fullmatch(r"\d+ threads", line)]


def names(listing):
    got = [line.split(None, 1)[1] for line in rows(listing)]
    count = re.search(r"(?m)^(\d+) threads$", listing)
    assert count and int(count.group(1)) == len(got), f"count line disagrees with {len(got)} listed threads"
    return got


def test_threads_basic(vm):
    lab, start = vm
    start()
    listing = run(["sh", "-c", "sleep 0.5; sh " + str(LAB / "list-threads.sh")], env={"LAB": str(lab)}).stdout
    got = names(listing)
    assert got[0] == "qemu-system-x86"
    assert got.count("CPU 0/KVM") == 1 and got.count("CPU 1/KVM") == 1
    assert "IO mon_iothread" in got
    check_transcript(listing, T / "threads-basic.txt", TIDS)

    cpus = json.loads(qmp(lab, "query-cpus-fast"))
    tids = {line.split()[0]: line.split(None, 1)[1] for line in rows(listing)}
    for cpu in cpus:
        assert tids[str(cpu["thread-id"])] == f"CPU {cpu['cpu-index']}/KVM"
    check_transcript(qmp(lab, "query-cpus-fast"), T / "query-cpus-fast.txt", TIDS)
    kvm = json.loads(qmp(lab, "query-kvm"))
    assert kvm == {"enabled": True, "present": True}
    RESULTS["basic"] = (f"-smp 2 with debug-threads=on: {len(got)} threads ({', '.join(got)}); "
                        "query-cpus-fast thread-id values equal the TIDs of 'CPU 0/KVM' and 'CPU 1/KVM'; "
                        "query-kvm returned enabled=true")


def test_threads_iothread(vm):
    lab, start = vm
    start(IOTHREAD="1")
    listing = run(["sh", "-c", "sleep 0.5; sh " + str(LAB / "list-threads.sh")], env={"LAB": str(lab)}).stdout
    got = names(listing)
    assert "IO io0" in got
    io = json.loads(qmp(lab, "query-iothreads"))
    assert [t["id"] for t in io] == ["io0"]
    tids = {line.split()[0]: line.split(None, 1)[1] for line in rows(listing)}
    assert tids[str(io[0]["thread-id"])] == "IO io0"
    # worker threads are created on demand and leave after idling, so the
    # transcript comparison ignores them; the page says so.
    nowork = [(r"(?m)^TID\s+worker\n", ""), (r"(?m)^\d+ threads$", "N threads")] + TIDS
    check_transcript(listing, T / "threads-iothread.txt", TIDS[:1] + nowork)
    RESULTS["iothread"] = ("with IOTHREAD=1: an 'IO io0' thread appeared, and query-iothreads reported its TID; "
                           "on-demand 'worker' threads are allowed to vary")


def test_which_accel(vm):
    lab, start = vm
    start()
    pid = (lab / "qemu.pid").read_text().strip()
    out = sh("host-check/which-accel.sh", pid).stdout
    assert "verdict: KVM" in out and "anon_inode:kvm-vcpu:1" in out
    RESULTS["accel"] = "which-accel.sh (check-host page) found CPU n/KVM threads and kvm-vm/kvm-vcpu file descriptors"


def test_record():
    assert len(RESULTS) == 3, f"earlier steps failed: {sorted(RESULTS)}"
    record_verified("lab-threads", [RESULTS[k] for k in ("basic", "iothread", "accel")],
                    guest="the boot lab's multiboot kernel (halted after printing), 2 vCPUs, -accel kvm")

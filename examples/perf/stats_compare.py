"""Compare two settings the honest way: same workload, several rounds,
median and spread, and KVM's own counters read from KVM_GET_STATS_FD
before and after each round.

The workload is the exit benchmark of the minimal-VMM lab: a guest loop of
N port writes.  Setting A sends them to a port nobody in the kernel claims,
so each one exits to this program; setting B registers an ioeventfd on the
port (what QEMU's ioeventfd=on does for virtio notifications), so KVM
completes each write in the kernel.
"""
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "minivmm"))
from kvm import (VM, Watchdog, ioctl, kvm_ioeventfd, setup_protected_mode, start_at,  # noqa: E402
                 KVM_EXIT_IO, KVM_GET_STATS_FD, KVM_IOEVENTFD, KVM_IOEVENTFD_FLAG_PIO)
from guests import BENCH_OUT_LOOP, EXIT_BENCH, LOAD_ADDR  # noqa: E402
from step5_caps_stats import read_stats  # noqa: E402

PORT, DONE_PORT = 0x600, 0x501
COUNTERS = ("exits", "io_exits", "insn_emulation", "halt_exits", "signal_exits")


def vcpu_counters(vcpu):
    fd = ioctl(vcpu.fd, KVM_GET_STATS_FD)
    try:
        return {k: v[0] for k, v in read_stats(fd)[1].items() if k in COUNTERS}
    finally:
        os.close(fd)


def one_round(ioeventfd, n):
    vm = VM()
    if ioeventfd:
        efd = os.eventfd(0, os.EFD_NONBLOCK)
        ioctl(vm.fd, KVM_IOEVENTFD, kvm_ioeventfd(addr=PORT, len=1, fd=efd, flags=KVM_IOEVENTFD_FLAG_PIO))
    vm.load(LOAD_ADDR, EXIT_BENCH)
    vcpu = vm.create_vcpu()
    setup_protected_mode(vm, vcpu)
    start_at(vcpu, rip=BENCH_OUT_LOOP, rcx=n, rdx=PORT)
    before, user_exits = vcpu_counters(vcpu), 0
    t0 = time.perf_counter()
    with Watchdog(seconds=30):
        while True:
            assert vcpu.run() == KVM_EXIT_IO
            user_exits += 1
            if vcpu.io()[2] == DONE_PORT:
                break
    seconds = time.perf_counter() - t0
    after = vcpu_counters(vcpu)
    vm.close()
    return seconds, user_exits, {k: after[k] - before[k] for k in after}


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    print(f"workload: {n} guest port writes; {rounds} rounds per setting, each in a fresh VM")
    for label, ioeventfd in (("A: no ioeventfd", False), ("B: ioeventfd", True)):
        results = [one_round(ioeventfd, n) for _ in range(rounds)]
        ms = sorted(r[0] * 1e3 for r in results)
        print(f"{label}")
        print(f"  time ms: median {statistics.median(ms):.1f}  min {ms[0]:.1f}  max {ms[-1]:.1f}")
        print(f"  exits to user space (counted by the VMM): {results[0][1]}")
        deltas = results[0][2]
        print("  KVM_GET_STATS_FD deltas: " + ", ".join(f"{k} {deltas[k]}" for k in COUNTERS if k in deltas))


if __name__ == "__main__":
    main()

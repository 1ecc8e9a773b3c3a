"""Halt polling on the raw KVM API: the same idle guest with KVM's per-VM
polling limit (KVM_CAP_HALT_POLL) at 0 and at 2 ms.

The guest programs the in-kernel PIT to interrupt every 1 ms and executes
HLT between interrupts, like an idle guest with a 1000 Hz tick.  With
polling, KVM spins for up to the limit before it puts the vCPU thread to
sleep; the interrupt then arrives while it spins.  We read KVM's halt
counters from KVM_GET_STATS_FD and the CPU time the vCPU thread used.
"""
import ctypes
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "minivmm"))
from kvm import (VM, Watchdog, ioctl, kvm_pit_config, start_at, _IOW, KVMIO,  # noqa: E402
                 KVM_CREATE_IRQCHIP, KVM_CREATE_PIT2, KVM_EXIT_IO, KVM_GET_STATS_FD)
from step5_caps_stats import read_stats  # noqa: E402


class kvm_enable_cap(ctypes.Structure):      # argument of KVM_ENABLE_CAP, 104 bytes
    _fields_ = [("cap", ctypes.c_uint32), ("flags", ctypes.c_uint32),
                ("args", ctypes.c_uint64 * 4), ("pad", ctypes.c_uint8 * 64)]


KVM_ENABLE_CAP = _IOW(KVMIO, 0xA3, kvm_enable_cap)
KVM_CAP_HALT_POLL = 182
LOAD_ADDR, DONE_PORT = 0x1000, 0x501

# Real mode, loaded at 0x1000: program the PIC (IRQ0 -> vector 8) and the
# PIT (mode 2, divisor 1193 = 1 ms), point vector 8 at the handler, then
# "hlt" until CX interrupts have arrived, and report with OUT to 0x501.
IDLE_GUEST = bytes.fromhex(
    "fa"                                  # cli
    "b011e620 b008e621 b004e621 b001e621"  # PIC ICW1-ICW4: vectors 8-15
    "b0fee621"                            # unmask IRQ0 only
    "b034e643 b8a904e640 88e0e640"        # PIT channel 0, mode 2, divisor 1193
    "c70620003b10 c7062200 0000"          # IVT[8] = 0000:103b (handler)
    "31db fb"                             # bx = 0; sti
    "f4 39cb 72fb"                        # 1: hlt; cmp cx,bx; jb 1b
    "ba0105 ee f4"                        # out to 0x501; hlt
    "43 50 b020e620 58 cf"                # handler: inc bx; EOI to the PIC; iret
)
COUNTERS = ("halt_exits", "halt_attempted_poll", "halt_successful_poll", "halt_poll_fail_ns",
            "halt_poll_success_ns", "halt_wait_ns")


def run_idle_guest(poll_ns, interrupts):
    vm = VM()
    ioctl(vm.fd, KVM_ENABLE_CAP, kvm_enable_cap(cap=KVM_CAP_HALT_POLL, args=(poll_ns, 0, 0, 0)))
    ioctl(vm.fd, KVM_CREATE_IRQCHIP)
    ioctl(vm.fd, KVM_CREATE_PIT2, kvm_pit_config(flags=0))
    vm.load(LOAD_ADDR, IDLE_GUEST)
    vcpu = vm.create_vcpu()
    sregs = vcpu.get_sregs()
    sregs.cs.base, sregs.cs.selector = 0, 0
    vcpu.set_sregs(sregs)
    start_at(vcpu, rip=LOAD_ADDR, rsp=0x8000, rcx=interrupts)
    cpu0, wall0 = time.thread_time(), time.monotonic()
    with Watchdog(seconds=30):
        while True:       # every exit to user space here is an OUT; the last one says "done"
            assert vcpu.run() == KVM_EXIT_IO
            if vcpu.io()[2] == DONE_PORT:
                break
    cpu, wall = time.thread_time() - cpu0, time.monotonic() - wall0
    fd = ioctl(vcpu.fd, KVM_GET_STATS_FD)
    stats = {k: v[0] for k, v in read_stats(fd)[1].items() if k in COUNTERS}
    os.close(fd)
    vm.close()
    return wall, cpu, stats


def main():
    interrupts = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    print(f"idle guest: {interrupts} timer interrupts, 1 ms apart")
    for poll_ns in (0, 2_000_000):
        wall, cpu, s = run_idle_guest(poll_ns, interrupts)
        print(f"KVM_CAP_HALT_POLL = {poll_ns} ns")
        print(f"  wall {wall * 1e3:.0f} ms, vCPU thread CPU time {cpu * 1e3:.0f} ms ({100 * cpu / wall:.0f}%)")
        print(f"  halts {s['halt_exits']}, polls attempted {s['halt_attempted_poll']}, "
              f"successful {s['halt_successful_poll']}")
        print(f"  time polling {(s['halt_poll_success_ns'] + s['halt_poll_fail_ns']) / 1e3:.0f} us, "
              f"time asleep {s['halt_wait_ns'] / 1e6:.0f} ms")


if __name__ == "__main__":
    main()

"""Step 6: what does a VM exit cost? Compare exits that reach this program
with exits that KVM handles inside the kernel."""
import os
import sys
import time

from kvm import (VM, Watchdog, ioctl, kvm_ioeventfd, kvm_pit_config, setup_protected_mode,
                 start_at, KVM_CREATE_IRQCHIP, KVM_CREATE_PIT2, KVM_EXIT_IO,
                 KVM_IOEVENTFD, KVM_IOEVENTFD_FLAG_PIO, EXIT_NAMES)
from guests import BENCH_IN_LOOP, BENCH_NOP_LOOP, BENCH_OUT_LOOP, EXIT_BENCH, LOAD_ADDR

DONE_PORT = 0x501          # the guest's "loop finished" signal
USER_PORT = 0x3F0          # nothing in the kernel claims this port: every OUT exits to us
EVENTFD_PORT = 0x600       # claimed by an ioeventfd: KVM completes the OUT itself
PIT_PORT = 0x40            # the in-kernel PIT (counter 0) answers IN from this port


# --8<-- [start:setup]
def make_vm():
    vm = VM()
    # An in-kernel interrupt controller and PIT. Port 0x40 is now emulated
    # inside KVM. (HLT no longer exits to user space either, which is why
    # the guest reports "done" with an OUT instead.)
    ioctl(vm.fd, KVM_CREATE_IRQCHIP)
    ioctl(vm.fd, KVM_CREATE_PIT2, kvm_pit_config(flags=0))
    # An ioeventfd: an OUT of any value to EVENTFD_PORT just increments the
    # eventfd's counter; the vCPU goes straight back into the guest.
    efd = os.eventfd(0, os.EFD_NONBLOCK)
    ioctl(vm.fd, KVM_IOEVENTFD, kvm_ioeventfd(addr=EVENTFD_PORT, len=1, fd=efd,
                                              flags=KVM_IOEVENTFD_FLAG_PIO))
    vm.load(LOAD_ADDR, EXIT_BENCH)
    vcpu = vm.create_vcpu()
    setup_protected_mode(vm, vcpu)
    return vm, vcpu, efd
# --8<-- [end:setup]


# --8<-- [start:measure]
def measure(vcpu, entry, port, n):
    """Run one guest loop of n iterations; return (seconds, exits to user space)."""
    start_at(vcpu, rip=entry, rcx=n, rdx=port)
    exits = 0
    t0 = time.perf_counter()
    with Watchdog(seconds=30):
        while True:
            reason = vcpu.run()
            exits += 1
            if reason != KVM_EXIT_IO:
                raise RuntimeError(f"unexpected {EXIT_NAMES.get(reason, reason)}")
            if vcpu.io()[2] == DONE_PORT:
                break
    return time.perf_counter() - t0, exits
# --8<-- [end:measure]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    rounds = 3
    vm, vcpu, efd = make_vm()
    # --8<-- [start:run]
    cases = [("loop only (nop)", BENCH_NOP_LOOP, 0),
             ("OUT -> user space", BENCH_OUT_LOOP, USER_PORT),
             ("OUT -> ioeventfd (kernel)", BENCH_OUT_LOOP, EVENTFD_PORT),
             ("IN  <- in-kernel PIT", BENCH_IN_LOOP, PIT_PORT)]
    per_iter = {}
    print(f"{n} iterations per loop, best of {rounds} rounds")
    for name, entry, port in cases:
        best, exits = min(measure(vcpu, entry, port, n) for _ in range(rounds))
        per_iter[name] = best / n
        print(f"  {name:<26} {best * 1e3:8.1f} ms  {best / n * 1e6:6.2f} us/iteration"
              f"  user-space exits: {exits}")
    print(f"eventfd counter: {int.from_bytes(os.read(efd, 8), 'little')} "
          f"(= {rounds} x {n} OUTs that never left the kernel)")
    user = per_iter["OUT -> user space"]
    for label, name in (("ioeventfd", "OUT -> ioeventfd (kernel)"),
                        ("in-kernel PIT", "IN  <- in-kernel PIT")):
        print(f"ratio user-space exit / {label}: {user / per_iter[name]:.1f}")
    # --8<-- [end:run]
    os.close(efd)
    vm.close()


if __name__ == "__main__":
    main()

"""Step 1: a 16-bit real-mode guest that says hello through port 0x3f8."""
from collections import Counter

from kvm import (VM, Watchdog, EXIT_NAMES, KVM_EXIT_HLT, KVM_EXIT_IO,
                 KVM_EXIT_IO_OUT, start_at)
from guests import LOAD_ADDR, REAL_MODE_HELLO


def main():
    # --8<-- [start:setup]
    vm = VM(mem_size=2 << 20)                 # 2 MiB of guest RAM at GPA 0
    vm.load(LOAD_ADDR, REAL_MODE_HELLO)
    vcpu = vm.create_vcpu()

    # A new vCPU is in the reset state: real mode, CS base 0xffff0000,
    # IP 0xfff0 (where firmware would start). Point CS:IP at our code instead.
    sregs = vcpu.get_sregs()
    sregs.cs.base, sregs.cs.selector = 0, 0
    vcpu.set_sregs(sregs)
    start_at(vcpu, rip=LOAD_ADDR)
    # --8<-- [end:setup]

    # --8<-- [start:loop]
    serial = bytearray()
    exits = Counter()
    with Watchdog(seconds=5):
        while True:
            reason = vcpu.run()                       # ioctl(KVM_RUN)
            exits[EXIT_NAMES.get(reason, reason)] += 1
            if reason == KVM_EXIT_IO:
                direction, size, port, count, offset = vcpu.io()
                data = vcpu.run_page[offset:offset + size * count]
                if direction == KVM_EXIT_IO_OUT and port == 0x3F8:
                    serial += data                    # our "serial port"
                    print(f"KVM_EXIT_IO  out port={port:#x} size={size} data={data!r}")
                else:
                    raise RuntimeError(f"unexpected I/O on port {port:#x}")
            elif reason == KVM_EXIT_HLT:
                print("KVM_EXIT_HLT")
                break
            else:
                raise RuntimeError(f"unexpected exit {EXIT_NAMES.get(reason, reason)}")
    # --8<-- [end:loop]

    # --8<-- [start:report]
    regs = vcpu.get_regs()
    print(f"guest wrote: {bytes(serial).decode()!r}")
    print(f"after HLT: rip={regs.rip:#x} cx={regs.rcx & 0xffff} (bytes the guest counted)")
    print("exits:", ", ".join(f"{name} x{n}" for name, n in exits.items()))
    vm.close()
    # --8<-- [end:report]


if __name__ == "__main__":
    main()

"""Step 4: memory-mapped I/O. The guest uses an "adder" device that exists
only in the VMM: guest-physical addresses without a memslot become
KVM_EXIT_MMIO exits."""
import struct

from kvm import VM, run_until_hlt, setup_protected_mode, start_at, summarise
from guests import LOAD_ADDR, MMIO_ADDER

# --8<-- [start:device]
ADDER_BASE = 0xD0000000        # no memslot covers this address


class Adder:
    """Register file: +0 A, +4 B (write), +8 A+B (read), +0xc ID (read)."""

    def __init__(self):
        self.a = self.b = 0

    def access(self, addr, data, length, is_write):
        offset = addr - ADDER_BASE
        if is_write:
            value = int.from_bytes(data, "little")
            print(f"KVM_EXIT_MMIO write addr={addr:#x} len={length} data={data.hex()} -> reg {offset:#x} = {value}")
            if offset == 0x0:
                self.a = value
            elif offset == 0x4:
                self.b = value
            return b""
        value = {0x8: self.a + self.b, 0xC: 0x4B56}.get(offset, 0xFFFFFFFF)
        reply = value.to_bytes(8, "little")
        print(f"KVM_EXIT_MMIO read  addr={addr:#x} len={length} -> VMM supplies {reply[:length].hex()}")
        return reply
# --8<-- [end:device]


def main():
    # --8<-- [start:main]
    vm = VM(mem_size=2 << 20)
    vm.load(LOAD_ADDR, MMIO_ADDER)
    vcpu = vm.create_vcpu()
    setup_protected_mode(vm, vcpu)
    start_at(vcpu, rip=LOAD_ADDR)

    adder = Adder()
    _, exits = run_until_hlt(vcpu, mmio_handler=adder.access)

    regs = vcpu.get_regs()
    print(f"after HLT: eax={regs.rax} (A+B)  ebx={regs.rbx:#x} (device ID)")
    print("exits:", summarise(exits))
    vm.close()
    # --8<-- [end:main]


if __name__ == "__main__":
    main()

"""Step 2: a 32-bit protected-mode guest (flat segments, paging off)."""
import struct

from kvm import VM, run_until_hlt, setup_protected_mode, start_at, summarise
from guests import LOAD_ADDR, PROTECTED_MODE_HELLO


def main():
    # --8<-- [start:main]
    vm = VM(mem_size=2 << 20)
    vm.load(LOAD_ADDR, PROTECTED_MODE_HELLO)
    vcpu = vm.create_vcpu()
    setup_protected_mode(vm, vcpu)            # CR0.PE=1, 4 GiB flat CS/DS, GDT at 0x500
    start_at(vcpu, rip=LOAD_ADDR)

    serial, exits = run_until_hlt(vcpu)

    regs, sregs = vcpu.get_regs(), vcpu.get_sregs()
    print(f"guest wrote: {serial.decode()!r}")
    print(f"cr0={sregs.cr0:#x} cs.selector={sregs.cs.selector:#x} cs.db={sregs.cs.db} (32-bit code)")
    print(f"after HLT: eip={regs.rip:#x} eax={regs.rax:#x} ebx={regs.rbx:#x}")
    # The VMM sees guest RAM directly: read what the guest stored at 0x180000.
    value, = struct.unpack_from("<I", vm.mem, 0x180000)
    print(f"guest RAM at 0x180000, read by the VMM: {value:#x}")
    print("exits:", summarise(exits))
    vm.close()
    # --8<-- [end:main]


if __name__ == "__main__":
    main()

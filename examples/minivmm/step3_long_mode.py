"""Step 3: a 64-bit long-mode guest with page tables that the VMM builds."""
import struct

from kvm import VM, run_until_hlt, setup_long_mode, start_at, summarise
from guests import LOAD_ADDR, LONG_MODE_HELLO


def main():
    # --8<-- [start:main]
    vm = VM(mem_size=2 << 20)
    vm.load(LOAD_ADDR, LONG_MODE_HELLO)
    vcpu = vm.create_vcpu()
    setup_long_mode(vm, vcpu)                 # page tables at 0x10000, CR0.PG, CR4.PAE, EFER.LME
    start_at(vcpu, rip=LOAD_ADDR)

    serial, exits = run_until_hlt(vcpu)

    regs, sregs = vcpu.get_regs(), vcpu.get_sregs()
    print(f"guest wrote: {serial.decode()!r}")
    print(f"cr0={sregs.cr0:#x} cr3={sregs.cr3:#x} cr4={sregs.cr4:#x} efer={sregs.efer:#x} cs.l={sregs.cs.l}")
    print(f"after HLT: rip={regs.rip:#x} rax={regs.rax:#x}")
    print(f"           rbx={regs.rbx:#x} (read back through the identity mapping)")
    print(f"           rcx={regs.rcx:#x} (the guest's CR3)")
    value, = struct.unpack_from("<Q", vm.mem, 0x180000)
    print(f"guest RAM at GPA 0x180000, read by the VMM: {value:#x}")
    print("exits:", summarise(exits))
    vm.close()
    # --8<-- [end:main]


if __name__ == "__main__":
    main()

"""A guest that triple-faults, and the register dump that finds the cause.

The guest runs in 64-bit long mode and executes UD2 (an invalid opcode).
The VMM gave it an empty IDT (limit 0), so the CPU cannot deliver #UD,
nor the #GP and #DF that follow: a triple fault. KVM reports it as
KVM_EXIT_SHUTDOWN. The VMM then dumps the state a debugger would look at,
walks the guest page tables for RIP, and finally runs the same guest with
an IDT whose #UD handler reports on the serial port.
"""
import struct

from kvm import (EXIT_NAMES, KVM_EXIT_SHUTDOWN, VM, Watchdog, run_until_hlt,
                 setup_long_mode, start_at)

CODE = 0x1000
UD2 = bytes.fromhex("0f 0b")                       # 0x1000  ud2
HANDLER = 0x1100
UD_HANDLER = bytes.fromhex(
    "66 ba f8 03"                                  # 0x1100  mov $0x3f8,%dx
    "b0 55"                                        # 0x1104  mov $'U',%al
    "ee"                                           # 0x1106  out %al,(%dx)
    "f4")                                          # 0x1107  hlt
IDT = 0x3000
VECTOR_UD = 6


# --8<-- [start:dump]
def dump(vm, vcpu):
    regs, sregs = vcpu.get_regs(), vcpu.get_sregs()
    print(f"rip={regs.rip:#x} rsp={regs.rsp:#x} rflags={regs.rflags:#x}")
    print(f"cr0={sregs.cr0:#x} cr3={sregs.cr3:#x} cr4={sregs.cr4:#x} efer={sregs.efer:#x}")
    cs = sregs.cs
    print(f"cs: sel={cs.selector:#x} type={cs.type:#x} dpl={cs.dpl} l={cs.l} db={cs.db} present={cs.present}")
    print(f"gdt: base={sregs.gdt.base:#x} limit={sregs.gdt.limit:#x}   "
          f"idt: base={sregs.idt.base:#x} limit={sregs.idt.limit:#x}   tr: sel={sregs.tr.selector:#x}")
    return regs, sregs


def walk(vm, cr3, va):
    """Translate a virtual address with the guest's 4-level page tables (read from guest RAM)."""
    table = cr3 & ~0xFFF
    for level, shift in (("PML4", 39), ("PDPT", 30), ("PD", 21), ("PT", 12)):
        index = (va >> shift) & 0x1FF
        entry = struct.unpack_from("<Q", vm.mem, table + index * 8)[0]
        print(f"  {level}[{index}] at {table + index * 8:#x} = {entry:#x}")
        if not entry & 1:
            print("  not present: a #PF here")
            return None
        if level in ("PDPT", "PD") and entry & (1 << 7):          # 1 GiB or 2 MiB page
            size = 1 << shift
            return (entry & ~(size - 1) & ((1 << 52) - 1)) | (va & (size - 1))
        table = entry & 0x000FFFFFFFFFF000
    return table | (va & 0xFFF)
# --8<-- [end:dump]


def idt_gate(handler, selector=0x08):
    """A 64-bit interrupt gate (type 0xE, present, DPL 0): 16 bytes."""
    return struct.pack("<HHBBHII", handler & 0xFFFF, selector, 0, 0x8E,
                       (handler >> 16) & 0xFFFF, handler >> 32, 0)


def guest(with_idt):
    vm = VM(mem_size=2 << 20)
    vm.load(CODE, UD2)
    vcpu = vm.create_vcpu()
    setup_long_mode(vm, vcpu)
    sregs = vcpu.get_sregs()
    if with_idt:
        vm.load(HANDLER, UD_HANDLER)
        vm.load(IDT + VECTOR_UD * 16, idt_gate(HANDLER))
        sregs.idt.base, sregs.idt.limit = IDT, 32 * 16 - 1
    else:
        sregs.idt.base, sregs.idt.limit = 0, 0                  # the bug: no IDT at all
    vcpu.set_sregs(sregs)
    start_at(vcpu, rip=CODE, rsp=0x8000)
    return vm, vcpu


def main():
    # --8<-- [start:main]
    vm, vcpu = guest(with_idt=False)
    with Watchdog(5):
        reason = vcpu.run()
    print("exit:", EXIT_NAMES.get(reason, reason))
    assert reason == KVM_EXIT_SHUTDOWN
    regs, sregs = dump(vm, vcpu)
    print(f"walk of rip {regs.rip:#x}:")
    gpa = walk(vm, sregs.cr3, regs.rip)
    print(f"  -> guest-physical {gpa:#x}, bytes {bytes(vm.mem[gpa:gpa + 2]).hex(' ')} (0f 0b = ud2)")
    print("diagnosis: RIP is mapped and holds UD2; IDT limit 0 leaves no gate: #UD -> #GP -> #DF -> triple fault")
    vm.close()

    vm, vcpu = guest(with_idt=True)
    serial, exits = run_until_hlt(vcpu)
    print(f"with a #UD gate in the IDT: handler wrote {serial!r}, exits {exits}, "
          f"rip={vcpu.get_regs().rip:#x}")
    vm.close()
    # --8<-- [end:main]


if __name__ == "__main__":
    main()

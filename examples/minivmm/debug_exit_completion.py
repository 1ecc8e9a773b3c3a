"""An exit is completed only on the next KVM_RUN.

The guest loads a 32-bit value from an address with no memslot, so KVM
returns KVM_EXIT_MMIO and the VMM supplies the value in kvm_run.mmio.data.
Right after the exit the guest's EAX and RIP are unchanged: KVM copies the
data into EAX and moves RIP past the instruction when user space calls
KVM_RUN again. With kvm_run.immediate_exit set, that KVM_RUN finishes the
pending load and returns EINTR at once, before the guest runs anything
else: the way to make the state consistent before saving or migrating it.
"""
import struct

from kvm import (EXIT_NAMES, KVM_CHECK_EXTENSION, KVM_EXIT_HLT, KVM_EXIT_MMIO, VM,
                 GuestTimeout, Watchdog, ioctl, setup_protected_mode, start_at)

KVM_CAP_IMMEDIATE_EXIT = 136
CODE = 0x1000
GUEST = bytes.fromhex(
    "a1 00 00 00 d0"       # 0x1000  mov 0xd0000000,%eax   (no memslot there: MMIO)
    "f4")                  # 0x1005  hlt


def show(vcpu, when):
    regs = vcpu.get_regs()
    print(f"{when:42} eax={regs.rax & 0xFFFFFFFF:#010x} rip={regs.rip:#x}")


def main():
    # --8<-- [start:main]
    vm = VM(mem_size=2 << 20)
    print("KVM_CAP_IMMEDIATE_EXIT:", ioctl(vm.kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IMMEDIATE_EXIT))
    vm.load(CODE, GUEST)
    vcpu = vm.create_vcpu()
    setup_protected_mode(vm, vcpu)
    start_at(vcpu, rip=CODE, rax=0x11111111)

    with Watchdog(5):
        reason = vcpu.run()
    addr, _data, length, is_write = vcpu.mmio()
    print(f"exit: {EXIT_NAMES[reason]} {'write' if is_write else 'read'} addr={addr:#x} len={length}")
    assert reason == KVM_EXIT_MMIO and not is_write
    vcpu.run_page[40:44] = struct.pack("<I", 0x2A)      # kvm_run.mmio.data: the value read
    show(vcpu, "after the exit, data filled in:")

    vcpu.run_page[1] = 1                                # kvm_run.immediate_exit
    try:
        vcpu.run()
    except GuestTimeout:                                # KVM_RUN returned -1, errno EINTR
        print("KVM_RUN with immediate_exit=1: EINTR at once")
    vcpu.run_page[1] = 0
    show(vcpu, "after that KVM_RUN:")

    with Watchdog(5):
        reason = vcpu.run()
    assert reason == KVM_EXIT_HLT
    show(vcpu, f"after the next KVM_RUN ({EXIT_NAMES[reason]}):")
    vm.close()
    # --8<-- [end:main]


if __name__ == "__main__":
    main()

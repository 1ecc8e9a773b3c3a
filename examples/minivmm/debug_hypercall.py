"""What happens to a VMCALL that no one asked for.

The guest puts an unknown hypercall number in RAX and executes VMCALL.
With VT-x or AMD-V, KVM handles the instruction itself: for a number it
does not know it writes -KVM_ENOSYS (-1000) to RAX and the guest goes on;
nothing reaches user space (only KVM_HC_MAP_GPA_RANGE can be forwarded, as
KVM_EXIT_HYPERCALL, after KVM_CAP_EXIT_HYPERCALL). On a host whose KVM never
completes the instruction, KVM_RUN does not return at all; a watchdog
signal is the only way back, and RIP still points at VMCALL.
"""
from kvm import VM, GuestTimeout, Watchdog, EXIT_NAMES, KVM_EXIT_HLT, setup_long_mode, start_at

CODE = 0x1000
GUEST = bytes.fromhex(
    "b8 45 23 01 00"       # 0x1000  mov $0x12345,%eax   (no such hypercall)
    "0f 01 c1"             # 0x1005  vmcall
    "f4")                  # 0x1008  hlt
KVM_ENOSYS = 1000


def main():
    # --8<-- [start:main]
    vm = VM(mem_size=2 << 20)
    vm.load(CODE, GUEST)
    vcpu = vm.create_vcpu()
    setup_long_mode(vm, vcpu)
    start_at(vcpu, rip=CODE, rsp=0x8000)
    try:
        with Watchdog(2):
            reason = vcpu.run()
        regs = vcpu.get_regs()
        print(f"exit: {EXIT_NAMES.get(reason, reason)}  rip={regs.rip:#x}  rax={regs.rax:#x}")
        if reason == KVM_EXIT_HLT and regs.rax == (-KVM_ENOSYS) & (2**64 - 1):
            print("KVM handled VMCALL in the kernel: RAX = -KVM_ENOSYS, the guest went on to HLT")
    except GuestTimeout:
        regs = vcpu.get_regs()
        print(f"KVM_RUN did not return within 2 s; the watchdog's SIGALRM ended it (EINTR)")
        print(f"rip={regs.rip:#x} (still the VMCALL)  rax={regs.rax:#x} (unchanged)")
    vm.close()
    # --8<-- [end:main]


if __name__ == "__main__":
    main()

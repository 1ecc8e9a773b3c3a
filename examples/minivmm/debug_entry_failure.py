"""Decoding a failed VM entry, and the invalid states KVM refuses earlier.

KVM_EXIT_FAIL_ENTRY carries fail_entry.hardware_entry_failure_reason. With
Intel VT-x it is the VM-exit reason the CPU reported, with bit 31 set for
"VM-entry failure"; with AMD-V it is the VMCB exit code SVM_EXIT_ERR (-1).
decode() turns the number into words. The second half shows that
KVM_SET_SREGS already rejects some impossible register combinations with
EINVAL (kvm_is_valid_sregs() in arch/x86/kvm/x86.c); what it accepts can
still fail the CPU's own checks at VM entry.
"""
import errno

from kvm import VM, setup_long_mode

# --8<-- [start:decode]
VMX_FAILED_VMENTRY = 1 << 31                       # arch/x86/include/uapi/asm/vmx.h
VMX_ENTRY_FAILURES = {33: "invalid guest state", 34: "MSR loading", 41: "machine-check event"}
SVM_EXIT_ERR = 2**64 - 1                           # -1: VMRUN found an invalid VMCB state


def decode(reason):
    if reason == SVM_EXIT_ERR:
        return "AMD-V: VMRUN refused the guest state in the VMCB (SVM_EXIT_ERR)"
    if reason & VMX_FAILED_VMENTRY:
        basic = reason & 0xFFFF
        what = VMX_ENTRY_FAILURES.get(basic, "see the SDM's table of exit reasons")
        return f"VT-x: VM entry failed, basic exit reason {basic} ({what})"
    return f"VT-x: VM-instruction error {reason} (VMLAUNCH/VMRESUME itself failed)"
# --8<-- [end:decode]


def try_sregs(vcpu, label, change):
    sregs = vcpu.get_sregs()
    change(sregs)
    try:
        vcpu.set_sregs(sregs)
        result = "accepted"
    except OSError as e:
        result = errno.errorcode[e.errno]
    print(f"KVM_SET_SREGS {label:45} -> {result}")


def main():
    # --8<-- [start:main]
    for reason in (0x80000021, 0x80000022, 0x80000029, 7, SVM_EXIT_ERR):
        print(f"hardware_entry_failure_reason {reason:#x}: {decode(reason)}")

    vm = VM(mem_size=2 << 20)
    vcpu = vm.create_vcpu()
    setup_long_mode(vm, vcpu)                          # a valid 64-bit state to start from
    try_sregs(vcpu, "long mode with CR4.PAE cleared", lambda s: setattr(s, "cr4", s.cr4 & ~(1 << 5)))
    try_sregs(vcpu, "long mode with EFER.LMA cleared", lambda s: setattr(s, "efer", s.efer & ~(1 << 10)))
    try_sregs(vcpu, "paging off but CS.L=1 (64-bit code)",
              lambda s: (setattr(s, "cr0", s.cr0 & ~(1 << 31)), setattr(s, "efer", 0)))
    try_sregs(vcpu, "CR0.PG without CR0.PE", lambda s: setattr(s, "cr0", (s.cr0 | 1 << 31) & ~1))
    try_sregs(vcpu, "unchanged valid long mode", lambda s: None)
    vm.close()
    # --8<-- [end:main]


if __name__ == "__main__":
    main()

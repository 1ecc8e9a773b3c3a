"""Memory-slot rules: which KVM_SET_USER_MEMORY_REGION calls KVM refuses, and with which errno.

Each case asks KVM for one memory slot on a fresh VM and prints what
ioctl() returned. The checks are in __kvm_set_memory_region() in
virt/kvm/kvm_main.c.
"""
import ctypes
import errno
import mmap
import os

from kvm import (KVM_CHECK_EXTENSION, KVM_CREATE_VM, KVM_SET_USER_MEMORY_REGION,
                 ioctl, kvm_userspace_memory_region)

KVM_CAP_NR_MEMSLOTS = 10
MiB = 1 << 20

# --8<-- [start:cases]
def try_slot(vm_fd, slot, gpa, size, hva):
    region = kvm_userspace_memory_region(slot=slot, flags=0, guest_phys_addr=gpa,
                                         memory_size=size, userspace_addr=hva)
    try:
        ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, region)
        return "ok"
    except OSError as e:
        return f"{errno.errorcode[e.errno]} ({e.strerror})"


def main():
    kvm_fd = os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC)
    vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0)
    nr_slots = ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS)
    ram = mmap.mmap(-1, 4 * MiB, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    hva = ctypes.addressof(ctypes.c_char.from_buffer(ram))   # page aligned, like any mmap

    cases = [
        ("slot 0: 2 MiB at GPA 0", 0, 0, 2 * MiB, hva),
        ("slot 1: GPA 0x201800, not page aligned", 1, 0x201800, 0x1000, hva + 2 * MiB),
        ("slot 1: size 0x1800, not a multiple of 4 KiB", 1, 2 * MiB, 0x1800, hva + 2 * MiB),
        ("slot 1: host address + 0x800, not page aligned", 1, 2 * MiB, 0x1000, hva + 2 * MiB + 0x800),
        ("slot 1: GPA 1 MiB, overlaps slot 0", 1, 1 * MiB, 2 * MiB, hva + 2 * MiB),
        (f"slot {nr_slots}: = KVM_CAP_NR_MEMSLOTS, past the last slot", nr_slots, 2 * MiB, 0x1000, hva + 2 * MiB),
        ("slot 1: 1 MiB at GPA 2 MiB, host address offset 4 KiB", 1, 2 * MiB, 1 * MiB, hva + 2 * MiB + 0x1000),
        ("slot 0: size 0 deletes it", 0, 0, 0, hva),
        ("slot 0: size 0 again (nothing to delete)", 0, 0, 0, hva),
    ]
    print(f"KVM_CAP_NR_MEMSLOTS = {nr_slots}")
    for label, slot, gpa, size, addr in cases:
        print(f"{label:55} -> {try_slot(vm_fd, slot, gpa, size, addr)}")
    # --8<-- [end:cases]
    os.close(vm_fd)
    os.close(kvm_fd)


if __name__ == "__main__":
    main()

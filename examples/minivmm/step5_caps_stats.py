"""Step 5: ask KVM what it supports, and read its binary statistics."""
import os
import struct

from kvm import (VM, ioctl, run_until_hlt, start_at, summarise,
                 KVM_CHECK_EXTENSION, KVM_GET_API_VERSION, KVM_GET_STATS_FD,
                 KVM_GET_VCPU_MMAP_SIZE)
from guests import LOAD_ADDR, REAL_MODE_HELLO

# --8<-- [start:caps]
# KVM_CAP_* numbers from include/uapi/linux/kvm.h. They never change once
# released, so a program can carry its own copy.
CAPS = {
    "KVM_CAP_IRQCHIP": 0, "KVM_CAP_HLT": 1, "KVM_CAP_USER_MEMORY": 3,
    "KVM_CAP_SET_TSS_ADDR": 4, "KVM_CAP_NR_VCPUS": 9, "KVM_CAP_NR_MEMSLOTS": 10,
    "KVM_CAP_COALESCED_MMIO": 15, "KVM_CAP_PIT2": 33, "KVM_CAP_IOEVENTFD": 36,
    "KVM_CAP_MAX_VCPUS": 66, "KVM_CAP_READONLY_MEM": 81, "KVM_CAP_X86_SMM": 117,
    "KVM_CAP_IMMEDIATE_EXIT": 136, "KVM_CAP_NESTED_STATE": 157,
    "KVM_CAP_DIRTY_LOG_RING": 192, "KVM_CAP_BINARY_STATS_FD": 203,
    "KVM_CAP_USER_MEMORY2": 231, "KVM_CAP_GUEST_MEMFD": 234, "KVM_CAP_VM_TYPES": 235,
}


def show_caps(vm):
    print(f"KVM_GET_API_VERSION    = {ioctl(vm.kvm_fd, KVM_GET_API_VERSION)}")
    print(f"KVM_GET_VCPU_MMAP_SIZE = {ioctl(vm.kvm_fd, KVM_GET_VCPU_MMAP_SIZE)}")
    for name, number in CAPS.items():
        # Asked on the VM fd: the answer can depend on the VM type.
        # 0 means "not supported"; some caps return a number (a limit).
        print(f"  {name:<24} ({number:3}) -> {ioctl(vm.fd, KVM_CHECK_EXTENSION, number)}")
# --8<-- [end:caps]


# --8<-- [start:stats]
def read_stats(fd):
    """Parse a KVM_GET_STATS_FD file: header, descriptors, then the values."""
    header = os.pread(fd, 24, 0)
    flags, name_size, num_desc, id_offset, desc_offset, data_offset = struct.unpack("<6I", header)
    stats_id = os.pread(fd, name_size, id_offset).split(b"\0")[0].decode()
    desc_size = 16 + name_size            # flags, exponent, size, offset, bucket_size, name[]
    descs = os.pread(fd, num_desc * desc_size, desc_offset)
    values = {}
    for i in range(num_desc):
        d_flags, exponent, size, offset, bucket = struct.unpack_from("<IhHII", descs, i * desc_size)
        name = descs[i * desc_size + 16:(i + 1) * desc_size].split(b"\0")[0].decode()
        data = os.pread(fd, 8 * size, data_offset + offset)   # `size` u64 values
        values[name] = struct.unpack(f"<{size}Q", data)
    return stats_id, values
# --8<-- [end:stats]


def main():
    # --8<-- [start:main]
    vm = VM()
    show_caps(vm)

    # Run step 1's guest, then read the vCPU's and the VM's statistics.
    vm.load(LOAD_ADDR, REAL_MODE_HELLO)
    vcpu = vm.create_vcpu()
    sregs = vcpu.get_sregs()
    sregs.cs.base, sregs.cs.selector = 0, 0
    vcpu.set_sregs(sregs)
    start_at(vcpu, rip=LOAD_ADDR)
    _, exits = run_until_hlt(vcpu)
    print("exits seen by the VMM:", summarise(exits))

    for what, fd_owner in (("vCPU", vcpu.fd), ("VM", vm.fd)):
        stats_fd = ioctl(fd_owner, KVM_GET_STATS_FD)
        stats_id, values = read_stats(stats_fd)
        os.close(stats_fd)
        print(f"{what} stats {stats_id!r}: {len(values)} counters")
        for name in ("exits", "io_exits", "mmio_exits", "halt_exits",
                     "insn_emulation", "pf_taken", "nx_lpage_splits", "pages_4k"):
            if name in values:
                print(f"  {name:<16} {values[name][0]}")
    vm.close()
    # --8<-- [end:main]


if __name__ == "__main__":
    main()

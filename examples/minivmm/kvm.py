"""A tiny KVM toolkit for the minimal-VMM lab, using only the Python standard library.

Everything here talks to /dev/kvm through ioctl(2). The constants and
structure layouts follow include/uapi/linux/kvm.h and
arch/x86/include/uapi/asm/kvm.h; Documentation/virt/kvm/api.rst explains
each call. Only x86-64 hosts are supported.
"""
import ctypes
import errno
import mmap
import os
import signal
import struct

# --8<-- [start:ioctl]
# ioctl request numbers pack four fields into 32 bits, as the _IO/_IOR/_IOW/
# _IOWR macros of include/uapi/asm-generic/ioctl.h do:
#   bits 0-7 command number, 8-15 type ("magic"), 16-29 argument size,
#   30-31 direction (1 = user space writes to the kernel, 2 = reads from it).
_IOC_NONE, _IOC_WRITE, _IOC_READ = 0, 1, 2


def _IOC(direction, typ, nr, size):
    return (direction << 30) | (size << 16) | (typ << 8) | nr


def _IO(typ, nr):
    return _IOC(_IOC_NONE, typ, nr, 0)


def _IOR(typ, nr, ctype):
    return _IOC(_IOC_READ, typ, nr, ctypes.sizeof(ctype))


def _IOW(typ, nr, ctype):
    return _IOC(_IOC_WRITE, typ, nr, ctypes.sizeof(ctype))


KVMIO = 0xAE  # the "magic" type byte of every KVM ioctl
# --8<-- [end:ioctl]


# --8<-- [start:structs]
class kvm_regs(ctypes.Structure):          # general-purpose registers, 144 bytes
    _fields_ = [(name, ctypes.c_uint64) for name in (
        "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
        "rip", "rflags")]


class kvm_segment(ctypes.Structure):       # a segment register with its hidden part, 24 bytes
    _fields_ = [("base", ctypes.c_uint64), ("limit", ctypes.c_uint32),
                ("selector", ctypes.c_uint16), ("type", ctypes.c_uint8),
                ("present", ctypes.c_uint8), ("dpl", ctypes.c_uint8),
                ("db", ctypes.c_uint8), ("s", ctypes.c_uint8), ("l", ctypes.c_uint8),
                ("g", ctypes.c_uint8), ("avl", ctypes.c_uint8),
                ("unusable", ctypes.c_uint8), ("padding", ctypes.c_uint8)]


class kvm_dtable(ctypes.Structure):        # GDTR / IDTR, 16 bytes
    _fields_ = [("base", ctypes.c_uint64), ("limit", ctypes.c_uint16),
                ("padding", ctypes.c_uint16 * 3)]


class kvm_sregs(ctypes.Structure):         # segment and control registers, 312 bytes
    _fields_ = [(seg, kvm_segment) for seg in ("cs", "ds", "es", "fs", "gs", "ss", "tr", "ldt")] + [
        ("gdt", kvm_dtable), ("idt", kvm_dtable),
        ("cr0", ctypes.c_uint64), ("cr2", ctypes.c_uint64), ("cr3", ctypes.c_uint64),
        ("cr4", ctypes.c_uint64), ("cr8", ctypes.c_uint64), ("efer", ctypes.c_uint64),
        ("apic_base", ctypes.c_uint64),
        ("interrupt_bitmap", ctypes.c_uint64 * 4)]   # (KVM_NR_INTERRUPTS + 63) / 64


class kvm_userspace_memory_region(ctypes.Structure):   # one memslot, 32 bytes
    _fields_ = [("slot", ctypes.c_uint32), ("flags", ctypes.c_uint32),
                ("guest_phys_addr", ctypes.c_uint64), ("memory_size", ctypes.c_uint64),
                ("userspace_addr", ctypes.c_uint64)]


class kvm_pit_config(ctypes.Structure):    # argument of KVM_CREATE_PIT2, 64 bytes
    _fields_ = [("flags", ctypes.c_uint32), ("pad", ctypes.c_uint32 * 15)]


class kvm_ioeventfd(ctypes.Structure):     # argument of KVM_IOEVENTFD, 64 bytes
    _fields_ = [("datamatch", ctypes.c_uint64), ("addr", ctypes.c_uint64),
                ("len", ctypes.c_uint32), ("fd", ctypes.c_int32),
                ("flags", ctypes.c_uint32), ("pad", ctypes.c_uint8 * 36)]


# The sizes are part of the ioctl numbers, so a wrong layout gives ENOTTY.
assert ctypes.sizeof(kvm_regs) == 144 and ctypes.sizeof(kvm_segment) == 24
assert ctypes.sizeof(kvm_dtable) == 16 and ctypes.sizeof(kvm_sregs) == 312
assert ctypes.sizeof(kvm_userspace_memory_region) == 32
assert ctypes.sizeof(kvm_pit_config) == 64 and ctypes.sizeof(kvm_ioeventfd) == 64
# --8<-- [end:structs]

# --8<-- [start:numbers]
# /dev/kvm (system) ioctls
KVM_GET_API_VERSION = _IO(KVMIO, 0x00)
KVM_CREATE_VM = _IO(KVMIO, 0x01)
KVM_CHECK_EXTENSION = _IO(KVMIO, 0x03)
KVM_GET_VCPU_MMAP_SIZE = _IO(KVMIO, 0x04)
# VM ioctls
KVM_CREATE_VCPU = _IO(KVMIO, 0x41)
KVM_SET_USER_MEMORY_REGION = _IOW(KVMIO, 0x46, kvm_userspace_memory_region)
KVM_SET_TSS_ADDR = _IO(KVMIO, 0x47)
KVM_CREATE_IRQCHIP = _IO(KVMIO, 0x60)
KVM_CREATE_PIT2 = _IOW(KVMIO, 0x77, kvm_pit_config)
KVM_IOEVENTFD = _IOW(KVMIO, 0x79, kvm_ioeventfd)
KVM_GET_STATS_FD = _IO(KVMIO, 0xCE)          # VM and vCPU ioctl
# vCPU ioctls
KVM_RUN = _IO(KVMIO, 0x80)
KVM_GET_REGS = _IOR(KVMIO, 0x81, kvm_regs)
KVM_SET_REGS = _IOW(KVMIO, 0x82, kvm_regs)
KVM_GET_SREGS = _IOR(KVMIO, 0x83, kvm_sregs)
KVM_SET_SREGS = _IOW(KVMIO, 0x84, kvm_sregs)

KVM_IOEVENTFD_FLAG_PIO = 1 << 1

# Exit reasons (kvm_run.exit_reason)
EXIT_NAMES = {0: "KVM_EXIT_UNKNOWN", 1: "KVM_EXIT_EXCEPTION", 2: "KVM_EXIT_IO",
              3: "KVM_EXIT_HYPERCALL", 4: "KVM_EXIT_DEBUG", 5: "KVM_EXIT_HLT",
              6: "KVM_EXIT_MMIO", 7: "KVM_EXIT_IRQ_WINDOW_OPEN", 8: "KVM_EXIT_SHUTDOWN",
              9: "KVM_EXIT_FAIL_ENTRY", 10: "KVM_EXIT_INTR", 17: "KVM_EXIT_INTERNAL_ERROR"}
KVM_EXIT_IO, KVM_EXIT_HLT, KVM_EXIT_MMIO = 2, 5, 6
KVM_EXIT_SHUTDOWN, KVM_EXIT_INTERNAL_ERROR = 8, 17
KVM_EXIT_IO_IN, KVM_EXIT_IO_OUT = 0, 1
# --8<-- [end:numbers]

_libc = ctypes.CDLL(None, use_errno=True)
_libc.ioctl.argtypes = (ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p)
_libc.ioctl.restype = ctypes.c_int


class GuestTimeout(Exception):
    """KVM_RUN was interrupted by the watchdog: the guest did not stop in time."""


# --8<-- [start:do-ioctl]
def ioctl(fd, request, arg=0):
    """Call ioctl(2) and return its result; raise OSError on failure.

    `arg` is an integer or a ctypes structure (passed by address). fcntl.ioctl
    would do for most calls, but it refuses integers above 2**31, which
    KVM_SET_TSS_ADDR needs, so every call goes through libc directly.
    """
    address = ctypes.addressof(arg) if isinstance(arg, ctypes.Structure) else arg
    ret = _libc.ioctl(fd, request, address)   # `arg` stays alive until the call returns
    if ret < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return ret
# --8<-- [end:do-ioctl]


# --8<-- [start:watchdog]
class Watchdog:
    """Interrupt KVM_RUN if the guest runs for longer than `seconds`.

    setitimer() sends SIGALRM to this process. The signal makes KVM_RUN
    return -1 with errno EINTR, so a guest that never exits cannot hang the
    program (or the test that runs it).
    """

    def __init__(self, seconds):
        self.seconds = seconds

    def __enter__(self):
        self.old = signal.signal(signal.SIGALRM, lambda signum, frame: None)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc):
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.old)
        return False
# --8<-- [end:watchdog]


# --8<-- [start:vm]
class VM:
    """One virtual machine: a VM fd, its guest RAM and its vCPUs."""

    def __init__(self, mem_size=2 << 20):
        self.kvm_fd = os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC)
        version = ioctl(self.kvm_fd, KVM_GET_API_VERSION)
        if version != 12:
            raise RuntimeError(f"unexpected KVM API version {version}")
        self.fd = ioctl(self.kvm_fd, KVM_CREATE_VM, 0)     # 0 = default VM type
        # Intel VMX needs three pages of guest-physical address space for a
        # real-mode helper TSS; the address must not overlap guest RAM.
        ioctl(self.fd, KVM_SET_TSS_ADDR, 0xFFFBD000)
        # Guest RAM is ordinary anonymous memory of this process ...
        self.mem = mmap.mmap(-1, mem_size, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
        self._mem_ptr = ctypes.c_char.from_buffer(self.mem)
        # ... that a memslot maps at guest-physical address 0.
        region = kvm_userspace_memory_region(
            slot=0, flags=0, guest_phys_addr=0, memory_size=mem_size,
            userspace_addr=ctypes.addressof(self._mem_ptr))
        ioctl(self.fd, KVM_SET_USER_MEMORY_REGION, region)
        self.vcpus = []

    def load(self, gpa, code):
        """Copy bytes into guest RAM at guest-physical address `gpa`."""
        self.mem[gpa:gpa + len(code)] = code

    def create_vcpu(self):
        vcpu = VCPU(self, len(self.vcpus))
        self.vcpus.append(vcpu)
        return vcpu

    def close(self):
        for vcpu in self.vcpus:
            vcpu.close()
        del self._mem_ptr                 # release the buffer export before unmapping
        self.mem.close()
        os.close(self.fd)
        os.close(self.kvm_fd)
# --8<-- [end:vm]


# --8<-- [start:vcpu]
class VCPU:
    """One vCPU: its fd and the shared kvm_run page."""

    def __init__(self, vm, index):
        self.fd = ioctl(vm.fd, KVM_CREATE_VCPU, index)
        size = ioctl(vm.kvm_fd, KVM_GET_VCPU_MMAP_SIZE)
        # struct kvm_run: KVM writes the exit information here.
        self.run_page = mmap.mmap(self.fd, size, mmap.MAP_SHARED,
                                  mmap.PROT_READ | mmap.PROT_WRITE)

    def get_regs(self):
        regs = kvm_regs()
        ioctl(self.fd, KVM_GET_REGS, regs)
        return regs

    def set_regs(self, regs):
        ioctl(self.fd, KVM_SET_REGS, regs)

    def get_sregs(self):
        sregs = kvm_sregs()
        ioctl(self.fd, KVM_GET_SREGS, sregs)
        return sregs

    def set_sregs(self, sregs):
        ioctl(self.fd, KVM_SET_SREGS, sregs)

    def run(self):
        """Enter the guest; return the exit reason when KVM hands control back."""
        try:
            ioctl(self.fd, KVM_RUN)
        except OSError as e:
            if e.errno == errno.EINTR:
                raise GuestTimeout("the watchdog interrupted KVM_RUN") from None
            raise
        return struct.unpack_from("<I", self.run_page, 8)[0]   # kvm_run.exit_reason

    # kvm_run starts with 32 bytes of header; the per-exit union follows.
    def io(self):
        """KVM_EXIT_IO: (direction, size, port, count, data_offset)."""
        return struct.unpack_from("<BBHIQ", self.run_page, 32)

    def mmio(self):
        """KVM_EXIT_MMIO: (phys_addr, data (8 bytes), len, is_write)."""
        return struct.unpack_from("<Q8sIB", self.run_page, 32)

    def internal_error(self):
        """KVM_EXIT_INTERNAL_ERROR: (suberror, ndata)."""
        return struct.unpack_from("<II", self.run_page, 32)

    def close(self):
        self.run_page.close()
        os.close(self.fd)
# --8<-- [end:vcpu]


# --8<-- [start:modes]
def flat_segment(selector, code, long_mode=False):
    """A segment that covers all 4 GiB (in long mode base and limit are ignored)."""
    return kvm_segment(base=0, limit=0xFFFFFFFF, selector=selector,
                       type=0xB if code else 0x3,    # execute/read accessed, or read/write accessed
                       present=1, dpl=0, s=1, g=1,
                       db=0 if long_mode else 1,     # 32-bit default operand size
                       l=1 if long_mode and code else 0)


def write_gdt(vm, sregs, gdt_gpa, long_mode=False):
    """Put a matching GDT in guest RAM, as real firmware would, and point GDTR at it."""
    code = 0x00AF9A000000FFFF if long_mode else 0x00CF9A000000FFFF
    data = 0x00CF92000000FFFF
    vm.load(gdt_gpa, struct.pack("<QQQ", 0, code, data))
    sregs.gdt.base, sregs.gdt.limit = gdt_gpa, 3 * 8 - 1


def setup_protected_mode(vm, vcpu, gdt_gpa=0x500):
    """32-bit flat protected mode, paging off: CR0.PE=1, CS=0x08, data=0x10."""
    sregs = vcpu.get_sregs()
    write_gdt(vm, sregs, gdt_gpa)
    sregs.cs = flat_segment(0x08, code=True)
    for name in ("ds", "es", "fs", "gs", "ss"):
        setattr(sregs, name, flat_segment(0x10, code=False))
    sregs.cr0 |= 0x1                                   # PE
    vcpu.set_sregs(sregs)


PAGE_PRESENT, PAGE_RW, PAGE_PS = 1 << 0, 1 << 1, 1 << 7


def build_page_tables(vm, pml4_gpa=0x10000):
    """4-level page tables: identity map of the first 2 MiB, plus an alias
    of the same 2 MiB at virtual address 1 GiB. One 2 MiB page does it."""
    pdpt_gpa, pd_gpa = pml4_gpa + 0x1000, pml4_gpa + 0x2000
    vm.load(pml4_gpa, struct.pack("<Q", pdpt_gpa | PAGE_PRESENT | PAGE_RW))
    vm.load(pdpt_gpa, struct.pack("<QQ", pd_gpa | PAGE_PRESENT | PAGE_RW,   # VA 0   .. 1 GiB
                                         pd_gpa | PAGE_PRESENT | PAGE_RW))  # VA 1 GiB .. 2 GiB
    vm.load(pd_gpa, struct.pack("<Q", 0 | PAGE_PRESENT | PAGE_RW | PAGE_PS))  # 2 MiB page at GPA 0
    return pml4_gpa


def setup_long_mode(vm, vcpu, gdt_gpa=0x500):
    """64-bit long mode with paging, as a 64-bit boot protocol leaves the CPU."""
    sregs = vcpu.get_sregs()
    write_gdt(vm, sregs, gdt_gpa, long_mode=True)
    sregs.cs = flat_segment(0x08, code=True, long_mode=True)
    for name in ("ds", "es", "fs", "gs", "ss"):
        setattr(sregs, name, flat_segment(0x10, code=False))
    sregs.cr3 = build_page_tables(vm)
    sregs.cr4 = 1 << 5                                  # PAE
    sregs.efer = (1 << 8) | (1 << 10)                   # LME | LMA
    sregs.cr0 = 0x80050033                              # PG | AM | WP | NE | ET | MP | PE
    vcpu.set_sregs(sregs)
# --8<-- [end:modes]


def start_at(vcpu, rip, **gprs):
    """Set RIP, RFLAGS (bit 1 is always 1) and any general-purpose registers."""
    regs = kvm_regs(rip=rip, rflags=0x2, **gprs)
    vcpu.set_regs(regs)


# --8<-- [start:run-until-hlt]
def run_until_hlt(vcpu, serial_port=0x3F8, mmio_handler=None, timeout=5):
    """Step 1's run loop as a helper: run until HLT, collect serial output.

    Returns (bytes written to the serial port, list of exit-reason names).
    `mmio_handler(addr, data, length, is_write)` handles KVM_EXIT_MMIO and
    returns the bytes for a read.
    """
    serial, exits = bytearray(), []
    with Watchdog(timeout):
        while True:
            reason = vcpu.run()
            exits.append(EXIT_NAMES.get(reason, str(reason)))
            if reason == KVM_EXIT_IO:
                direction, size, port, count, offset = vcpu.io()
                if direction == KVM_EXIT_IO_OUT and port == serial_port:
                    serial += vcpu.run_page[offset:offset + size * count]
                    continue
                raise RuntimeError(f"unexpected I/O on port {port:#x}")
            if reason == KVM_EXIT_MMIO and mmio_handler:
                addr, data, length, is_write = vcpu.mmio()
                reply = mmio_handler(addr, data[:length], length, is_write)
                if not is_write:
                    # kvm_run.mmio.data is at offset 40; KVM copies it into
                    # the guest's register on the next KVM_RUN.
                    vcpu.run_page[40:40 + length] = reply[:length]
                continue
            if reason == KVM_EXIT_HLT:
                return bytes(serial), exits
            if reason == KVM_EXIT_INTERNAL_ERROR:
                suberror, ndata = vcpu.internal_error()
                raise RuntimeError(f"KVM_EXIT_INTERNAL_ERROR suberror={suberror}")
            raise RuntimeError(f"unexpected exit {exits[-1]}")
# --8<-- [end:run-until-hlt]


def summarise(exits):
    """'KVM_EXIT_IO x27, KVM_EXIT_HLT x1' in order of first appearance."""
    counts = {}
    for name in exits:
        counts[name] = counts.get(name, 0) + 1
    return ", ".join(f"{name} x{n}" for name, n in counts.items())

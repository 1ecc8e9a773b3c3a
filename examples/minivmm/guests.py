"""Guest programs for the minimal-VMM lab, as machine code.

The bytes were assembled once with GNU as (AT&T syntax) and linked to run
at guest-physical address 0x1000 (`ld -Ttext=0x1000 --oformat=binary`).
Each line shows the bytes of one instruction, its address and the
instruction, so you can follow the guest without any toolchain.
"""

LOAD_ADDR = 0x1000      # every guest here is loaded and started at this address

# --8<-- [start:real-mode]
# 16-bit real mode: print a message one byte at a time to port 0x3f8 (COM1),
# count the bytes in CX, then HLT.
REAL_MODE_HELLO = bytes.fromhex(
    # start:
    "be 12 10                        "  # 0x1000  mov $0x1012,%si
    "ba f8 03                        "  # 0x1003  mov $0x3f8,%dx
    "31 c9                           "  # 0x1006  xor %cx,%cx
    # next:
    "ac                              "  # 0x1008  lods %ds:(%si),%al
    "84 c0                           "  # 0x1009  test %al,%al
    "74 04                           "  # 0x100b  je 1011 <done>
    "ee                              "  # 0x100d  out %al,(%dx)
    "41                              "  # 0x100e  inc %cx
    "eb f7                           "  # 0x100f  jmp 1008 <next>
    # done:
    "f4                              "  # 0x1011  hlt
) + b"Hello from real mode!\n\0"   # msg at 0x1012
# --8<-- [end:real-mode]

# --8<-- [start:protected-mode]
# 32-bit protected mode, paging off: print a message, then store a 32-bit value
# at 0x180000 (above the 1 MiB that real mode can address) and read it back.
PROTECTED_MODE_HELLO = bytes.fromhex(
    # start:
    "be 22 10 00 00                  "  # 0x1000  mov $0x1022,%esi
    "66 ba f8 03                     "  # 0x1005  mov $0x3f8,%dx
    # next:
    "ac                              "  # 0x1009  lods %ds:(%esi),%al
    "84 c0                           "  # 0x100a  test %al,%al
    "74 03                           "  # 0x100c  je 1011 <done>
    "ee                              "  # 0x100e  out %al,(%dx)
    "eb f8                           "  # 0x100f  jmp 1009 <next>
    # done:
    "b8 32 ee ff c0                  "  # 0x1011  mov $0xc0ffee32,%eax
    "a3 00 00 18 00                  "  # 0x1016  mov %eax,0x180000
    "8b 1d 00 00 18 00               "  # 0x101b  mov 0x180000,%ebx
    "f4                              "  # 0x1021  hlt
) + b"Hello from protected mode!\n\0"   # msg at 0x1022
# --8<-- [end:protected-mode]

# --8<-- [start:long-mode]
# 64-bit long mode: print a message, write a 64-bit value through the alias
# mapping at virtual 0x40180000, read it back through the identity mapping
# at virtual 0x180000, and copy CR3 (the page-table root) into RCX.
LONG_MODE_HELLO = bytes.fromhex(
    # start:
    "be 2f 10 00 00                  "  # 0x1000  mov $0x102f,%esi
    "66 ba f8 03                     "  # 0x1005  mov $0x3f8,%dx
    # next:
    "ac                              "  # 0x1009  lods %ds:(%rsi),%al
    "84 c0                           "  # 0x100a  test %al,%al
    "74 03                           "  # 0x100c  je 1011 <done>
    "ee                              "  # 0x100e  out %al,(%dx)
    "eb f8                           "  # 0x100f  jmp 1009 <next>
    # done:
    "48 b8 88 77 66 55 44 33 22 11   "  # 0x1011  movabs $0x1122334455667788,%rax
    "48 89 04 25 00 00 18 40         "  # 0x101b  mov %rax,0x40180000
    "48 8b 1c 25 00 00 18 00         "  # 0x1023  mov 0x180000,%rbx
    "0f 20 d9                        "  # 0x102b  mov %cr3,%rcx
    "f4                              "  # 0x102e  hlt
) + b"Hello from long mode!\n\0"   # msg at 0x102f
# --8<-- [end:long-mode]

# --8<-- [start:mmio]
# 32-bit protected mode: talk to an "adder" device at 0xd0000000 that has no
# RAM behind it. Each access below is a KVM_EXIT_MMIO.
#   0xd0000000 A (write)   0xd0000004 B (write)
#   0xd0000008 A+B (read)  0xd000000c device ID (16-bit read)
MMIO_ADDER = bytes.fromhex(
    # start:
    "c7 05 00 00 00 d0 14 00 00 00   "  # 0x1000  movl $0x14,0xd0000000
    "c7 05 04 00 00 d0 16 00 00 00   "  # 0x100a  movl $0x16,0xd0000004
    "a1 08 00 00 d0                  "  # 0x1014  mov 0xd0000008,%eax
    "0f b7 1d 0c 00 00 d0            "  # 0x1019  movzwl 0xd000000c,%ebx
    "f4                              "  # 0x1020  hlt
)
# --8<-- [end:mmio]

# --8<-- [start:bench]
# 32-bit protected mode: three loops that run ECX times. The VMM picks one by
# setting RIP and puts the port number in DX. Each loop ends with an OUT to
# port 0x501, which tells the VMM that the loop is done.
EXIT_BENCH = bytes.fromhex(
    # out_loop:
    "ee                              "  # 0x1000  out %al,(%dx)
    "49                              "  # 0x1001  dec %ecx
    "75 fc                           "  # 0x1002  jne 1000 <out_loop>
    "66 ba 01 05                     "  # 0x1004  mov $0x501,%dx
    "ee                              "  # 0x1008  out %al,(%dx)
    "f4                              "  # 0x1009  hlt
    # in_loop:
    "ec                              "  # 0x100a  in (%dx),%al
    "49                              "  # 0x100b  dec %ecx
    "75 fc                           "  # 0x100c  jne 100a <in_loop>
    "66 ba 01 05                     "  # 0x100e  mov $0x501,%dx
    "ee                              "  # 0x1012  out %al,(%dx)
    "f4                              "  # 0x1013  hlt
    # nop_loop:
    "90                              "  # 0x1014  nop
    "49                              "  # 0x1015  dec %ecx
    "75 fc                           "  # 0x1016  jne 1014 <nop_loop>
    "66 ba 01 05                     "  # 0x1018  mov $0x501,%dx
    "ee                              "  # 0x101c  out %al,(%dx)
    "f4                              "  # 0x101d  hlt
)
# --8<-- [end:bench]

# Entry points of the three loops in EXIT_BENCH
BENCH_OUT_LOOP, BENCH_IN_LOOP, BENCH_NOP_LOOP = 0x1000, 0x100A, 0x1014

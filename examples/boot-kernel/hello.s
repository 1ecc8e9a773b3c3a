# hello.s: a tiny multiboot (version 1) kernel for x86-64 PCs.
#
# QEMU's -kernel option loads it in 32-bit protected mode.  The kernel
# prints a line on the first serial port, switches the CPU to 64-bit long
# mode by itself, prints again, asks CPUID who the hypervisor is, and
# finally writes to I/O port 0xf4.  If QEMU has an isa-debug-exit device
# there, QEMU exits with status (0x10 << 1) | 1 = 33; if not, the kernel
# halts forever.
#
# Build: as --32 -o hello.o hello.s && ld -m elf_i386 -Ttext=0x100000 -o hello.elf hello.o

        .set MB_MAGIC, 0x1BADB002
        .set MB_FLAGS, 0
        .set COM1, 0x3f8
        .set EXIT_PORT, 0xf4

        .text
        .code32
        .align 4
mb_header:                              # must be within the first 8 KiB
        .long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

        .globl _start
_start:
        cli
        mov     $stack_top, %esp
        mov     $msg32, %esi
        call    puts32

        # Zero the three page-table pages (4 KiB each).
        mov     $pml4, %edi
        xor     %eax, %eax
        mov     $(3 * 1024), %ecx
        rep stosl
        # PML4[0] -> PDPT, PDPT[0] -> PD, PD[0..511] -> 2 MiB pages:
        # the first 1 GiB mapped one-to-one.
        movl    $(pdpt + 0x3), pml4
        movl    $(pd + 0x3), pdpt
        mov     $pd, %edi
        mov     $0x83, %eax              # present | writable | 2 MiB page
        mov     $512, %ecx
1:      mov     %eax, (%edi)
        add     $0x200000, %eax
        add     $8, %edi
        loop    1b

        mov     %cr4, %eax               # CR4.PAE
        or      $0x20, %eax
        mov     %eax, %cr4
        mov     $pml4, %eax
        mov     %eax, %cr3
        mov     $0xC0000080, %ecx        # EFER.LME
        rdmsr
        or      $0x100, %eax
        wrmsr
        mov     %cr0, %eax               # CR0.PG (and PE): long mode is active
        or      $0x80000001, %eax
        mov     %eax, %cr0
        lgdt    gdt_ptr
        ljmp    $0x08, $start64

puts32:                                  # print the NUL-terminated string at %esi
        mov     $COM1, %dx
2:      lodsb
        test    %al, %al
        jz      3f
        out     %al, %dx
        jmp     2b
3:      ret

        .code64
start64:
        mov     $0x10, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     %ax, %ss
        mov     $msg64, %esi
        call    puts64

        mov     $0x40000000, %eax        # hypervisor vendor leaf
        cpuid
        mov     $vendor, %edi            # 32-bit address, zero-extended
        mov     %ebx, (%rdi)
        mov     %ecx, 4(%rdi)
        mov     %edx, 8(%rdi)
        mov     $msgcpuid, %esi
        call    puts64
        mov     $vendor, %esi
        call    puts64
        mov     $newline, %esi
        call    puts64

        mov     $0x10, %al
        out     %al, $EXIT_PORT
halt:   cli
        hlt
        jmp     halt

puts64:
        mov     $COM1, %dx
4:      lodsb
        test    %al, %al
        jz      5f
        out     %al, %dx
        jmp     4b
5:      ret

        .data
        .align 8
gdt:    .quad   0                        # null descriptor
        .quad   0x00209A0000000000       # 0x08: 64-bit code, ring 0
        .quad   0x0000920000000000       # 0x10: data, ring 0
gdt_ptr:
        .word   gdt_ptr - gdt - 1
        .long   gdt
msg32:  .asciz  "hello from 32-bit protected mode\n"
msg64:  .asciz  "hello from 64-bit long mode\n"
msgcpuid:
        .asciz  "CPUID 0x40000000 vendor: "
newline:
        .asciz  "\n"
vendor: .fill   13, 1, 0                 # 12 characters and a NUL

        .bss
        .align 4096
pml4:   .skip   4096
pdpt:   .skip   4096
pd:     .skip   4096
        .skip   4096
stack_top:

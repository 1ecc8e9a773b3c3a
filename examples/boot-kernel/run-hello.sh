#!/bin/sh
# Boot hello.elf with the KVM accelerator and the tiny qboot firmware.
# The serial port goes to this terminal; the kernel ends QEMU itself
# through the isa-debug-exit device (exit status 33 means success).
set -u
ACCEL=${ACCEL:-kvm}                      # try ACCEL=tcg for comparison
KERNEL=${KERNEL:-hello.elf}
BIOS=${BIOS:-/usr/share/qemu/qboot.rom}

qemu-system-x86_64 \
    -accel "$ACCEL" -M pc -m 64 \
    -bios "$BIOS" \
    -kernel "$KERNEL" \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -serial stdio -display none -monitor none -nodefaults
status=$?
echo "QEMU exit status: $status"
[ "$status" -eq 33 ]

#!/bin/sh
# Boot a real Linux kernel with a BusyBox initramfs (made by
# examples/common/make-standin.sh).  The initramfs prints a few lines and
# powers the VM off, which ends QEMU.
set -eu
ACCEL=${ACCEL:-kvm}                      # ACCEL=tcg works without /dev/kvm
CPU=${CPU:-max}                          # "max": all features the accelerator offers
KERNEL=${KERNEL:-/boot/vmlinuz-$(uname -r)}
INITRD=${INITRD:-initrd.gz}

start=$(date +%s.%N)
qemu-system-x86_64 \
    -accel "$ACCEL" -cpu "$CPU" -M pc -m 256 \
    -kernel "$KERNEL" -initrd "$INITRD" \
    -append "console=ttyS0 quiet panic=-1 kvmkb.poweroff" \
    -serial stdio -display none -monitor none -nodefaults -no-reboot
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" 'BEGIN { printf "QEMU ran for %.1f s\n", b - a }'

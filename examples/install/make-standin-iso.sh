#!/bin/sh
# Build a small bootable installer-like ISO from a kernel and an initramfs:
# ISOLINUX boots it from a CD (for virt-install --cdrom), and the kernel and
# initramfs sit at fixed paths that virt-install --location can read.
# Needs the Debian packages xorriso, isolinux and syslinux-common.
#
# Usage: make-standin-iso.sh KERNEL INITRD OUT.iso   (APPEND: the kernel command line)
set -eu
kernel=${1:?usage: make-standin-iso.sh KERNEL INITRD OUT.iso}
initrd=${2:?usage: make-standin-iso.sh KERNEL INITRD OUT.iso}
out=${3:?usage: make-standin-iso.sh KERNEL INITRD OUT.iso}

tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/isolinux" "$tree/install"
cp "$kernel" "$tree/install/vmlinuz"
cp "$initrd" "$tree/install/initrd.gz"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$tree/isolinux/"
# What a real installer's boot menu does: boot the kernel with a serial console.
cat > "$tree/isolinux/isolinux.cfg" <<CFG
serial 0 115200
default install
label install
  kernel /install/vmlinuz
  append initrd=/install/initrd.gz ${APPEND:-console=ttyS0 quiet}
CFG
xorriso -as mkisofs -quiet -o "$out" -V STANDIN \
    -b isolinux/isolinux.bin -c isolinux/boot.cat \
    -no-emul-boot -boot-load-size 4 -boot-info-table "$tree"
echo "$out"

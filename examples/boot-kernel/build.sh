#!/bin/sh
# Assemble and link the multiboot kernel with GNU binutils (as, ld).
# OUT chooses the output directory (default: the current directory).
set -eu
src=$(cd "$(dirname "$0")" && pwd)/hello.s
out=${OUT:-.}
as --32 -o "$out/hello.o" "$src"
ld -m elf_i386 -Ttext=0x100000 -o "$out/hello.elf" "$out/hello.o"
echo "built $out/hello.elf"

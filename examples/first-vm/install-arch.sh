#!/bin/sh
# Arch Linux: qemu-base is QEMU without graphical front ends (it pulls in
# qemu-img); libisoburn provides xorriso for the cloud-init seed.
set -eu
sudo pacman -S --needed qemu-base libisoburn

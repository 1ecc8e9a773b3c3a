#!/bin/sh
# Arch Linux: libvirt, QEMU, virt-install, and dnsmasq for libvirt's NAT network.
set -eu
sudo pacman -S --needed libvirt qemu-base virt-install dnsmasq
sudo usermod -a -G libvirt "$USER"

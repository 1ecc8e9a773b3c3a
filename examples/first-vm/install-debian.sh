#!/bin/sh
# Debian 12 / Ubuntu 22.04 and later: QEMU for x86-64 guests, qemu-img,
# and cloud-localds (from cloud-image-utils) for the cloud-init seed.
set -eu
sudo apt-get install -y qemu-system-x86 qemu-utils cloud-image-utils

#!/bin/sh
# Download Debian 12's "genericcloud" image (cloud-init, no installer) and
# check it against the published SHA-512 sums.
set -eu
base=https://cloud.debian.org/images/cloud/bookworm/latest
image=debian-12-genericcloud-amd64.qcow2
curl -fLO "$base/$image"
curl -fLO "$base/SHA512SUMS"
sha512sum --ignore-missing -c SHA512SUMS

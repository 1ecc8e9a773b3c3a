#!/bin/sh
# Give the swtpm local CA's directory, and everything in it, to the user
# libvirt runs swtpm as (the cure for "Need read/write rights on statedir
# /var/lib/swtpm-localca").  SWTPM_USER=tss by default, libvirt's default;
# use the swtpm_user that swtpm-check.sh printed.  Run as root.
set -eu
user=${SWTPM_USER:-tss}
ca=/var/lib/swtpm-localca
mkdir -p "$ca"
chown -R "$user" "$ca"
chmod 0750 "$ca"
ls -ld "$ca" | awk '{print $1, $3, $NF}'

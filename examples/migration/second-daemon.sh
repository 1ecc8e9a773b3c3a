#!/bin/sh
# Start a private libvirt daemon with its own configuration, sockets,
# state and host UUID, so that two of them on ONE machine look like two
# hosts to each other.  For learning migration without a second machine.
# Run as an ordinary user, not root: as root, libvirtd always uses the
# system paths (/run/libvirt, /etc/libvirt) and would clash with the
# system daemon.  The VMs it starts run as that user, so use TCG
# (domain type 'qemu') unless the user may open /dev/kvm.
#
# Usage: second-daemon.sh DIR HOST-UUID
# Prints the connection URI of the new daemon.
set -eu
dir=${1:?usage: second-daemon.sh DIR HOST-UUID}
uuid=${2:?usage: second-daemon.sh DIR HOST-UUID}
[ "$(id -u)" != 0 ] || { echo "run as an unprivileged user" >&2; exit 1; }
mkdir -p "$dir/config/libvirt" "$dir/cache" "$dir/run"
chmod 700 "$dir/run"
# libvirt refuses to migrate a VM to a daemon with the same host UUID.
echo "host_uuid = \"$uuid\"" > "$dir/config/libvirt/libvirtd.conf"
XDG_CONFIG_HOME=$dir/config XDG_CACHE_HOME=$dir/cache XDG_RUNTIME_DIR=$dir/run \
    libvirtd --daemon --timeout 600          # exits after 10 idle minutes
sock=$dir/run/libvirt/libvirt-sock
i=0
while [ ! -S "$sock" ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
echo "qemu+unix:///session?socket=$sock"

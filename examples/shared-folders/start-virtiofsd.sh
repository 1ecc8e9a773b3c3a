#!/bin/sh
# Host side, as root: share DIR through a virtiofsd listening on a
# vhost-user socket.  One virtiofsd per shared folder and per VM.
#   start-virtiofsd.sh DIR SOCKET
# VIRTIOFSD: the Rust virtiofsd (package "virtiofsd": /usr/libexec/virtiofsd
# on Debian 13, Fedora, Ubuntu 24.04) or the C one that QEMU up to 7.2
# shipped (/usr/lib/qemu/virtiofsd in Debian 12's qemu-system-common).
set -eu
dir=${1:?usage: start-virtiofsd.sh DIR SOCKET}
sock=${2:?usage: start-virtiofsd.sh DIR SOCKET}
VIRTIOFSD=${VIRTIOFSD:-/usr/libexec/virtiofsd}
if "$VIRTIOFSD" --help 2>&1 | grep -q -- '--shared-dir'; then
    set -- --shared-dir "$dir" --cache auto          # the Rust virtiofsd
else
    set -- -o source="$dir" -o cache=auto            # the C virtiofsd
fi
"$VIRTIOFSD" --socket-path="$sock" "$@" > "$sock.log" 2>&1 &     # its messages go to SOCKET.log
i=0
while [ ! -S "$sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$sock" ] && echo "virtiofsd (pid $!) shares $dir on $sock"

#!/bin/sh
# Let a user open /dev/kvm through the kvm group (run as root).  The user
# must log in again before the new group applies.
set -eu
user=${1:?usage: add-to-kvm-group.sh USER}
usermod -a -G kvm "$user"
id -nG "$user"

#!/bin/sh
# Switch libvirt's daemon to debug logging at run time, without a restart
# (run as root; with modular daemons add "-c virtqemud:///system" to each
# virt-admin command).  Note the old settings it prints, to restore them.
set -eu
virt-admin daemon-log-filters              # current filters
virt-admin daemon-log-outputs              # current outputs
virt-admin daemon-log-filters "3:remote 4:event 3:util.json 3:rpc 1:*"
virt-admin daemon-log-outputs "1:file:/var/log/libvirt/libvirtd.log"
virt-admin daemon-log-filters

#!/bin/sh
# Reserve PAGES huge pages of the default size (2 MiB on x86) at run time and
# show the pool.  Run-time reservation can fall short when memory is
# fragmented: always read back what you got.  1 GiB pages are reserved the
# same way through /sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages,
# but are only reliable at boot (hugepagesz=1G hugepages=N on the kernel
# command line).  On a NUMA host use the per-node file
# /sys/devices/system/node/nodeN/hugepages/hugepages-2048kB/nr_hugepages.
set -eu
PAGES=${PAGES:-64}
echo "$PAGES" > /proc/sys/vm/nr_hugepages
grep -E '^(HugePages_(Total|Free|Rsvd)|Hugepagesize)' /proc/meminfo
ls /sys/kernel/mm/hugepages/

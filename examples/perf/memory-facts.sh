#!/bin/sh
# The memory knobs of the Performance > Memory page, as this host has them.
set -eu
echo "NUMA nodes: $(ls -d /sys/devices/system/node/node* 2>/dev/null | wc -l)"
for f in enabled defrag; do
    printf 'THP %-8s %s\n' "$f" "$(cat /sys/kernel/mm/transparent_hugepage/$f)"
done
echo "huge page sizes: $(ls /sys/kernel/mm/hugepages/ | sed 's/hugepages-//' | tr '\n' ' ')"
k=/sys/kernel/mm/ksm
if [ -r $k/run ]; then
    echo "KSM run=$(cat $k/run) (0 off, 1 merging) pages_sharing=$(cat $k/pages_sharing)"
else
    echo "KSM not built into this kernel"
fi

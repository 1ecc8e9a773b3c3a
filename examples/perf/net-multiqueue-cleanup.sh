#!/bin/sh
# Stop the VM and delete the namespace (and the tap inside it).
NS=${NS:-perf-mq}
LAB=${LAB:-/tmp/perf-mq}
[ -f "$LAB/qemu.pid" ] && kill "$(cat "$LAB/qemu.pid")" 2>/dev/null
sleep 0.5
ip netns del "$NS" 2>/dev/null
rm -rf "$LAB"
true

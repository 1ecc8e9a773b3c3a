#!/bin/sh
# Stop both QEMU processes of the migration guide (by their PID files).
DIR=${DIR:-/tmp/migration-demo}
for name in src dst; do
    [ -f "$DIR/$name.pid" ] && kill "$(cat "$DIR/$name.pid")" 2>/dev/null
    rm -f "$DIR/$name.pid"
done
exit 0

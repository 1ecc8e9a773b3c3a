#!/bin/sh
# Stop the lab VM through QMP and remove its files.
set -eu
LAB=${LAB:-/tmp/kvmkb-lab}
here=$(dirname "$0")
python3 "$here/../common/qmp.py" "$LAB/qmp.sock" quit >/dev/null || true
rm -rf "$LAB"

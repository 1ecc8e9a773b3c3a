#!/bin/sh
# Record VM exits with "perf kvm stat" while one command runs, then print the
# per-exit-reason report (default command: the lab's step 1 guest).
# Run as root from the top of the repository.
set -e
[ "$#" -gt 0 ] || set -- python3 examples/minivmm/step1_real_mode.py
data=$(mktemp /tmp/perf-kvm.XXXXXX)
trap 'rm -f "$data"' EXIT
perf kvm stat record -o "$data" -- "$@" >/dev/null 2>&1
perf kvm -i "$data" stat report --event vmexit 2>&1   # perf prints the report on stderr

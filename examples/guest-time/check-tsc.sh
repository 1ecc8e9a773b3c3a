#!/bin/sh
# On the host: is the TSC usable as a stable time base?
#   constant_tsc  the TSC rate does not change with CPU frequency
#   nonstop_tsc   the TSC keeps counting in deep C-states
# Both are what the "invtsc" (invariant TSC) CPUID bit reports.
set -eu
echo "TSC flags: $(grep -m1 -o -w -E 'constant_tsc|nonstop_tsc|tsc_known_freq' /proc/cpuinfo | tr '\n' ' ')"
cs=/sys/devices/system/clocksource/clocksource0
echo "clock source: $(cat $cs/current_clocksource) (available: $(cat $cs/available_clocksource))"

#!/bin/sh
# Inside a Linux guest, as root: which clock source, and is NTP in sync?
set -eu
cat /sys/devices/system/clocksource/clocksource0/current_clocksource   # kvm-clock under KVM
chronyc tracking | grep -E 'Reference ID|System time|Leap status'
chronyc sources

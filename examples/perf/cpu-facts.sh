#!/bin/sh
# What this host says about the CPU knobs on the Performance > CPU page:
# KVM's halt-polling parameters (host side), the cpuidle driver (guest side:
# "haltpoll" means cpuidle-haltpoll is active, so this machine is itself a
# KVM guest), and steal time measured over SECONDS seconds.
set -eu
SECONDS_=${SECONDS:-2}
echo "host side: KVM halt polling"
for p in halt_poll_ns halt_poll_ns_grow halt_poll_ns_grow_start halt_poll_ns_shrink; do
    f=/sys/module/kvm/parameters/$p
    [ -r "$f" ] && printf '  %-26s %s\n' "$p" "$(cat "$f")"
done
echo "guest side: cpuidle"
d=/sys/devices/system/cpu/cpuidle
printf '  %-26s %s\n' current_driver "$(cat $d/current_driver 2>/dev/null || echo none)"
for p in /sys/module/haltpoll/parameters/guest_halt_poll_ns /sys/module/haltpoll/parameters/guest_halt_poll_allow_shrink; do
    [ -r "$p" ] && printf '  %-26s %s\n' "$(basename "$p")" "$(cat "$p")"
done
# /proc/stat "cpu" line: user nice system idle iowait irq softirq steal ...
snap() { awk '/^cpu / {t=0; for (i=2; i<=9; i++) t+=$i; print $9, t}' /proc/stat; }
set -- $(snap); s0=$1; t0=$2
sleep "$SECONDS_"
set -- $(snap); s1=$1; t1=$2
echo "steal time over ${SECONDS_} s: $((s1 - s0)) of $((t1 - t0)) ticks" \
     "($(awk -v s=$((s1 - s0)) -v t=$((t1 - t0)) 'BEGIN {printf "%.1f", t ? 100*s/t : 0}')%)"

#!/bin/sh
# Pin a running QEMU's threads by name (QEMU needs -name ...,debug-threads=on):
# vCPU n goes to the n-th CPU of VCPU_CPUS; every other thread (main loop,
# I/O, RCU, workers: the "emulator" threads in libvirt's words) goes to
# EMULATOR_CPUS.  This is what libvirt's <vcpupin> and <emulatorpin> do.
set -eu
pid=$1
VCPU_CPUS=${VCPU_CPUS:-1}           # e.g. "2 3 4 5" for a 4-vCPU guest
EMULATOR_CPUS=${EMULATOR_CPUS:-0}   # a list such as 0-1 is fine here
for task in $(ls /proc/"$pid"/task); do
    name=$(cat /proc/"$pid"/task/"$task"/comm)
    case $name in
        "CPU "*/*)      # "CPU 3/KVM" or "CPU 3/TCG"
            n=${name#CPU }; n=${n%%/*}
            cpu=$(echo $VCPU_CPUS | cut -d' ' -f$((n + 1)))
            taskset -pc "${cpu:?not enough VCPU_CPUS for vCPU $n}" "$task" >/dev/null ;;
        *)  taskset -pc "$EMULATOR_CPUS" "$task" >/dev/null ;;
    esac
done
echo "pinned $(ls /proc/"$pid"/task | wc -l) threads of PID $pid"

#!/bin/sh
# Count KVM tracepoints while one command runs (default: the lab's step 1 guest).
# Run as root from the top of the repository. perf mounts tracefs itself
# if it is not mounted yet.
set -e
[ "$#" -gt 0 ] || set -- python3 examples/minivmm/step1_real_mode.py
perf stat -e kvm:kvm_exit -e kvm:kvm_entry -e kvm:kvm_emulate_insn \
          -e kvm:kvm_pio -e kvm:kvm_mmio -e kvm:kvm_userspace_exit \
          -- "$@" >/dev/null

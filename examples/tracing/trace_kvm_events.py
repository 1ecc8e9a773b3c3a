#!/usr/bin/env python3
"""Record the kvm:* tracepoints that one command triggers, and count them.

Usage (as root):  python3 trace_kvm_events.py [--show N] -- COMMAND [ARGS...]

It uses a private tracefs instance, so it does not disturb other tracing on
the machine, and it traces only the command and its children. Whatever it
set up (the instance, and tracefs itself if it had to mount it) is removed
again at the end, also when the command fails.
"""
import argparse
import collections
import os
import re
import subprocess
import sys


# --8<-- [start:tracefs]
def find_tracefs():
    """Return (mount point, True if we mounted it)."""
    with open("/proc/mounts") as mounts:
        for line in mounts:
            fields = line.split()
            if fields[2] == "tracefs":
                return fields[1], False
    subprocess.run(["mount", "-t", "tracefs", "nodev", "/sys/kernel/tracing"], check=True)
    return "/sys/kernel/tracing", True


def write(path, value):
    with open(path, "w") as f:
        f.write(value)
# --8<-- [end:tracefs]


EVENT_RE = re.compile(r"\s\d+\.\d+: (\w+):")
# The events this lab is about, always listed (0 if they never fired).
KEY_EVENTS = ("kvm_exit", "kvm_entry", "kvm_emulate_insn", "kvm_pio", "kvm_mmio",
              "kvm_userspace_exit")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=6, help="how many events to print")
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("command", nargs="+")
    args = parser.parse_args()

    # --8<-- [start:record]
    tracefs, mounted_here = find_tracefs()
    instance = os.path.join(tracefs, "instances", f"kvmlab-{os.getpid()}")
    os.mkdir(instance)                        # a new, empty ring buffer of our own
    try:
        write(f"{instance}/buffer_size_kb", "4096")
        write(f"{instance}/set_event_pid", str(os.getpid()))
        write(f"{instance}/options/event-fork", "1")   # follow our children too
        write(f"{instance}/events/kvm/enable", "1")    # every event in the kvm group
        try:
            result = subprocess.run(args.command, timeout=args.timeout,
                                    capture_output=True, text=True)
        finally:
            write(f"{instance}/events/kvm/enable", "0")
        with open(f"{instance}/trace") as f:
            trace = f.read()
    finally:
        os.rmdir(instance)                    # removes the buffer and its settings
        if mounted_here:
            subprocess.run(["umount", tracefs], check=True)
    # --8<-- [end:record]

    # --8<-- [start:summary]
    print(f"$ {' '.join(args.command)}   (exit status {result.returncode})")
    for line in result.stdout.splitlines()[-3:]:
        print(f"  | {line}")
    events = []                                 # (event name, text) in time order
    for line in trace.splitlines():
        m = EVENT_RE.search(line)
        if m and not line.startswith("#"):
            events.append((m.group(1), line[m.end():].strip()))
    counts = collections.Counter(name for name, _ in events)
    print("kvm events:")
    for name in KEY_EVENTS:
        print(f"  {name:<20} {counts.pop(name, 0):6}")
    print("  other:", ", ".join(f"{name} {n}" for name, n in sorted(counts.items())))
    # Show what happens around the guest's first port or MMIO access.
    first = next((i for i, (name, _) in enumerate(events) if name in ("kvm_pio", "kvm_mmio")), 0)
    window = [e for e in events[max(first - 1, 0):] if e[0] in KEY_EVENTS][:args.show]
    print("events around the first I/O access:")
    for name, text in window:
        print(f"  {name}: {text}")
    # --8<-- [end:summary]
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())

"""Runs the scripts of docs/hands-on/check-host.md on this machine.  The CI
host has a software /dev/kvm (kvm-pvm) and no VT-x/AMD-V, which the page
explains; which-accel.sh is exercised by test_lab_threads.py on a live VM."""
import os

import pytest

from handson_common import check_transcript, record_verified, require_cmd, require_root
from handson_common import EXAMPLES, run, sh

pytestmark = pytest.mark.system
T = EXAMPLES / "host-check" / "transcripts"
# Owner, group and mode of /dev/kvm depend on udev rules or on who set them.
MODE = [(r"(device \d+:\d+, )\S+ owner \S+ group \S+", r"\1MODE owner U group G")]


def test_check_host():
    require_cmd("stat", "id")
    out = sh("host-check/check-host.sh").stdout
    assert "== CPU" in out and "== /dev/kvm" in out and "== nested virtualization" in out
    if run(["test", "-c", "/dev/kvm"], check=False).returncode == 0:
        assert "device 10:232" in out
    check_transcript(out, T / "check-host.txt", MODE)
    checks = ["check-host.sh ran; it reported /dev/kvm as misc device 10:232 and listed the loaded KVM modules"]
    for script in ("enable-nested.sh", "add-to-kvm-group.sh", "which-accel.sh"):
        run(["sh", "-n", EXAMPLES / "host-check" / script])
    checks.append("enable-nested.sh and add-to-kvm-group.sh passed 'sh -n' only: they change the host "
                  "(module reload, user groups), which the CI machine must not do, and it has no kvm_intel/kvm_amd")
    checks.append("which-accel.sh ran against a live QEMU in the threads lab test and answered KVM")
    # The message the page quotes for a user without access to /dev/kvm.
    require_root()
    require_cmd("qemu-system-x86_64", "runuser")
    if os.path.exists("/dev/kvm") and not os.stat("/dev/kvm").st_mode & 0o006:
        proc = run(["runuser", "-u", "nobody", "--", "qemu-system-x86_64", "-accel", "kvm", "-M", "none",
                    "-display", "none", "-nodefaults"], check=False, timeout=30)
        assert "Could not access KVM kernel module: Permission denied" in proc.stderr, proc.stderr
        assert "-accel kvm: failed to initialize kvm: Permission denied" in proc.stderr
        checks.append("as user nobody, qemu-system-x86_64 -accel kvm printed 'Could not access KVM kernel module: "
                      "Permission denied' and 'failed to initialize kvm: Permission denied', as the page says")
    record_verified("check-host", checks)

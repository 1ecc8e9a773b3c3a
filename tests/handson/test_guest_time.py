"""Runs the scripts of docs/hands-on/guest-time.md that can run here.

check-tsc.sh runs on this host.  clock-args.sh runs against a defined (not
started) libvirt domain, once with clock-linux.xml and once with
clock-windows.xml, and the generated QEMU options are checked.  The guest
side (guest-time.sh, chrony-ptp-kvm.conf) needs a Linux guest under KVM with
chrony: the stand-in guest runs under TCG, where kvm-clock and the KVM PTP
clock do not exist, and has no chrony, so those files are only syntax-checked."""
import re

import pytest

from handson_common import check_transcript, record_verified, require_cmd
from handson_common import EXAMPLES, claim_domain, libvirt_daemons, run, sh, virsh  # noqa: F401

pytestmark = pytest.mark.system
T = EXAMPLES / "guest-time" / "transcripts"
VM = "gb-time"
RESULTS = {}
# Flags and clock sources depend on the machine.
TRANSCRIPT = {"linux": "clock-args-linux.txt", "windows": "clock-args-windows.txt"}
HOST = [(r"(TSC flags:).*", r"\1 FLAGS"), (r"(clock source:).*", r"\1 SOURCES")]


def test_check_tsc():
    out = sh("guest-time/check-tsc.sh").stdout
    assert out.startswith("TSC flags:") and "clock source:" in out
    check_transcript(out, T / "check-tsc.txt", HOST)
    RESULTS["tsc"] = "check-tsc.sh on this host: " + " / ".join(out.strip().splitlines())


@pytest.mark.parametrize("kind", ["linux", "windows"])
def test_clock_args(kind, libvirt_daemons, tmp_path):
    require_cmd("virsh", "virt-xml-validate")
    claim_domain(VM)
    clock = (EXAMPLES / "guest-time" / f"clock-{kind}.xml").read_text()
    clock = re.sub(r"<!--.*?-->\s*", "", clock, flags=re.S)
    hyperv = "<hyperv mode='custom'><relaxed state='on'/></hyperv>" if kind == "windows" else ""
    xml = tmp_path / "gb-time.xml"
    xml.write_text(f"""<domain type='kvm'>
  <name>{VM}</name><memory unit='MiB'>256</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <features><acpi/>{hyperv}</features>
  {clock}
  <devices><memballoon model='none'/></devices>
</domain>
""")
    run(["virt-xml-validate", xml, "domain"])
    try:
        virsh("define", xml)
        out = sh("guest-time/clock-args.sh", env={"VM": VM}).stdout
    finally:
        virsh("undefine", VM, check=False)
    assert "-rtc base=utc,driftfix=slew" in out or "-rtc base=localtime,driftfix=slew" in out
    assert "kvm-pit.lost_tick_policy=delay" in out and "hpet=off" in out
    want = "kvmclock=on" if kind == "linux" else "hv-time=on"
    assert want in out, out
    check_transcript(out, T / TRANSCRIPT[kind])
    RESULTS[kind] = (f"clock-{kind}.xml validated with virt-xml-validate; clock-args.sh showed libvirt's QEMU options "
                     + "; ".join(l for l in out.splitlines() if "-machine" not in l)
                     + ", and hpet=off on -machine")


def test_guest_side_syntax():
    run(["sh", "-n", EXAMPLES / "guest-time" / "guest-time.sh"])
    conf = (EXAMPLES / "guest-time" / "chrony-ptp-kvm.conf").read_text()
    lines = [l for l in conf.splitlines() if l.strip() and not l.startswith("#")]
    assert lines == ["refclock PHC /dev/ptp0 poll 2"], lines
    RESULTS["guest"] = ("guest-time.sh and chrony-ptp-kvm.conf were NOT run: they need a Linux guest under KVM with "
                        "chrony (kvm-clock and the KVM PTP clock exist only under KVM; the stand-in guest runs under "
                        "TCG and has no chrony); guest-time.sh passed 'sh -n'")


def test_record():
    order = ("tsc", "linux", "windows", "guest")
    assert all(k in RESULTS for k in order), f"earlier steps failed: {sorted(RESULTS)}"
    record_verified("guest-time", [RESULTS[k] for k in order])

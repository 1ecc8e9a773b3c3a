"""Runs the labs of the Performance section (docs/performance/) and checks
that every knob those pages name exists.

Each lab prints a real measurement from this machine; the transcripts that
the pages include are compared with a fresh run, with timings and IDs
masked (they change from run to run).  The machine has a software KVM
(kvm-pvm) without VT-x/AMD-V, so the pages label these numbers as this
machine's and never as what hardware KVM shows.  Passthrough and SR-IOV
scripts run against a sysfs fixture tree built here, because the machine
has no IOMMU and no SR-IOV NIC.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from handson_common import (EXAMPLES, ROOT, check_transcript, claim_domain, hello_elf,  # noqa: F401
                            missing, record_verified, remove_domain, require_cmd, require_kvm,
                            require_root, run, sh, validate_xml, virsh, wait_for)

LAB = EXAMPLES / "perf"
T = LAB / "transcripts"
KNOBS = yaml.safe_load((ROOT / "data" / "performance" / "knobs.yml").read_text())
DOCS = ROOT / "docs" / "performance"
RESULTS: dict[str, str] = {}
NUM = [(r"\d+(\.\d+)?", "N")]          # every number varies: keep the words and the layout


# -- knobs: no machine needed except QEMU and libvirt's validator -------------------------


def _named_knobs() -> dict[str, list[str]]:
    """`name=value` tokens in inline code on the Performance pages, by page."""
    found: dict[str, list[str]] = {}
    for page in sorted(DOCS.glob("*.md")):
        text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)     # inline code only
        for span in re.findall(r"`([^`\n]+)`", text):
            for m in re.finditer(r"(?:^|[\s,])([a-z][a-z0-9_.-]*)=", span):
                found.setdefault(m.group(1), []).append(page.name)
    return found


def test_every_named_knob_is_in_the_checked_list():
    known = {k["name"] for group in ("kernel", "not_mainline", "other") for k in KNOBS[group]}
    known |= {n for entry in KNOBS["qemu"] for n in entry["names"]}
    known |= {n for entry in KNOBS["qemu_props"] for n in entry["names"]}
    unknown = {name: sorted(set(pages)) for name, pages in _named_knobs().items() if name not in known}
    assert not unknown, ("knobs named on docs/performance/ pages but not checked in "
                         f"data/performance/knobs.yml: {unknown}. Verify each at the pinned version "
                         "and add it with its source.")


def test_out_of_tree_parameters_are_marked_as_such():
    for entry in KNOBS["not_mainline"]:
        for page in DOCS.glob("*.md"):
            text = page.read_text()
            for m in re.finditer(re.escape(entry["name"]), text):
                window = text[max(0, m.start() - 400):m.end() + 400].lower()
                assert "not in mainline" in window or "out-of-tree" in window, (
                    f"{page.name} names {entry['name']} without saying it is not in mainline Linux")


@pytest.mark.system
@pytest.mark.parametrize("entry", KNOBS["qemu"], ids=lambda e: " ".join(e["args"])[:60])
def test_qemu_accepts_option(entry, tmp_path):
    require_cmd("qemu-system-x86_64", "qemu-img")
    img = tmp_path / "d.qcow2"
    run(["qemu-img", "create", "-q", "-f", "qcow2", img, "16M"])
    args = [a.replace("@IMG@", str(img)) for a in entry["args"]]
    argv = ["qemu-system-x86_64", "-M", "pc", "-accel", "tcg", "-nodefaults", "-display", "none",
            "-S", "-qmp", "stdio", *args]
    qmp = '{"execute":"qmp_capabilities"}\n{"execute":"quit"}\n'
    proc = run(argv, check=False, input=qmp, timeout=60)
    assert proc.returncode == 0 and '"QMP"' in proc.stdout, (
        f"qemu-system-x86_64 refused {' '.join(args)}:\n{proc.stderr}")


@pytest.mark.system
@pytest.mark.parametrize("entry", KNOBS["qemu_props"], ids=lambda e: e["driver"])
def test_qemu_device_has_properties(entry):
    require_cmd("qemu-system-x86_64")
    out = run(["qemu-system-x86_64", "-device", f"{entry['driver']},help"]).stdout
    props = set(re.findall(r"^\s+([\w-]+)=", out, re.M))
    assert set(entry["names"]) <= props, f"{entry['driver']} lacks {set(entry['names']) - props}"


@pytest.mark.system
@pytest.mark.parametrize("xml", sorted(p.name for p in LAB.glob("*.xml")))
def test_libvirt_xml_validates(xml):
    require_cmd("virt-xml-validate")
    validate_xml(LAB / xml, "domain")


# -- Method: compare two settings with KVM's counters -------------------------------------


@pytest.mark.system
def test_method_stats_compare():
    require_kvm()
    out = run(["python3", LAB / "stats_compare.py", "2000", "7"], timeout=120).stdout
    a, b = out.split("B: ioeventfd")
    assert "exits to user space (counted by the VMM): 2001" in a
    assert "exits to user space (counted by the VMM): 1" in b
    med = [float(x) for x in re.findall(r"median ([\d.]+)", out)]
    assert med[0] > 5 * med[1], f"expected user-space exits to cost far more: {med}"
    check_transcript(out, T / "stats-compare.txt", NUM)
    RESULTS["method"] = ("stats_compare.py: 2000 port writes, 7 fresh VMs per setting; 2001 exits to user space "
                         "without an ioeventfd, 1 with it; the median time without was more than 5 times the "
                         "median with (timings in the transcript)")


# -- CPU ---------------------------------------------------------------------------------


@pytest.mark.system
def test_cpu_limits_and_facts():
    require_kvm()
    require_cmd("qemu-system-x86_64", "nproc")
    out = run(["python3", LAB / "vcpu_limits.py"]).stdout
    vals = dict(re.findall(r"^(\S+)\s+(\d+)$", out, re.M))
    assert int(vals["KVM_CAP_NR_VCPUS"]) <= int(vals["KVM_CAP_MAX_VCPUS"])
    check_transcript(out, T / "vcpu-limits.txt", NUM)
    facts = sh("perf/cpu-facts.sh", env={"SECONDS": "2"}).stdout
    assert "steal time over 2 s" in facts and "current_driver" in facts
    check_transcript(facts, T / "cpu-facts.txt", NUM + [(r"current_driver\s+\S+", "current_driver D")])
    over = sh("perf/smp-over.sh").stdout
    assert "exceeds the recommended cpus supported by KVM" in over, over
    check_transcript(over, T / "smp-over.txt", NUM)
    RESULTS["cpu-limits"] = (f"smp-over.sh: QEMU warned that twice the host's CPU count exceeds KVM's recommended "
                             f"vCPUs; vcpu_limits.py: KVM_CAP_NR_VCPUS {vals['KVM_CAP_NR_VCPUS']}, KVM_CAP_MAX_VCPUS "
                             f"{vals['KVM_CAP_MAX_VCPUS']}; cpu-facts.sh read the halt-polling parameters, the "
                             "cpuidle driver and 2 s of steal time")


@pytest.mark.system
def test_cpu_halt_poll():
    require_kvm()
    out = run(["python3", LAB / "halt_poll.py", "300"], timeout=120).stdout
    runs = out.split("KVM_CAP_HALT_POLL = ")[1:]
    attempted = [int(re.search(r"polls attempted (\d+)", r).group(1)) for r in runs]
    halts = [int(re.search(r"halts (\d+)", r).group(1)) for r in runs]
    ok = [int(re.search(r"successful (\d+)", r).group(1)) for r in runs]
    assert attempted[0] == 0 and attempted[1] >= halts[1] // 2, out
    check_transcript(out, T / "halt-poll.txt", NUM)
    RESULTS["cpu-haltpoll"] = ("halt_poll.py (300 timer interrupts 1 ms apart): with KVM_CAP_HALT_POLL 0 no poll was "
                               "attempted; with 2 ms a poll was attempted on at least half of the halts")


@pytest.mark.system
def test_cpu_pin_qemu_threads(tmp_path, hello_elf):
    require_cmd("qemu-system-x86_64", "taskset")
    require_kvm()
    if os.cpu_count() < 2:
        missing("pinning needs at least 2 host CPUs")
    lab = tmp_path / "lab"
    sh("threads/start-vm.sh", env={"LAB": str(lab), "KERNEL": str(hello_elf)})
    pid = (lab / "qemu.pid").read_text().strip()
    try:
        time.sleep(0.5)
        before = sh("perf/show-affinity.sh", pid).stdout
        done = sh("perf/pin-threads.sh", pid, env={"VCPU_CPUS": "1 1", "EMULATOR_CPUS": "0"}).stdout
        after = sh("perf/show-affinity.sh", pid).stdout
    finally:
        sh("threads/stop-vm.sh", env={"LAB": str(lab)}, check=False)
    rows = {line.split()[1] + (" " + line.split()[2] if line.startswith(tuple("0123456789")) and
                                "/" in line else ""): line.split()[-1]
            for line in after.splitlines()[1:]}
    vcpus = [v for k, v in rows.items() if k.startswith("CPU ")]
    others = [v for k, v in rows.items() if not k.startswith("CPU ")]
    assert vcpus == ["1", "1"] and set(others) == {"0"}, after
    ids = [(r"(?m)^\d+", "TID"), (r"PID \d+", "PID N"), (r"(?m)^(TID\s+)(call_rcu|qemu-system-x86)\b", r"\1qemu-system-x86"),
           (r"0-\d+", "ALL")]
    check_transcript(before + "$ pin-threads.sh\n" + done + after, T / "pin-threads.txt", ids)
    RESULTS["cpu-pin"] = ("pin-threads.sh on a 2-vCPU QEMU (KVM, boot-lab kernel): both 'CPU n/KVM' threads "
                          "ended with Cpus_allowed_list 1, every other thread with 0")


@pytest.mark.system
def test_cpu_libvirt_pinning(hello_elf):
    require_root()
    require_cmd("virsh", "qemu-system-x86_64")
    if virsh("version", check=False).returncode != 0:
        missing("libvirtd is not running")
    claim_domain("perf-pin")
    try:
        out = sh("perf/libvirt-pin.sh", env={"KERNEL": str(hello_elf),
                                             "LIBVIRT_DEFAULT_URI": "qemu:///system"}, timeout=120).stdout
    finally:
        sh("perf/libvirt-pin-cleanup.sh", env={"LIBVIRT_DEFAULT_URI": "qemu:///system"}, check=False)
        remove_domain("perf-pin")
    aff = out.split("show-affinity.sh")[1]
    assert re.search(r"CPU 0/TCG\s+1$", aff, re.M) and re.search(r"CPU 1/TCG\s+1$", aff, re.M), aff
    assert re.search(r"IO iothread1\s+0$", aff, re.M) and re.search(r"qemu-system-x86\s+0$", aff, re.M), aff
    ids = [(r"(?m)^\d+ ", "TID "), (r"(?m)^(TID\s+)(call_rcu|qemu-system-x86)\b", r"\1qemu-system-x86")]
    check_transcript(out, T / "libvirt-pin.txt", ids)
    RESULTS["cpu-libvirt"] = ("libvirt 'perf-pin' (TCG) with <vcpupin>/<emulatorpin>/<iothreadpin>: virsh and "
                              "/proc agree: vCPU threads on CPU 1, main loop, RCU and IOThread on CPU 0")


# -- Memory ------------------------------------------------------------------------------


@pytest.mark.system
def test_memory_hugepages(tmp_path, hello_elf):
    require_root()
    require_kvm()
    require_cmd("qemu-system-x86_64")
    if int(Path("/proc/sys/vm/nr_hugepages").read_text()) != 0:
        missing("the host already has a huge page pool; the test will not change it")
    facts = sh("perf/memory-facts.sh").stdout
    check_transcript(facts, T / "memory-facts.txt", NUM + [(r"\[\w+(\+\w+)?\]", "[X]"),
                                                           (r"run=\d", "run=N"), (r"sizes: .*", "sizes: S")])
    out = []
    try:
        out.append("$ PAGES=64 hugepages-reserve.sh\n" + sh("perf/hugepages-reserve.sh", env={"PAGES": "64"}).stdout)
        for prealloc, lab in (("on", tmp_path / "a"), ("off", tmp_path / "b")):
            t0 = time.monotonic()
            o = sh("perf/hugepages-vm.sh", env={"LAB": str(lab), "KERNEL": str(hello_elf), "PREALLOC": prealloc}).stdout
            out.append(f"$ PREALLOC={prealloc} hugepages-vm.sh   (64 MiB guest)\n" + o)
            RESULTS[f"hp-{prealloc}"] = f"{time.monotonic() - t0:.2f}"
            if prealloc == "on":
                sh("perf/hugepages-release.sh", env={"LAB": str(lab)}, check=False)
                sh("perf/hugepages-reserve.sh", env={"PAGES": "64"})
    finally:
        out.append("$ hugepages-release.sh\n" + sh("perf/hugepages-release.sh", env={"LAB": str(tmp_path / "b")},
                                                 check=False).stdout)
        Path("/proc/sys/vm/nr_hugepages").write_text("0\n")
    text = "".join(out)
    free = [int(x) for x in re.findall(r"HugePages_Free:\s+(\d+)", text)]
    rsvd = [int(x) for x in re.findall(r"HugePages_Rsvd:\s+(\d+)", text)]
    assert free[0] == 64 and free[1] == 32, f"prealloc=on should take 32 of 64 pages at start: {free}"
    assert free[2] > 32 and rsvd[2] > 0, f"prealloc=off should reserve, not take, most pages: {text}"
    check_transcript(text, T / "hugepages.txt")
    RESULTS["memory"] = (f"64 x 2 MiB pages reserved; a 64 MiB guest with prealloc=on took 32 pages at start "
                         f"(Free 64 -> 32); with prealloc=off Free was {free[2]}, Rsvd {rsvd[2]} "
                         "(reserved at mmap, faulted in on first touch)")


# -- Storage -----------------------------------------------------------------------------


@pytest.mark.system
def test_storage_prealloc(tmp_path):
    require_cmd("qemu-img", "numfmt")
    out = sh("perf/prealloc.sh", env={"DIR": str(tmp_path / "p"), "RUNS": "3"}, timeout=300).stdout
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()[1:]}
    assert set(rows) == {"off", "metadata", "falloc", "full"}
    assert rows["off"][2].endswith("K") and rows["metadata"][2].endswith("K"), out
    assert rows["falloc"][2].endswith("M") and rows["full"][2].endswith("M"), out
    check_transcript(out, T / "prealloc.txt", NUM + [(r"\bN[KMG]?\b", "N")])
    RESULTS["prealloc"] = ("prealloc.sh (256 MiB qcow2, median of 3): off and metadata used less than 1 MiB on disk, "
                           "falloc and full the whole image; timings in the transcript")


@pytest.mark.system
def test_storage_cache_modes(tmp_path):
    require_cmd("qemu-img")
    out = sh("perf/cache-modes.sh", env={"DIR": str(tmp_path / "c"), "RUNS": "3"}, timeout=300).stdout
    rows = {line.split()[0]: [int(x) for x in line.split()[1:]] for line in out.splitlines()[1:]}
    assert set(rows) == {"none", "writeback", "writethrough", "directsync", "unsafe"}
    assert rows["writethrough"][0] > rows["writeback"][0], out
    check_transcript(out, T / "cache-modes.txt", NUM)
    RESULTS["cache"] = ("cache-modes.sh (2048 x 4 KiB writes, median of 3) ran all five cache modes; "
                        "writethrough was slower than writeback; timings in the transcript")


# -- Network -----------------------------------------------------------------------------


@pytest.mark.system
def test_network_multiqueue(tmp_path, hello_elf):
    require_root()
    require_kvm()
    require_cmd("ip", "qemu-system-x86_64")
    if run(["ip", "netns", "list"]).stdout.split().count("perf-mq"):
        missing("a network namespace 'perf-mq' already exists; the test will not touch it")
    env = {"LAB": str(tmp_path / "mq"), "KERNEL": str(hello_elf), "QUEUES": "2"}
    try:
        out = sh("perf/net-multiqueue.sh", env=env).stdout
    finally:
        sh("perf/net-multiqueue-cleanup.sh", env=env, check=False)
    assert "tap queue file descriptors held by QEMU: 2" in out, out
    vhost = Path("/dev/vhost-net").exists()
    check_transcript(out, T / "net-multiqueue.txt")
    RESULTS["network"] = ("net-multiqueue.sh in namespace perf-mq: QEMU held 2 tap queue descriptors for "
                          "queues=2; vhost=off because " + ("/dev/vhost-net exists but the test keeps the default"
                                                            if vhost else "this kernel has no /dev/vhost-net"))


# -- Passthrough: sysfs fixture ----------------------------------------------------------


def build_sysfs(root: Path) -> Path:
    """A sysfs tree with three IOMMU groups: a GPU and its audio function
    (vfio-pci + snd_hda_intel: not viable), a NIC behind a PCIe port with
    SR-IOV (viable), and a USB controller with no driver (viable)."""
    devices = {
        # BDF: (group, class, vendor, device, driver)
        "0000:00:01.0": (1, "0x060400", "0x8086", "0x1901", "pcieport"),
        "0000:01:00.0": (1, "0x030000", "0x10de", "0x1b80", "vfio-pci"),
        "0000:01:00.1": (1, "0x040300", "0x10de", "0x10f0", "snd_hda_intel"),
        "0000:02:00.0": (2, "0x020000", "0x8086", "0x1521", "igb"),
        "0000:02:10.0": (3, "0x020000", "0x8086", "0x1520", None),
        "0000:03:00.0": (4, "0x0c0330", "0x1912", "0x0014", None),
    }
    pci = root / "bus" / "pci"
    for bdf, (group, cls, vendor, device, driver) in devices.items():
        d = pci / "devices" / bdf
        d.mkdir(parents=True)
        for name, value in (("class", cls), ("vendor", vendor), ("device", device), ("driver_override", "(null)")):
            (d / name).write_text(value + "\n")
        g = root / "kernel" / "iommu_groups" / str(group) / "devices"
        g.mkdir(parents=True, exist_ok=True)
        (g / bdf).symlink_to(d)
        d.joinpath("iommu_group").symlink_to(g.parent)
        if driver:
            drv = pci / "drivers" / driver
            drv.mkdir(parents=True, exist_ok=True)
            (drv / "unbind").touch()
            d.joinpath("driver").symlink_to(drv)
    pf = pci / "devices" / "0000:02:00.0"
    (pf / "sriov_totalvfs").write_text("7\n")
    (pf / "sriov_numvfs").write_text("1\n")
    (pf / "virtfn0").symlink_to(pci / "devices" / "0000:02:10.0")
    (pci / "drivers_probe").touch()
    return root


def test_passthrough_scripts_on_fixture(tmp_path):
    require_cmd("sh")
    sysfs = build_sysfs(tmp_path / "sys")
    fix = [(re.escape(str(sysfs)), "/sys")]
    groups = sh("perf/iommu-groups.sh", sysfs).stdout
    assert "group 1 (viable for VFIO: no)" in groups and "group 2 (viable for VFIO: no)" in groups
    assert "group 3 (viable for VFIO: yes)" in groups and "group 4 (viable for VFIO: yes)" in groups
    check_transcript(groups, T / "iommu-groups-fixture.txt", fix)
    vfs = sh("perf/sriov-vfs.sh", sysfs).stdout
    assert "0000:02:00.0 totalvfs=7 numvfs=1" in vfs and "virtfn0 -> 0000:02:10.0" in vfs
    check_transcript(vfs, T / "sriov-fixture.txt", fix)
    bind = sh("perf/vfio-bind.sh", "0000:01:00.0", sysfs).stdout
    gpu_audio = sysfs / "bus" / "pci" / "devices" / "0000:01:00.1"
    assert (gpu_audio / "driver_override").read_text().strip() == "vfio-pci"
    assert (sysfs / "bus" / "pci" / "drivers" / "snd_hda_intel" / "unbind").read_text().strip() == "0000:01:00.1"
    assert "PCIe port, left on pcieport" in bind
    check_transcript(bind, T / "vfio-bind-fixture.txt", fix)
    real = sh("perf/iommu-groups.sh").stdout      # this machine, for the record
    RESULTS["passthrough"] = ("iommu-groups.sh, sriov-vfs.sh, vfio-bind.sh on a fixture sysfs (GPU+audio group "
                              "not viable until vfio-bind.sh set driver_override on both; NIC PF supporting 7 VFs, 1 enabled); "
                              "on this machine: " + real.strip().splitlines()[0])


PAGES = {"perf-method": ["method"], "perf-cpu": ["cpu-limits", "cpu-haltpoll", "cpu-pin", "cpu-libvirt"],
         "perf-memory": ["memory"], "perf-storage": ["prealloc", "cache"], "perf-network": ["network"],
         "perf-passthrough": ["passthrough"]}


def test_record():
    want = [k for keys in PAGES.values() for k in keys]
    missing_ = [k for k in want if k not in RESULTS]
    assert not missing_, f"earlier steps failed or were skipped: {missing_}"
    for page, keys in PAGES.items():
        record_verified(page, [RESULTS[k] for k in keys],
                        note="numbers from this 2-CPU machine with a software KVM (kvm-pvm) and TCG guests: "
                             "they show the method and the direction, not what hardware KVM would measure")

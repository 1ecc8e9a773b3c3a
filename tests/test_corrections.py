"""Guards for corrections made after an expert review (issue 11).

Each guard looks for a claim that was found wrong or inconsistent, in every
page under docs/ and every data file under data/, so that a later edit cannot
bring it back. The checks are plain functions; the last tests feed each one
the old, wrong text to prove that it fails on it.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kbtest import ROOT

DOCS = ROOT / "docs"
DATA = ROOT / "data"


def sources() -> dict[str, str]:
    """Every page and data file a reader can see, by path relative to the repository."""
    files = [p for p in DOCS.rglob("*.md") if "_templates" not in p.parts]
    files += [p for p in DATA.rglob("*.yml") if "source-files" not in p.parts]
    return {p.relative_to(ROOT).as_posix(): p.read_text() for p in sorted(files)}


# Phrases that were wrong (or meaningless to a reader), with the fix to apply.
FORBIDDEN = [
    (r"seed article|\bthe seed(?:'s)? (?:says|copy|gets)|seeded this site|article this site started from",
     "name and link the article: [the classic article](architecture/classic-article.md)"),
    (r"research notes|fact-check notes|kvm-lab-feasibility|\brow \d+[a-z]\b",
     "internal notes mean nothing to a reader; cite a public source or say what was tested"),
    (r"Both callbacks end in `kvm_set_phys_mem",
     "region_add/region_del only queue updates; kvm_region_commit() calls kvm_set_phys_mem()"),
    (r"`kvm_io_listener`, turns `memory_region_add_eventfd",
     "kvm_io_listener covers port I/O only; MMIO ioeventfds go through kvm_mem_ioeventfd_add()"),
    (r"\(or an IOThread\)",
     "virtio-net has no IOThread support; only virtio-blk and virtio-scsi do"),
    (r"rare, a bug \|",
     "entry failures mostly come from configuration (nested, real mode without unrestricted guest)"),
    (r"`-machine accel=kvm` an even older form",
     "-enable-kvm (2008) is older than -machine accel=kvm"),
    (r"otherwise allocates a temporary MSI route",
     "QEMU always uses KVM_SIGNAL_MSI; the temporary-route fallback was removed"),
    (r"`kernel-irqchip=on` \(the default\)",
     "on is the default for pc and q35 only; microvm defaults to split"),
    (r"shows about four threads",
     "count the threads the answer names (main loop, CPU 0/KVM, call_rcu, IO mon_iothread)"),
    (r"A wrapper that starts `qemu-system-x86_64`",
     "Debian's kvm is a symbolic link to qemu-system-x86_64 today"),
    (r"talk to each other over that NIC, in any mode",
     "in VEPA mode a hairpin-capable switch reflects the traffic"),
    (r"libvirt issues no KVM ioctls",
     "libvirt opens /dev/kvm for KVM_CHECK_EXTENSION probes; it never runs guests through it"),
    (r"emulating their kernel-mode code; this site",
     "PVM is a paravirtual design whose guests need a PVM-enabled kernel"),
    (r"None of them is a benchmark\.",
     "some providers did cite performance; say where the speed came from"),
]


def forbidden_phrases(files: dict[str, str]) -> list[str]:
    found = []
    for path, text in files.items():
        for pattern, fix in FORBIDDEN:
            for m in re.finditer(pattern, text):
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"{path}:{line}: '{m.group(0)}': {fix}")
    return found


def sentences(text: str) -> list[str]:
    flat = re.sub(r"\s+", " ", text)
    return re.split(r"(?<=[.;])\s+(?=[A-Z`(])", flat)


def nested_default_claims(files: dict[str, str]) -> list[str]:
    """'nested ... default since 4.20' is true for kvm_intel only; kvm_amd defaulted to on in 2009."""
    bad = []
    for path, text in files.items():
        for s in sentences(text):
            if "4.20" in s and "nested" in s.lower() and "default" in s.lower():
                if "2009" not in s and not re.search(r"for Intel|holds for Intel|kvm_intel` since|kvm_intel since", s):
                    bad.append(f"{path}: '{s[:160]}': say that kvm_amd has defaulted to nested=1 since 2009")
    return bad


def dev_kvm_mode_claims(files: dict[str, str]) -> list[str]:
    """A generalisation about /dev/kvm's mode must not present 0660 as the upstream default."""
    bad = []
    for path, text in files.items():
        for s in sentences(text):
            if "0660" in s and "kvm" in s and re.search(r"\b(most|typically|usually|normally)\b", s) \
                    and "0666" not in s:
                bad.append(f"{path}: '{s[:160]}': upstream systemd uses 0666; Debian 0660 plus a uaccess ACL")
    return bad


def three_modes_verdicts(run_loop: str, myths: str) -> list[str]:
    """run-loop.md and myths.md must give the same verdict on the article's three modes."""
    bad = []
    for name, text in (("run-loop.md", run_loop), ("myths.md", myths)):
        if not re.search(r"the idea is right, the (article's )?mapping is muddled", text, re.I):
            bad.append(f"docs/architecture/{name}: state the shared verdict 'the idea is right, the mapping is muddled'")
    return bad


def thread_count_mismatches(summary: str, transcript: str) -> list[str]:
    """The threads lab's recorded summary must count exactly the threads its transcript lists."""
    bad = []
    m = re.search(r"(\d+) threads \(([^)]*)\)", summary)
    if not m:
        return ["data/verified/lab-threads.json: no 'N threads (names)' in the summary"]
    count, names = int(m.group(1)), [n.strip() for n in m.group(2).split(",")]
    if count != len(names) or "threads" in names:
        bad.append(f"summary says {count} threads but names {len(names)}: {names}")
    rows = [ln for ln in transcript.splitlines() if re.match(r"\d+\s", ln) and not re.fullmatch(r"\d+ threads", ln)]
    total = re.search(r"(?m)^(\d+) threads$", transcript)
    if not total or int(total.group(1)) != len(rows):
        bad.append(f"transcript lists {len(rows)} threads but its count line says {total and total.group(1)}")
    if count != len(rows):
        bad.append(f"summary says {count} threads, transcript lists {len(rows)}")
    return bad


# -- the guards, run on the site --------------------------------------------------


def test_no_known_wrong_or_internal_phrases():
    assert forbidden_phrases(sources()) == []


def test_nested_default_dates_are_per_vendor():
    assert nested_default_claims(sources()) == []


def test_dev_kvm_mode_is_not_generalised_to_0660():
    assert dev_kvm_mode_claims(sources()) == []


def test_run_loop_and_myths_agree_on_three_modes():
    arch = DOCS / "architecture"
    assert three_modes_verdicts((arch / "run-loop.md").read_text(), (arch / "myths.md").read_text()) == []


def test_threads_lab_summary_matches_transcript():
    summary = "\n".join(json.loads((DATA / "verified" / "lab-threads.json").read_text())["checks"])
    transcript = (ROOT / "examples" / "threads" / "transcripts" / "threads-basic.txt").read_text()
    assert thread_count_mismatches(summary, transcript) == []


def test_learning_path_names_the_forum_advice():
    text = (DOCS / "learning-path" / "index.md").read_text()
    assert "classic-article.md#forum-advice" in text, \
        "docs/learning-path/index.md: name the forum advice and link architecture/classic-article.md#forum-advice"


# -- each guard fails on the text it was written against --------------------------

OLD_TEXT = {
    "seed": "Older articles, including the seed article this site corrects, say so.",
    "notes": "seen on the CI host (research notes kvm-lab-feasibility.md, row 3c).",
    "listener": "- A separate listener, `kvm_io_listener`, turns `memory_region_add_eventfd()` requests into ...",
    "iothread": "the ioeventfd wakes QEMU's main loop (or an IOThread), and",
    "entry": "| Report and stop. | rare, a bug |",
    "msi": "uses it when the kernel supports it and otherwise allocates a temporary MSI route;",
    "threads": "An idle one-vCPU libvirt guest therefore shows about four threads; list them.",
    "pvm": "running guests in hardware ring 3 with shadow page tables and emulating their kernel-mode code; this site's labs",
}


@pytest.mark.parametrize("key", sorted(OLD_TEXT))
def test_phrase_guard_catches_old_text(key):
    assert forbidden_phrases({"old.md": OLD_TEXT[key]}), f"the guard no longer catches: {OLD_TEXT[key]}"


def test_other_guards_catch_old_text():
    assert nested_default_claims({"old.md": "The `nested` parameter of `kvm_intel` and `kvm_amd` has been enabled "
                                            "by default since Linux 4.20."})
    assert dev_kvm_mode_claims({"old.md": "Who may open it is distribution policy, usually group `kvm` with mode 0660."})
    assert three_modes_verdicts("As a picture of one vCPU thread it is close.", "Right idea, wrong mapping in the seed.")
    old_summary = ("-smp 2 with debug-threads=on: 7 threads (qemu-system-x86, call_rcu, IO mon_iothread, "
                   "CPU 0/KVM, CPU 1/KVM, kvm-nx-lpage-re, threads); query-kvm returned enabled=true")
    transcript = (ROOT / "examples" / "threads" / "transcripts" / "threads-basic.txt").read_text()
    assert thread_count_mismatches(old_summary, transcript)

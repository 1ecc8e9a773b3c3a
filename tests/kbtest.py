"""Shared helpers for the KVM Knowledge Base tests (fixtures are in conftest.py).

Policy: a test that needs something this machine lacks (a command, /dev/kvm,
root) is skipped with a reason that says what is missing. Under CI (CI=true)
nothing may be skipped for a missing install step: the same situation fails,
because CI runs on a machine where `make test` has installed everything.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def missing(reason: str) -> None:
    """Skip outside CI, fail inside CI, always saying what is missing."""
    if IN_CI:
        pytest.fail(f"CI cannot skip: {reason}", pytrace=False)
    pytest.skip(reason)


def require_cmd(*names: str) -> None:
    for name in names:
        if shutil.which(name) is None:
            missing(f"'{name}' is not installed (make test installs it when run as root on Debian)")


def require_root() -> None:
    if os.geteuid() != 0:
        missing("needs root")


def require_kvm() -> None:
    if not os.path.exists("/dev/kvm"):
        missing("/dev/kvm does not exist on this machine")
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        missing("/dev/kvm is not readable and writable by this user")


# --- Hands-on verification records and transcripts --------------------------

import datetime
import json
import platform
import re
import subprocess

VERIFIED_DIR = ROOT / "data" / "verified"


def _cmd_version(argv: list[str], pattern: str) -> str | None:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(pattern, out)
    return m.group(1) if m else None


def host_facts() -> dict:
    """Versions of what a hands-on test ran on, read from the machine."""
    facts = {
        "host_kernel": platform.release(),
        "python": platform.python_version(),
    }
    try:
        facts["distribution"] = re.search(
            r'^PRETTY_NAME="?([^"\n]+)', Path("/etc/os-release").read_text(), re.M
        ).group(1)
    except (OSError, AttributeError):
        pass
    mods = sorted(p.name for p in Path("/sys/module").glob("kvm*")) if Path("/sys/module").exists() else []
    if mods:
        facts["kvm_modules"] = ", ".join(mods)
        if "kvm_intel" in mods or "kvm_amd" in mods:
            facts["kvm_kind"] = "hardware KVM (VT-x/AMD-V)"
        elif "kvm_pvm" in mods:
            facts["kvm_kind"] = "software KVM (kvm-pvm: no VT-x/AMD-V, cannot boot a Linux guest)"
    q = _cmd_version(["qemu-system-x86_64", "--version"], r"version ([^\s(]+)")
    if q:
        facts["qemu"] = q
    lv = _cmd_version(["virsh", "--version"], r"^(\S+)")
    if lv:
        facts["libvirt"] = lv
    return facts


# `make verify` sets this: only then do the tests rewrite data/verified/*.json,
# so that running the suite leaves a clone clean; the records are committed
# deliberately, after a run on a machine that can run every hands-on test.
WRITE_VERIFIED = os.environ.get("KVMKB_WRITE_VERIFIED") == "1"


def record_verified(name: str, checks: list[str], **extra) -> dict:
    """The record a hands-on page shows (data/verified/<name>.json), written only by `make verify`.

    `checks` says, in one line each, what the test verified. The test has
    checked the programs before it gets here; this only records the run.
    With KVMKB_WRITE_VERIFIED=1 (make verify) the file is rewritten when
    something other than the date changed; otherwise nothing is written.
    """
    path = VERIFIED_DIR / f"{name}.json"
    record = {"checks": list(checks), **host_facts(), **extra}
    old = {}
    if path.exists():
        try:
            old = json.loads(path.read_text())
        except ValueError:
            old = {}
    old_date = old.pop("date", None)
    if old == record and old_date:
        record["date"] = old_date
        return record
    record["date"] = datetime.date.today().isoformat()
    if WRITE_VERIFIED:
        VERIFIED_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    return record


def normalise(text: str, patterns: list[tuple[str, str]]) -> str:
    for pattern, repl in patterns:
        text = re.sub(pattern, repl, text)
    # Column widths follow the width of values such as PIDs: compare words, not padding.
    return "\n".join(re.sub(r"[ \t]+", " ", line).rstrip() for line in text.strip().splitlines())


def check_transcript(actual: str, transcript: Path, patterns: list[tuple[str, str]] = ()) -> None:
    """Compare fresh output with the transcript file a page includes.

    `patterns` are (regex, replacement) pairs applied to both sides, for
    values that change from run to run (PIDs, timings, addresses). With
    UPDATE_TRANSCRIPTS=1 the file is rewritten instead.
    """
    if os.environ.get("UPDATE_TRANSCRIPTS") == "1" or not transcript.exists():
        if IN_CI and not transcript.exists():
            pytest.fail(f"transcript {transcript.relative_to(ROOT)} is missing", pytrace=False)
        transcript.parent.mkdir(parents=True, exist_ok=True)
        transcript.write_text(actual.rstrip() + "\n")
        return
    want = normalise(transcript.read_text(), list(patterns))
    got = normalise(actual, list(patterns))
    assert got == want, (
        f"output no longer matches {transcript.relative_to(ROOT)}; if the change is expected, "
        f"re-run with UPDATE_TRANSCRIPTS=1 and review the diff.\n--- page shows\n{want}\n--- run printed\n{got}"
    )

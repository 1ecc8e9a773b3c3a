#!/usr/bin/env python3
"""make check: build the site strictly, then run the fast tests against that build.

1. ``mkdocs build --strict`` into ``site/``. Its warnings and errors are
   printed as MkDocs prints them, without the INFO chatter; each names the
   file to edit and the fix. If the build fails, check stops here: the
   tests would only repeat the same problem in other words.
2. The tests that need neither root nor QEMU nor a browser and take no
   more than a few seconds (``-m "not system and not slow"``), using the
   site just built (``KVMKB_PREBUILT_SITE``), stopping at the first failure.

``make test`` runs everything, including the slow and system tests.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
# Lines that say nothing a contributor must act on.
CHATTER = re.compile(
    r"^(INFO\b|DEBUG\b|Building prefix dict|Loading model|Prefix dict has been built|Dumping model"
    r"|\s*$)"
)
LEVEL = re.compile(r"^(INFO|DEBUG|WARNING|ERROR|CRITICAL)\b")


def filter_build_output(lines) -> list[str]:
    """The build's warnings and errors with their continuation lines; no INFO."""
    out: list[str] = []
    keep = False
    for raw in lines:
        line = re.sub(r"\x1b\[[0-9;]*m", "", raw.rstrip("\n"))
        if LEVEL.match(line) or CHATTER.match(line):
            keep = bool(LEVEL.match(line)) and not line.startswith(("INFO", "DEBUG"))
            if not keep:
                continue
        elif not keep and not line.startswith("Aborted"):
            # Text outside a log record (a plugin printing directly): keep it unless it is chatter.
            if CHATTER.match(line):
                continue
        out.append(line)
    return out


def build(site: Path) -> bool:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("KVMKB_STRICT", None)
    env.pop("KVMKB_MACROS_FAIL", None)
    start = time.monotonic()
    proc = subprocess.run(
        [PY, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    lines = filter_build_output(proc.stdout.splitlines())
    for line in lines:
        print(line)
    if proc.returncode != 0:
        print(f"\nmake check: the build failed (exit {proc.returncode}). The messages above name the file to "
              "edit and the fix; CONTRIBUTING.md lists each message ('What the checks enforce').")
        return False
    print(f"make check: strict build passed in {time.monotonic() - start:.1f} s")
    return True


def main() -> int:
    site = ROOT / "site"
    if not build(site):
        return 1
    env = {**os.environ, "KVMKB_PREBUILT_SITE": str(site)}
    cmd = [PY, "-m", "pytest", "-m", "not system and not slow", "-x", "-q", "-p", "no:cacheprovider"]
    return subprocess.call(cmd, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())

"""Helpers to build the site (or a copy of the project) in tests."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What a copy of the project leaves out: environments and build output.
COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "site", "node_modules", ".cache", ".pytest_cache", "__pycache__", "test-results"
)


@dataclass
class Build:
    returncode: int
    output: str
    seconds: float
    site: Path


def build(project: Path, site: Path, *extra: str, env: dict | None = None, timeout: int = 600) -> Build:
    """Run `mkdocs build --strict` on `project`, writing to `site`."""
    environ = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    environ.pop("KVMKB_STRICT", None)
    environ.pop("KVMKB_MACROS_FAIL", None)
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site), *extra],
        cwd=project,
        env=environ,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return Build(proc.returncode, proc.stdout + proc.stderr, time.monotonic() - start, site)


def copy_project(dest: Path) -> Path:
    shutil.copytree(ROOT, dest, ignore=COPY_IGNORE, symlinks=True)
    return dest


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(proc: subprocess.Popen) -> None:
    """End a process group started with start_new_session=True: TERM, then KILL."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=20)
            return
        except subprocess.TimeoutExpired:
            continue

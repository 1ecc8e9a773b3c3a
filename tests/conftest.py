"""Shared pytest fixtures. The helpers live in kbtest.py and are re-exported
here, so tests may import them from either module."""
from __future__ import annotations

from pathlib import Path

import pytest

from kbtest import (  # noqa: F401  (re-exported)
    IN_CI,
    ROOT,
    check_transcript,
    host_facts,
    missing,
    normalise,
    record_verified,
    require_cmd,
    require_kvm,
    require_root,
)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The real site, built once per test session with --strict."""
    import os

    from sitebuild import Build, build

    prebuilt = os.environ.get("KVMKB_PREBUILT_SITE")
    if prebuilt:  # development shortcut: reuse a site built by `mkdocs build`
        return Build(0, "", 0.0, Path(prebuilt))
    result = build(ROOT, tmp_path_factory.mktemp("site") / "site")
    assert result.returncode == 0, f"strict build failed:\n{result.output[-6000:]}"
    print(f"\nfull build: {result.seconds:.1f} s")
    return result



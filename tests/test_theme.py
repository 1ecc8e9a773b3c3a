"""The theme overrides are Material's templates plus the documented patches."""
from __future__ import annotations

import subprocess
import sys

from kbtest import ROOT


def test_overrides_match_patched_material_templates():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "theme_patches.py")], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr

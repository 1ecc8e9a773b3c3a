#!/usr/bin/env python3
"""Build the offline copy of the site and zip it (make offline).

Builds with KVMKB_OFFLINE=true (Material's offline plugin, see
hooks/offline.py) into offline/kvm-knowledge-base/ and writes
offline/kvm-knowledge-base-offline.zip. Unzip it anywhere and open
kvm-knowledge-base/index.html in a browser: every page, the diagrams and
search work from file://. tests/test_offline.py builds and checks it;
make publish adds the zip to the online site.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "kvm-knowledge-base"


def build(out_dir: Path) -> Path:
    """Build the offline site into out_dir/kvm-knowledge-base and zip it; return the zip."""
    site = out_dir / NAME
    if site.exists():
        shutil.rmtree(site)
    env = {**os.environ, "KVMKB_OFFLINE": "true", "NO_MKDOCS_2_WARNING": "1"}
    env.pop("KVMKB_OFFLINE_ZIP", None)
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
                   cwd=ROOT, env=env, check=True)
    archive = out_dir / f"{NAME}-offline.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(site.rglob("*")):
            if path.is_file():
                zf.write(path, Path(NAME) / path.relative_to(site))
    return archive


if __name__ == "__main__":
    zip_path = build(ROOT / "offline")
    print(f"offline copy: {zip_path.relative_to(ROOT)} ({zip_path.stat().st_size / 1e6:.1f} MB); "
          f"open offline/{NAME}/index.html")

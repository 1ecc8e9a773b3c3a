#!/usr/bin/env python3
"""make sources: check every path in data/source-files/ against the pinned releases.

The site links into the Linux, QEMU and libvirt source trees only through
``linux_src`` / ``qemu_src`` / ``libvirt_src``, and only for paths listed in
``data/source-files/*.yml``. The build checks that the lists are well formed
(and that pages use only listed paths); this command checks that each listed
path exists in the release pinned in ``data/versions.yml``.

Give each tree as one of:

* a git clone (any clone with the release tags): read at tag ``v<version>``
  with ``git ls-tree``, so the checkout itself does not matter;
* an unpacked release tarball, or the tarball itself (``.tar.xz``/``.tar.gz``):
  its version must be the pinned one;
* ``--fetch``: downloads the release tarballs from kernel.org, qemu.org and
  libvirt.org into ``.cache/sources/`` (about 250 MB; needs network access).

Examples::

    make sources LINUX=~/src/linux QEMU=~/src/qemu LIBVIRT=~/src/libvirt
    make sources FETCH=1
    .venv/bin/python scripts/sources.py --linux ~/src/linux   # one tree

Exit status: 0 when every listed path of every tree was found; 1 when a
path is missing (each is printed with its list file and the fix); 2 when a
tree with listed paths was not given.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from macros.data import SOURCE_LISTS, load_versions, safe_load, source_list_problems  # noqa: E402
from macros.sources import SOURCE_TREES  # noqa: E402

CACHE = ROOT / ".cache" / "sources"


def release_url(tree: str, version: str) -> str:
    if tree == "linux":
        return f"https://cdn.kernel.org/pub/linux/kernel/v{version.split('.')[0]}.x/linux-{version}.tar.xz"
    if tree == "qemu":
        return f"https://download.qemu.org/qemu-{version}.tar.xz"
    return f"https://download.libvirt.org/libvirt-{version}.tar.xz"


def listed_paths(root: Path) -> dict[str, dict[str, list[str]]]:
    """tree -> path -> the list files that name it."""
    out: dict[str, dict[str, list[str]]] = {tree: {} for tree in SOURCE_TREES}
    problems = []
    for path in sorted((root / SOURCE_LISTS).glob("*.yml")):
        rel = path.relative_to(root).as_posix()
        data = safe_load(path.read_text(encoding="utf-8"))
        found = source_list_problems(rel, data)
        problems += found
        if found or not data:
            continue
        for tree, paths in data.items():
            for p in paths:
                out[tree].setdefault(p, []).append(rel)
    if problems:
        raise SystemExit("\n".join(problems))
    return out


# -- the files of a release ------------------------------------------------------------


def _git_dir(path: Path) -> bool:
    return subprocess.run(["git", "-C", str(path), "rev-parse", "--git-dir"],
                          capture_output=True).returncode == 0


def files_from_git(repo: Path, tag: str) -> set[str]:
    proc = subprocess.run(["git", "-C", str(repo), "ls-tree", "-r", "--name-only", tag],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{repo}: no tag {tag} in this clone ({proc.stderr.strip()}); "
                         f"run 'git -C {repo} fetch --tags' or give another clone")
    return set(proc.stdout.splitlines())


def tree_version(tree: str, top: Path) -> str | None:
    """The release an unpacked tree says it is."""
    try:
        if tree == "linux":
            mk = (top / "Makefile").read_text(encoding="utf-8", errors="replace")
            v = {k: re.search(rf"^{k}\s*=\s*(\S*)", mk, re.M) for k in ("VERSION", "PATCHLEVEL", "SUBLEVEL")}
            parts = [v["VERSION"][1], v["PATCHLEVEL"][1]] + ([v["SUBLEVEL"][1]] if v["SUBLEVEL"][1] not in ("", "0") else [])
            return ".".join(parts)
        if tree == "qemu":
            return (top / "VERSION").read_text().strip()
        m = re.search(r"version\s*:\s*'([\d.]+)'", (top / "meson.build").read_text(errors="replace"))
        return m[1] if m else None
    except (OSError, TypeError):
        return None


def files_from_dir(tree: str, top: Path, version: str) -> set[str]:
    found = tree_version(tree, top)
    if found != version:
        raise SystemExit(f"{top}: this {tree} tree is release {found or '(unknown)'}, not the pinned {version} "
                         f"(data/versions.yml); give the {version} tree, a git clone, or --fetch")
    return {p.relative_to(top).as_posix() for p in top.rglob("*") if p.is_file() or p.is_symlink()}


def files_from_tarball(tree: str, tarball: Path, version: str) -> set[str]:
    names, tops = set(), set()
    with tarfile.open(tarball) as tar:
        for member in tar:
            top, _, rest = member.name.partition("/")
            tops.add(top)
            if rest and not member.isdir():
                names.add(rest)
    if tops != {f"{tree}-{version}"}:
        raise SystemExit(f"{tarball}: expected the {tree}-{version} release tarball, found {', '.join(sorted(tops))}")
    return names


def fetch(tree: str, version: str) -> Path:
    url = release_url(tree, version)
    dest = CACHE / url.rsplit("/", 1)[1]
    if not dest.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        print(f"sources: downloading {url}", flush=True)
        part = dest.with_suffix(dest.suffix + ".part")
        with urllib.request.urlopen(url, timeout=120) as resp, part.open("wb") as out:
            while chunk := resp.read(1 << 20):
                out.write(chunk)
        part.rename(dest)
    return dest


def release_files(tree: str, where: Path, version: str) -> set[str]:
    if where.is_file():
        return files_from_tarball(tree, where, version)
    if not where.is_dir():
        raise SystemExit(f"{where}: no such directory or tarball")
    if _git_dir(where):
        return files_from_git(where, f"v{version}")
    return files_from_dir(tree, where, version)


# -- the check ---------------------------------------------------------------------------


def missing_paths(listed: dict[str, list[str]], files: set[str]) -> list[str]:
    """Listed paths absent from `files`; a path ending in '/' must be a directory."""
    dirs = {"/".join(f.split("/")[:i]) + "/" for f in files for i in range(1, f.count("/") + 1)}
    return sorted(p for p in listed if (p not in dirs if p.endswith("/") else p not in files))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for tree in SOURCE_TREES:
        ap.add_argument(f"--{tree}", type=Path, help=f"{tree}: a git clone, an unpacked release, or its tarball")
    ap.add_argument("--fetch", action="store_true", help="download the release tarballs of trees not given")
    ap.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    versions = load_versions(args.root)
    listed = listed_paths(args.root)
    status = 0
    for tree in SOURCE_TREES:
        paths = listed[tree]
        if not paths:
            continue
        where = getattr(args, tree)
        if where is None and args.fetch:
            where = fetch(tree, versions[tree])
        if where is None:
            print(f"sources: {tree}: {len(paths)} listed paths NOT checked; give --{tree} DIR (make sources "
                  f"{tree.upper()}=DIR) or --fetch")
            status = max(status, 2)
            continue
        files = release_files(tree, where.expanduser(), versions[tree])
        missing = missing_paths(paths, files)
        for p in missing:
            print(f"{', '.join(paths[p])}: {tree}: '{p}' does not exist at v{versions[tree]}; "
                  "correct the path (as in the tree) or remove it and the link that uses it")
        print(f"sources: {tree} v{versions[tree]}: {len(paths) - len(missing)} of {len(paths)} listed paths found"
              f" ({where})")
        if missing:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())

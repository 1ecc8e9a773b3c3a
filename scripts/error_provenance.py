#!/usr/bin/env python3
"""Record where each message of data/errors.yml is printed, from real source trees.

Every catalogue entry with an ``emit:`` block names a source tree (linux,
qemu, libvirt, virt-manager, kmod, seabios), a file in it and a ``find``
string: a piece of the message's format string as it appears in the source.
This script opens that file in an unpacked source tree, finds the one line
that contains ``find``, reads the run of adjacent string literals that forms
the format string (C literals with PRIx64-style macros between them, or
Python literals), and writes data/errors-provenance.yml with the tree's
name and version and, for each message, the file, line number, line text and
the format string.  ``--older`` trees only record whether the same format
string is present there, which gives a lower bound for "present since".

tests/test_error_atlas.py then checks, without any source tree, that every
message still matches the format recorded from the source, so a message
cannot drift from its source unnoticed.  Run it again after changing an
``emit:`` block or when moving to newer trees. The recorded trees came from
Debian source packages (a deb-src line for deb.debian.org, then
``apt-get source --download-only`` and unpacking the upstream tarballs):
linux 6.12.95-1~bpo12+1 and 6.1.176-1, qemu 1:10.0.2+ds-2+deb13u1~bpo12+1
and 1:7.2+dfsg-7+deb12u18, libvirt 11.3.0-2~bpo12+1 and 9.0.0-4+deb12u2,
kmod 30+20221128-1, seabios 1.16.3-2~bpo12+1; virt-manager is the git tag
v5.1.0. With the trees unpacked under $S:

    python3 scripts/error_provenance.py \
        --tree linux=$S/linux-6.12.95 --tree linux-old=$S/linux-6.1.176 \
        --tree qemu=$S/qemu-10.0.2 --tree libvirt=$S/libvirt-11.3.0 \
        --tree libvirt-old=$S/libvirt-9.0.0 --tree virt-manager=$S/virt-manager-5.1.0 \
        --tree kmod=$S/kmod-30+20221128 --tree seabios=$S/seabios-1.16.3 \
        --older qemu=$S/qemu-7.2.0 --older libvirt=$S/libvirt-9.0.0 --older linux=$S/linux-6.1.176 \
        --origin "qemu=Debian source package qemu ..." (one --origin per tree)

A tree's version is read from the tree itself (Makefile, VERSION,
meson.build, setup.py, configure.ac) and its origin is given with --origin.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "errors-provenance.yml"

# Format macros from <inttypes.h> and QEMU that stand between C literals.
PRI_MACRO = re.compile(r"PRI([diouxX])(8|16|32|64|PTR|MAX)|HWADDR_PRI([xdu])|TARGET_FMT_lx|G_GSIZE_FORMAT")

C_LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
PY_LITERAL = re.compile(r"""(?P<q>['"])((?:(?!(?P=q))[^\\\n]|\\.)*)(?P=q)""")


def tree_version(name: str, path: Path) -> str:
    if name.startswith("linux"):
        mk = (path / "Makefile").read_text(errors="replace")
        get = lambda k: re.search(rf"^{k} = *(\S*)", mk, re.M).group(1)  # noqa: E731
        ver = f"{get('VERSION')}.{get('PATCHLEVEL')}"
        sub = get("SUBLEVEL")
        return f"{ver}.{sub}" if sub and sub != "0" else ver
    if (path / "VERSION").is_file():
        return (path / "VERSION").read_text().strip()
    for fname, pattern in (
        ("meson.build", r"version\s*:\s*'([0-9][^']*)'"),
        ("setup.py", r"version\s*=\s*['\"]([0-9][^'\"]*)"),
        ("configure.ac", r"AC_INIT\(\[[^]]*\],\s*\[([0-9][^]]*)\]"),
        (".version", r"(\S+)"),
    ):
        f = path / fname
        if f.is_file():
            m = re.search(pattern, f.read_text(errors="replace"))
            if m:
                return m.group(1)
    raise SystemExit(f"cannot tell the version of tree {name} at {path}")


def unescape_c(s: str) -> str:
    return (
        s.replace("\\n", "\n").replace("\\t", "\t").replace('\\"', '"').replace("\\'", "'").replace("\\\\", "\\")
    )


def literal_run(text: str, start: int, python: bool) -> str:
    """The format string: adjacent literals from offset `start` on, joined."""
    lit = PY_LITERAL if python else C_LITERAL
    pos = start
    parts: list[str] = []
    while True:
        m = lit.match(text, pos)
        if not m:
            break
        parts.append(m.group(2) if python else m.group(1))
        pos = m.end()
        # What may stand between two literals of one run.
        gap = re.match(r"(?:\s|\\\n)*", text[pos:])
        nxt = pos + gap.end()
        pm = None if python else PRI_MACRO.match(text, nxt)
        if pm:
            kind = pm.group(1) or pm.group(3) or "x"
            if pm.group(0) == "G_GSIZE_FORMAT":
                kind = "zu"
            parts.append(f"\x00{kind}")  # a conversion letter the %-prefix before it completes
            gap2 = re.match(r"(?:\s|\\\n)*", text[pm.end():])
            pos = pm.end() + gap2.end()
            continue
        if lit.match(text, nxt):
            pos = nxt
            continue
        break
    joined = "".join(parts)
    joined = re.sub(r"\x00(\w+)", lambda m: "ll" + m.group(1) if m.group(1) in "diouxX" else m.group(1), joined)
    return unescape_c(joined)


def locate(path: Path, find: str) -> tuple[int, str, str]:
    """(line number, line text, format string) of the literal run containing `find`."""
    text = path.read_text(encoding="utf-8", errors="replace")
    python = path.suffix == ".py"
    hits = [i for i in range(len(text)) if text.startswith(find, i)]
    if not hits:
        raise LookupError(f"'{find}' not found in {path}")
    found = [_locate_at(text, h, python) for h in hits]
    if len({f[2] for f in found}) > 1:
        raise LookupError(f"'{find}' occurs {len(hits)} times in {path} with different format strings; make 'find' longer")
    return found[0]


def _locate_at(text: str, hit: int, python: bool) -> tuple[int, str, str]:
    # Walk back to the opening quote of this literal, then to the first
    # literal of the run (previous literals separated only by white space).
    lit = PY_LITERAL if python else C_LITERAL
    line_start = text.rfind("\n", 0, hit) + 1
    starts = [m.start() for m in lit.finditer(text, line_start) if m.start() <= hit < m.end()]
    if not starts:
        raise LookupError(f"match at offset {hit} is not inside a string literal")
    begin = starts[0]
    while True:
        prev_end = len(text[:begin].rstrip())
        if prev_end and text[prev_end - 1] in "\"'":
            prev_line_start = text.rfind("\n", 0, prev_end - 1) + 1
            cands = [m for m in lit.finditer(text, prev_line_start) if m.end() == prev_end]
            if cands:
                begin = cands[0].start()
                continue
        pm = [m for m in PRI_MACRO.finditer(text, max(0, begin - 40), begin) if not text[m.end():begin].strip()]
        if pm:
            before = len(text[: pm[-1].start()].rstrip())
            if before and text[before - 1] == '"':
                cands = [m for m in C_LITERAL.finditer(text, text.rfind("\n", 0, before - 1) + 1) if m.end() == before]
                if cands:
                    begin = cands[0].start()
                    continue
        break
    fmt = literal_run(text, begin, python)
    lineno = text.count("\n", 0, hit) + 1
    line = text.splitlines()[lineno - 1].strip()
    return lineno, line, fmt


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tree", action="append", default=[], help="name=path of the tree to record lines from")
    ap.add_argument("--origin", action="append", default=[], help="name=where the tree came from")
    ap.add_argument("--older", action="append", default=[], help="name=path of an older tree to check presence in")
    args = ap.parse_args()
    trees = dict(t.split("=", 1) for t in args.tree)
    origins = dict(o.split("=", 1) for o in args.origin)
    older = {}
    for o in args.older:
        name, p = o.split("=", 1)
        older.setdefault(name, []).append(Path(p))

    entries = yaml.safe_load((ROOT / "data" / "errors.yml").read_text(encoding="utf-8"))
    out_trees = {}
    for name, p in trees.items():
        out_trees[name] = {"version": tree_version(name, Path(p)), "origin": origins.get(name, "")}
    older_versions = {name: [(tree_version(name, p), p) for p in ps] for name, ps in older.items()}

    records, problems = {}, []
    for e in entries:
        emit = e.get("emit")
        if not isinstance(emit, dict):
            continue
        tree = emit["tree"]
        if tree not in trees:
            problems.append(f"{e['id']}: tree '{tree}' not given with --tree")
            continue
        try:
            lineno, line, fmt = locate(Path(trees[tree]) / emit["file"], emit["find"])
        except (LookupError, OSError) as exc:
            problems.append(f"{e['id']}: {exc}")
            continue
        rec = {"tree": tree, "file": emit["file"], "line": lineno, "text": line, "format": fmt}
        present = []
        for ver, p in older_versions.get(tree, []):
            f = Path(p) / emit.get("older_file", emit["file"])
            if f.is_file() and fmt in literal_runs(f):
                present.append(ver)
        if present:
            rec["also_in"] = present
        records[e["id"]] = rec

    if problems:
        print("error_provenance: these entries could not be traced:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    data = {
        "comment": "Written by scripts/error_provenance.py from the source trees below; do not edit by hand.",
        "trees": out_trees,
        "older_trees": {n: [v for v, _ in vs] for n, vs in older_versions.items()},
        "messages": records,
    }
    OUT.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(records)} messages traced")
    return 0


_RUNS_CACHE: dict[Path, set[str]] = {}


def literal_runs(path: Path) -> set[str]:
    """Every format string (literal run) in a file, for presence checks in older trees."""
    if path not in _RUNS_CACHE:
        text = path.read_text(encoding="utf-8", errors="replace")
        python = path.suffix == ".py"
        lit = PY_LITERAL if python else C_LITERAL
        runs, pos = set(), 0
        for m in lit.finditer(text):
            if m.start() < pos:
                continue
            run = literal_run(text, m.start(), python)
            runs.add(run)
            # also every suffix run, so a run that starts mid-way still matches
            pos = m.end()
        _RUNS_CACHE[path] = runs
    return _RUNS_CACHE[path]


if __name__ == "__main__":
    sys.exit(main())

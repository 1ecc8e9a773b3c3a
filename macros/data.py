"""Loading and checking the data files under ``data/`` (pure functions, unit-tested).

Each loader raises :class:`~macros.errors.MacroError` naming the data file
(and the entry) and what to change.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from macros.errors import MacroError
from macros.sources import SOURCE_TREES

GLOSSARY_FIELDS = {"term", "expansion", "zh", "definition"}
FAQ_CATEGORIES = (
    "concepts",
    "host-setup",
    "troubleshooting",
    "networking",
    "storage",
    "performance",
    "comparisons",
    "history",
    "learning",
)


def _load_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        raise MacroError(f"{path}: not valid YAML: {exc}") from exc


def load_versions(root: Path) -> dict[str, str]:
    data = _load_yaml(root / "data" / "versions.yml") or {}
    for key in SOURCE_TREES:
        if not isinstance(data.get(key), str) or not re.fullmatch(r"\d+(\.\d+)+(-rc\d+)?", data[key]):
            raise MacroError(
                f"data/versions.yml: '{key}' must be a release number such as \"6.18\" (quoted), got {data.get(key)!r}"
            )
    return data


def load_source_files(root: Path) -> dict[str, set[str]]:
    """Union of the verified paths in data/source-files/*.yml."""
    allowed: dict[str, set[str]] = {tree: set() for tree in SOURCE_TREES}
    for path in sorted((root / "data" / "source-files").glob("*.yml")):
        data = _load_yaml(path) or {}
        for tree, paths in data.items():
            if tree not in allowed:
                raise MacroError(f"{path.relative_to(root)}: unknown tree '{tree}' (use linux, qemu or libvirt)")
            for p in paths or []:
                if not isinstance(p, str) or p.startswith("/") or ".." in p.split("/"):
                    raise MacroError(f"{path.relative_to(root)}: '{p}' must be a path inside the tree")
                allowed[tree].add(p)
    return allowed


def load_glossary(root: Path) -> list[dict[str, str]]:
    terms: dict[str, dict[str, str]] = {}
    for path in sorted((root / "data" / "glossary").glob("*.yml")):
        rel = path.relative_to(root)
        for i, entry in enumerate(_load_yaml(path) or []):
            if not isinstance(entry, dict):
                raise MacroError(f"{rel}: entry {i + 1} is not a mapping")
            missing = GLOSSARY_FIELDS - entry.keys()
            if missing:
                raise MacroError(f"{rel}: term {entry.get('term', i + 1)!r} lacks {', '.join(sorted(missing))}")
            unknown = set(entry) - GLOSSARY_FIELDS - {"link"}
            if unknown:
                raise MacroError(f"{rel}: term {entry['term']!r} has unknown fields {', '.join(sorted(unknown))}")
            term = str(entry["term"])
            key = term.lower()
            if key in terms:
                raise MacroError(
                    f"{rel}: term {term!r} is already defined in {terms[key]['_file']}; keep one definition"
                )
            terms[key] = {**{k: str(v) for k, v in entry.items()}, "_file": str(rel)}
    return sorted(terms.values(), key=lambda t: t["term"].lower())


def load_faq(root: Path) -> dict[str, dict]:
    cats: dict[str, dict] = {}
    ids: dict[str, str] = {}
    for path in sorted((root / "data" / "faq").glob("*.yml")):
        rel = path.relative_to(root)
        cat = path.stem
        if cat not in FAQ_CATEGORIES:
            raise MacroError(f"{rel}: unknown FAQ category '{cat}' (one of: {', '.join(FAQ_CATEGORIES)})")
        data = _load_yaml(path) or {}
        for field in ("title", "description", "entries"):
            if not data.get(field):
                raise MacroError(f"{rel}: missing '{field}'")
        for entry in data["entries"]:
            eid = entry.get("id", "")
            if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", str(eid)):
                raise MacroError(f"{rel}: entry {entry.get('q', '?')!r} needs an 'id' in lower-case-with-hyphens")
            if eid in ids:
                raise MacroError(f"{rel}: id '{eid}' is already used in {ids[eid]}")
            ids[eid] = str(rel)
            for field in ("q", "a"):
                if not str(entry.get(field, "")).strip():
                    raise MacroError(f"{rel}: entry '{eid}' has no '{field}'")
            if not entry.get("links"):
                raise MacroError(f"{rel}: entry '{eid}' needs at least one link deeper into the site ('links:')")
            if "zh" in entry and not re.search(r"[\u4e00-\u9fff]", str(entry["zh"] or "")):
                raise MacroError(f"{rel}: entry '{eid}': 'zh' is the question in Chinese (for Chinese search); write it in Chinese or remove it")
        cats[cat] = {**data, "file": str(rel)}
    return cats


def load_errors(root: Path) -> list[dict]:
    """The entries of data/errors.yml, checked against data/errors-provenance.yml (see macros/atlas.py)."""
    from macros.atlas import AtlasError, load_atlas

    try:
        return load_atlas(root)[0]
    except AtlasError as exc:
        raise MacroError(str(exc)) from exc


def read_front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    m = re.match(r"\A---\s*\n(.*?)\n---\s*\n", text, re.S)
    if not m:
        return {}
    try:
        return yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError:
        return {}

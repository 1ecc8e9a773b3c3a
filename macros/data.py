"""Loading and checking the data files under ``data/`` (pure functions, unit-tested).

Each loader raises :class:`~macros.errors.MacroError` naming the data file
(and the entry) and what to change.
"""
from __future__ import annotations

import json
import hashlib
import re
from pathlib import Path
from typing import Any

import yaml

from macros import schemas
from macros.errors import MacroError
from macros.sources import SOURCE_TREES

# libyaml's parser when PyYAML has it (about ten times faster; same data).
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(stream) -> Any:
    return yaml.load(stream, Loader=_SafeLoader)  # noqa: S506 - a safe loader

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
# A path inside a source tree: no leading or doubled slash, no '..', no spaces;
# a trailing slash marks a directory.
SOURCE_PATH = r"[A-Za-z0-9_.+,@=-]+(/[A-Za-z0-9_.+,@=-]+)*/?"
SOURCE_LISTS = "data/source-files"


def _load_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return safe_load(fh)
    except yaml.YAMLError as exc:
        raise MacroError(f"{path}: not valid YAML: {exc}") from exc


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _raise(problems: list[str]) -> None:
    if problems:
        raise MacroError("\n".join(problems))


def entry_label(entry: Any, i: int, key: str = "id") -> str:
    """How a message names an entry: by its id (or term), else by its position."""
    if isinstance(entry, dict) and isinstance(entry.get(key), str) and entry[key].strip():
        return f"{'term' if key == 'term' else 'entry'} '{entry[key]}'"
    return f"entry {i} (the {i}{'st' if i == 1 else 'nd' if i == 2 else 'rd' if i == 3 else 'th'} in the list)"


def load_versions(root: Path) -> dict[str, str]:
    data = _load_yaml(root / "data" / "versions.yml") or {}
    for key in SOURCE_TREES:
        if not isinstance(data.get(key), str) or not re.fullmatch(r"\d+(\.\d+)+(-rc\d+)?", data[key]):
            raise MacroError(
                f"data/versions.yml: '{key}' must be a release number such as \"6.18\" (quoted), got {data.get(key)!r}"
            )
    schemas.VERSIONS.check(data, "data/versions.yml")
    return data


def source_list_problems(rel: str, data: Any) -> list[str]:
    """Problems of one data/source-files/*.yml file: trees, path syntax, duplicates."""
    if data is None:
        return []
    if not isinstance(data, dict):
        return [f"{rel}: must map a tree (linux, qemu, libvirt) to a list of paths"]
    problems = []
    for tree, paths in data.items():
        if tree not in SOURCE_TREES:
            problems.append(f"{rel}: unknown tree '{tree}' (use linux, qemu or libvirt)")
            continue
        if not isinstance(paths, list):
            problems.append(f"{rel}: '{tree}' must be a list of paths, one '- path' per line")
            continue
        seen: set[str] = set()
        for p in paths:
            if not isinstance(p, str) or not re.fullmatch(SOURCE_PATH, p) or ".." in p.split("/"):
                problems.append(
                    f"{rel}: {tree}: '{p}' is not a path inside the tree; write it as in the tree, such as "
                    "'virt/kvm/kvm_main.c' (a directory ends with '/')"
                )
            elif p in seen:
                problems.append(f"{rel}: {tree}: '{p}' is listed twice; remove one")
            else:
                seen.add(p)
    return problems


def load_source_files(root: Path) -> dict[str, set[str]]:
    """Union of the verified paths in data/source-files/*.yml."""
    allowed: dict[str, set[str]] = {tree: set() for tree in SOURCE_TREES}
    problems: list[str] = []
    for path in sorted((root / SOURCE_LISTS).glob("*.yml")):
        rel = _rel(path, root)
        data = _load_yaml(path)
        found = source_list_problems(rel, data)
        problems += found
        if not found and data:
            for tree, paths in data.items():
                allowed[tree].update(paths or [])
    _raise(problems)
    return allowed


def load_glossary(root: Path) -> list[dict[str, str]]:
    terms: dict[str, dict[str, str]] = {}
    problems: list[str] = []
    for path in sorted((root / "data" / "glossary").glob("*.yml")):
        rel = _rel(path, root)
        entries = _load_yaml(path) or []
        if not isinstance(entries, list):
            problems.append(f"{rel}: must be a list of terms, each starting with '- term:'")
            continue
        for i, entry in enumerate(entries, 1):
            found = schemas.GLOSSARY_ENTRY.problems(entry, f"{rel}: {entry_label(entry, i, 'term')}")
            problems += found
            if found:
                continue
            term = str(entry["term"])
            key = term.lower()
            if key in terms:
                problems.append(
                    f"{rel}: term {term!r} is already defined in {terms[key]['_file']}; keep one definition"
                )
                continue
            terms[key] = {**{k: str(v) for k, v in entry.items()}, "_file": rel}
    _raise(problems)
    return sorted(terms.values(), key=lambda t: t["term"].lower())


def load_faq(root: Path) -> dict[str, dict]:
    cats: dict[str, dict] = {}
    ids: dict[str, str] = {}
    problems: list[str] = []
    for path in sorted((root / "data" / "faq").glob("*.yml")):
        rel = _rel(path, root)
        cat = path.stem
        if cat not in FAQ_CATEGORIES:
            problems.append(f"{rel}: unknown FAQ category '{cat}' (one of: {', '.join(FAQ_CATEGORIES)})")
            continue
        data = _load_yaml(path) or {}
        found = schemas.FAQ_FILE.problems(data, rel)
        problems += found
        if found:
            continue
        for i, entry in enumerate(data["entries"], 1):
            where = f"{rel}: {entry_label(entry, i)}"
            found = schemas.FAQ_ENTRY.problems(entry, where)
            problems += found
            if found:
                continue
            eid = entry["id"]
            if eid in ids:
                problems.append(f"{where}: id '{eid}' is already used in {ids[eid]}; choose another id")
            ids[eid] = rel
        cats[cat] = {**data, "file": rel}
    _raise(problems)
    return cats


def faq_entry_hash(entry: dict) -> str:
    """The version of an English FAQ entry that a translation records (12 hex digits)."""
    text = str(entry["q"]).strip() + "\n\n" + str(entry["a"]).strip()
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


FAQ_ZH_FIELDS = {"id", "q", "a", "translated_from"}


def load_faq_zh(root: Path, faq: dict[str, dict]) -> dict[str, dict]:
    """The Chinese FAQ (data/faq/zh/<category>.yml), checked against the English entries.

    Each file has ``title``, ``description`` and ``entries``; each entry has the
    ``id`` of an English entry, ``q``, ``a`` and ``translated_from``, the
    :func:`faq_entry_hash` of the English entry it translates. Links are the
    English entry's. Returns {category: {title, description, file, entries: {id: entry}}}.
    """
    out: dict[str, dict] = {}
    for path in sorted((root / "data" / "faq" / "zh").glob("*.yml")):
        rel = path.relative_to(root)
        cat = path.stem
        if cat not in faq:
            raise MacroError(f"{rel}: no English category data/faq/{cat}.yml to translate")
        data = _load_yaml(path) or {}
        for field in ("title", "description", "entries"):
            if not data.get(field):
                raise MacroError(f"{rel}: missing '{field}'")
        english = {e["id"]: e for e in faq[cat]["entries"]}
        entries: dict[str, dict] = {}
        for entry in data["entries"]:
            eid = str(entry.get("id", ""))
            if eid not in english:
                raise MacroError(f"{rel}: entry '{eid}' has no English entry with that id in data/faq/{cat}.yml")
            if eid in entries:
                raise MacroError(f"{rel}: entry '{eid}' is translated twice")
            unknown = set(entry) - FAQ_ZH_FIELDS
            if unknown:
                raise MacroError(f"{rel}: entry '{eid}' has unknown fields {', '.join(sorted(unknown))} (links come from English)")
            for field in ("q", "a"):
                if not str(entry.get(field, "")).strip():
                    raise MacroError(f"{rel}: entry '{eid}' has no '{field}'")
            if not re.fullmatch(r"[0-9a-f]{12}", str(entry.get("translated_from", ""))):
                raise MacroError(
                    f"{rel}: entry '{eid}' needs 'translated_from: {faq_entry_hash(english[eid])}' "
                    "(the version of the English entry it translates)"
                )
            entries[eid] = {**entry, "links": english[eid]["links"]}
        out[cat] = {**data, "entries": entries, "file": str(rel)}
    return out


def glossary_definition_hash(definition: str) -> str:
    """The version of an English glossary definition that a translation records (12 hex digits)."""
    return hashlib.sha1(str(definition).encode("utf-8")).hexdigest()[:12]


def load_glossary_zh(root: Path, glossary: list[dict]) -> dict[str, dict]:
    """Chinese definitions (data/glossary/zh/*.yml): {term: {definition, translated_from}}, checked."""
    terms = {t["term"]: t for t in glossary}
    out: dict[str, dict] = {}
    for path in sorted((root / "data" / "glossary" / "zh").glob("*.yml")):
        rel = path.relative_to(root)
        for entry in _load_yaml(path) or []:
            term = str(entry.get("term", ""))
            if term not in terms:
                raise MacroError(f"{rel}: term {term!r} is not in the English glossary (data/glossary/*.yml)")
            if term in out:
                raise MacroError(f"{rel}: term {term!r} is translated twice")
            unknown = set(entry) - {"term", "definition", "translated_from"}
            if unknown:
                raise MacroError(f"{rel}: term {term!r} has unknown fields {', '.join(sorted(unknown))}")
            if not str(entry.get("definition", "")).strip():
                raise MacroError(f"{rel}: term {term!r} has no 'definition'")
            if not re.fullmatch(r"[0-9a-f]{12}", str(entry.get("translated_from", ""))):
                raise MacroError(
                    f"{rel}: term {term!r} needs 'translated_from: "
                    f"{glossary_definition_hash(terms[term]['definition'])}' (the English definition it translates)"
                )
            out[term] = {k: str(v) for k, v in entry.items()}
    return out


def load_errors(root: Path) -> list[dict]:
    """The entries of data/errors.yml: each checked against its schema (a misspelt field is named), then
    against data/errors-provenance.yml (see macros/atlas.py)."""
    from macros.atlas import AtlasError, load_atlas

    path = root / "data" / "errors.yml"
    if not path.exists():
        return []
    entries = _load_yaml(path) or []
    if not isinstance(entries, list):
        raise MacroError("data/errors.yml: must be a list of entries, each starting with '- id:'")
    problems: list[str] = []
    for i, entry in enumerate(entries, 1):
        problems += schemas.ERROR_ENTRY.problems(entry, f"data/errors.yml: {entry_label(entry, i)}")
    _raise(problems)
    try:
        return load_atlas(root)[0]
    except AtlasError as exc:
        raise MacroError(str(exc)) from exc


def load_verified(root: Path, name: str) -> dict:
    """data/verified/<name>.json, checked against its schema."""
    path = root / "data" / "verified" / f"{name}.json"
    rel = _rel(path, root)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise MacroError(f"{rel}: not valid JSON: {exc}") from exc
    schemas.VERIFIED_RECORD.check(record, rel)
    return record


def read_front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    m = re.match(r"\A---\s*\n(.*?)\n---\s*\n", text, re.S)
    if not m:
        return {}
    try:
        return safe_load(m.group(1)) or {}
    except yaml.YAMLError:
        return {}

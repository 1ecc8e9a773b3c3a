"""The schemas of the data files: every field, its type, whether it is required.

This is the one place that says which fields a data entry may have. The
loaders in ``data.py`` check every file against these schemas when the site
builds, so a misspelt or missing field fails the build with a message that
names the file, the entry (by its id) and the field. ``data/README.md``
describes each format with a complete example; keep both in step.

To add a field to a format (for example a new field of the error
catalogue), add one line to its schema below, describe it in
``data/README.md``, and use it in the macro that renders the entry.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from macros.errors import MacroError

ID = r"[a-z0-9]+(-[a-z0-9]+)*"  # anchors: lower-case-with-hyphens
DOCS_LINK = r"[A-Za-z0-9_./-]+\.md(#[A-Za-z0-9_\-.:]+)?"  # a page path from docs/, optional #anchor
DATE = r"\d{4}-\d{2}-\d{2}"

_TYPE_NAMES = {str: "text", list: "a list", dict: "a mapping", int: "a number", bool: "true or false"}


@dataclass(frozen=True)
class Field:
    """One field of a data entry."""

    doc: str  # what the field holds, shown in messages
    type: type = str
    required: bool = True
    pattern: str | None = None  # text fields (and list items): must match in full
    items: type | None = None  # list fields: the type of each item
    non_empty: bool = True  # required text and lists may not be empty


@dataclass(frozen=True)
class Schema:
    """The fields an entry of one data format may have."""

    name: str  # e.g. "FAQ entry"
    fields: dict[str, Field]
    doc: str  # where the format is described
    extra_fields: bool = False  # other lower_snake_case fields are allowed (not close to a known one)
    extra: dict[str, Field] = field(default_factory=dict)

    def problems(self, entry: Any, where: str) -> list[str]:
        """Every problem of `entry`, each naming `where` and the field."""
        if not isinstance(entry, dict):
            return [f"{where}: must be a mapping of fields ({', '.join(self.fields)}), got {_describe(entry)}"]
        out = []
        known = list(self.fields)
        for key in entry:
            if key in self.fields:
                continue
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.75)
            if self.extra_fields and not close and re.fullmatch(r"[a-z][a-z0-9_]*", str(key)):
                continue
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            out.append(
                f"{where}: unknown field '{key}'{hint}; {'an' if self.name[0] in 'aeiou' else 'a'} {self.name} has the fields "
                f"{', '.join(known)} (see {self.doc})"
            )
        for key, f in self.fields.items():
            if key not in entry or entry[key] is None:
                if f.required:
                    out.append(f"{where}: missing field '{key}': {f.doc} (see {self.doc})")
                continue
            out.extend(_check_value(entry[key], f, f"{where}: field '{key}'"))
        return out

    def check(self, entry: Any, where: str) -> None:
        problems = self.problems(entry, where)
        if problems:
            raise MacroError("\n".join(problems))


def _describe(value: Any) -> str:
    return f"{_TYPE_NAMES.get(type(value), type(value).__name__)} ({str(value)[:40]!r})"


def _check_value(value: Any, f: Field, where: str) -> list[str]:
    if not isinstance(value, f.type):
        quote = " (put it in quotes: YAML reads 6.10 as the number 6.1)" if f.type is str and isinstance(
            value, (int, float)) else ""
        return [f"{where} must be {_TYPE_NAMES.get(f.type, f.type.__name__)}, got {_describe(value)}{quote}"]
    if f.non_empty and f.required and not (value.strip() if isinstance(value, str) else value):
        return [f"{where} is empty: {f.doc}"]
    if isinstance(value, str) and f.pattern and not re.fullmatch(f.pattern, value):
        return [f"{where} is {value!r}: {f.doc}"]
    if isinstance(value, list) and f.items is not None:
        for i, item in enumerate(value, 1):
            if not isinstance(item, f.items):
                return [f"{where}, item {i} must be {_TYPE_NAMES.get(f.items, f.items.__name__)}, got {_describe(item)}"]
            if f.pattern and isinstance(item, str) and not re.fullmatch(f.pattern, item):
                return [f"{where}, item {i} is {item!r}: {f.doc}"]
    return []


README = "data/README.md"

# -- data/faq/<category>.yml -------------------------------------------------------

FAQ_FILE = Schema("FAQ file", {
    "title": Field("the category's title, shown on the FAQ index"),
    "description": Field("one sentence saying what the category covers"),
    "entries": Field("the list of questions", type=list, items=dict),
}, doc=f"{README}#faq")

FAQ_ENTRY = Schema("FAQ entry", {
    "id": Field("the answer's anchor, lower-case-with-hyphens, unique across the FAQ and the error catalogue",
                pattern=ID),
    "q": Field("the question, as a reader would ask it"),
    "a": Field("the answer, in Markdown"),
    "links": Field("at least one link deeper into the site: a page path from docs/, optionally with #anchor, "
                   "such as architecture/run-loop.md#vm-exit", type=list, items=str, pattern=DOCS_LINK),
    "since": Field("the releases the answer applies to, such as 'Linux 6.8 and later'", required=False),
    "zh": Field("the question in Chinese, shown as a small 中文 line and indexed for Chinese search; write it in "
                "Chinese or remove it", required=False, pattern=r"[^\n]*[\u4e00-\u9fff][^\n]*"),
}, doc=f"{README}#faq")

# -- data/glossary/*.yml -------------------------------------------------------------

GLOSSARY_ENTRY = Schema("glossary term", {
    "term": Field("the term as it appears in text (also the tooltip's key)"),
    "expansion": Field("what the term stands for, shown as its tooltip"),
    "zh": Field("the Chinese term"),
    "definition": Field("one or two sentences saying what it means"),
    "link": Field("a page path from docs/ that explains the term, optionally with #anchor",
                  required=False, pattern=DOCS_LINK),
}, doc=f"{README}#glossary")

# -- data/errors.yml ------------------------------------------------------------------
# Add a new field of the error catalogue here (one line), then describe it in
# data/README.md and render it in macros/atlas.py (render_entry).

ERROR_ENTRY = Schema("error-catalogue entry", {
    "id": Field("the entry's anchor, lower-case-with-hyphens, unique across the catalogue and the FAQ",
                pattern=ID),
    "message": Field("the exact text the program prints, with typical example values"),
    "component": Field("the program that prints it, such as qemu, libvirt, kernel"),
    "layer": Field("where the problem sits: host-firmware, kernel, qemu, libvirt or guest (see macros/atlas.py)"),
    "symptoms": Field("what the reader notices, such as wont-start or migration-fails (see macros/atlas.py)",
                      type=list, items=str),
    "category": Field("the group it is listed under, lower-case-with-hyphens, such as modules", pattern=ID),
    "meaning": Field("what the message means, in Markdown"),
    "causes": Field("the causes, most likely first, one Markdown line each", type=list, items=str),
    "fix": Field("what to do, in Markdown (commands in fenced blocks)"),
    "links": Field("at least one link deeper into the site, a page path from docs/ with optional #anchor",
                   type=list, items=str, pattern=DOCS_LINK),
    "emit": Field("where the source prints it: {tree, file, find, prefix, suffix}, or 'none' with an emit_reason",
                  type=object),
    "emit_reason": Field("why the message has no traced source line (with emit: none)", required=False),
    "source": Field("where in the program's source the message is printed, in words", required=False),
    "since": Field("the releases the entry applies to", required=False),
}, doc=f"{README}#errors")

# -- data/verified/<page>.json (written by `make verify`) -------------------------------

VERIFIED_RECORD = Schema("verification record", {
    "checks": Field("one line per thing the tests verified", type=list, items=str),
    "date": Field("the day of the run, YYYY-MM-DD", pattern=DATE),
    "distribution": Field("the test machine's distribution"),
    "host_kernel": Field("the test machine's kernel release"),
    "kvm_kind": Field("what KVM the machine has", required=False),
    "kvm_modules": Field("the loaded KVM modules", required=False),
    "qemu": Field("the QEMU version the tests ran", required=False),
    "libvirt": Field("the libvirt version the tests ran", required=False),
    "python": Field("the Python version the tests ran"),
}, doc=f"{README}#verified", extra_fields=True)

# -- data/versions.yml ----------------------------------------------------------------

RELEASE = r"\d+(\.\d+)+(-rc\d+)?"
VERSIONS = Schema("versions file", {
    "linux": Field('the Linux release, quoted, such as "6.18"', pattern=RELEASE),
    "qemu": Field('the QEMU release, quoted, such as "10.1.0"', pattern=RELEASE),
    "libvirt": Field('the libvirt release, quoted, such as "11.10.0"', pattern=RELEASE),
}, doc=f"{README}#versions", extra_fields=True)

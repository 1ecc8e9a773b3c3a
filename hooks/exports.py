"""Machine-readable exports of the reference data (MkDocs hook).

Writes JSON files under ``reference/exports/`` of the built site, each with
the upstream versions the content is checked against (data/versions.yml):

- ``faq.json``          every FAQ category and entry (data/faq/*.yml)
- ``glossary.json``     every glossary term (data/glossary/*.yml)
- ``errors.json``       the error-message catalogue (data/errors.yml)
- ``ioctls.json``       the tables of docs/reference/ioctls.md
- ``exit-reasons.json`` the tables of docs/reference/exit-reasons.md

Data files are exported as they are, field for field, so a new field in a
data file appears in its export without a change here. The two reference
pages keep their tables in Markdown; the export reads those tables (one row
per ioctl or exit reason, keyed by the column headings, with inline Markdown
reduced to text and the link targets kept). The files are added to MkDocs'
file list, so pages can link to them and ``mkdocs serve`` serves them.
tests/test_exports.py checks each export against its source.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from mkdocs.plugins import event_priority

import yaml
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

EXPORT_DIR = "reference/exports"
# page -> sections (heading ids) whose tables are exported
TABLE_PAGES = {
    "ioctls": ("docs/reference/ioctls.md", ("system", "vm", "vcpu", "device", "obsolete")),
    "exit-reasons": ("docs/reference/exit-reasons.md", ("table", "obsolete")),
}
HEADING = re.compile(r"^(#{2,6})\s+(.*?)\s*(?:\{\s*#([\w-]+)\s*\})?\s*$")
LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)[^)]*\)")


# libyaml's parser where PyYAML has it: these files are read on every rebuild
# of make serve, and the pure-Python parser took most of a data edit's time.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load(path: Path):
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_SafeLoader)  # noqa: S506 - a safe loader


def _split_row(line: str) -> list[str]:
    """Cells of a Markdown table row; `\\|` and pipes inside backticks stay in the cell."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells, cur, in_code = [], [], False
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body) and body[i + 1] == "|":
            cur.append("|")
            i += 2
            continue
        if ch == "`":
            in_code = not in_code
        if ch == "|" and not in_code:
            cells.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
        i += 1
    cells.append("".join(cur).strip())
    return cells


def plain(cell: str) -> str:
    """Inline Markdown to text: links to their text, no backticks or emphasis markers."""
    text = LINK.sub(lambda m: m.group(1), cell)
    text = text.replace("`", "")
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)
    return text.replace("<br>", " ").strip()


def markdown_tables(text: str, sections: tuple[str, ...]) -> list[dict]:
    """Rows of the tables under the given `## Heading { #id }` sections."""
    rows: list[dict] = []
    section = heading = None
    lines = text.split("\n")
    i = 0
    in_fence = False
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        m = None if in_fence else HEADING.match(line)
        if m and len(m.group(1)) == 2:
            section, heading = m.group(3), m.group(2)
        if (not in_fence and section in sections and line.lstrip().startswith("|")
                and i + 1 < len(lines) and re.match(r"^\s*\|?\s*:?-{3,}", lines[i + 1])):
            header = [plain(c) for c in _split_row(line)]
            i += 2
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                cells = _split_row(lines[i])
                row = {"section": section, "section_title": heading}
                links = []
                for key, cell in zip(header, cells):
                    row[key] = plain(cell)
                    links += [m.group(2) for m in LINK.finditer(cell)]
                if links:
                    row["links"] = links
                rows.append(row)
                i += 1
            continue
        i += 1
    return rows


def build_exports(root: Path) -> dict[str, dict]:
    """File name -> JSON document, from the project at `root`."""
    versions = _load(root / "data" / "versions.yml")
    out: dict[str, dict] = {}

    def doc(name: str, source: str, description: str, **body) -> None:
        out[f"{name}.json"] = {
            "name": name,
            "description": description,
            "source": source,
            "versions": versions,
            **body,
        }

    faq = []
    for path in sorted((root / "data" / "faq").glob("*.yml")):
        data = _load(path) or {}
        faq.append({"category": path.stem, **data})
    doc("faq", "data/faq/*.yml", "Frequently asked questions, by category; answers are Markdown.", categories=faq)

    terms = []
    for path in sorted((root / "data" / "glossary").glob("*.yml")):
        for entry in _load(path) or []:
            terms.append(entry)
    terms.sort(key=lambda t: str(t.get("term", "")).lower())
    doc("glossary", "data/glossary/*.yml", "Glossary terms with expansion, Chinese term and definition.", terms=terms)

    errors_path = root / "data" / "errors.yml"
    doc("errors", "data/errors.yml", "Error messages printed by KVM, QEMU and libvirt, with cause and fix (Markdown).",
        entries=_load(errors_path) or [] if errors_path.exists() else [])

    for name, (page, sections) in TABLE_PAGES.items():
        text = (root / page).read_text(encoding="utf-8")
        rows = markdown_tables(text, sections)
        if not rows:
            raise PluginError(
                f"hooks/exports.py: found no table rows under sections {', '.join(sections)} of {page}; "
                "keep the tables under those headings or update TABLE_PAGES in hooks/exports.py"
            )
        doc(name, page, f"The tables of {page}, one object per row keyed by column heading.", rows=rows)
    return out


def dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1, default=str) + "\n"


# After the i18n plugin (priority -100), which expects every file to come from docs/.
@event_priority(-110)
def on_files(files, config, **kwargs):
    root = Path(config.config_file_path).resolve().parent
    for name, document in build_exports(root).items():
        files.append(File.generated(config, f"{EXPORT_DIR}/{name}", content=dumps(document)))
    return files

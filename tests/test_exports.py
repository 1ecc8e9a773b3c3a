"""Machine-readable exports (hooks/exports.py): each one matches its source."""
from __future__ import annotations

import json
import re

import pytest
import yaml

from hooks import exports
from sitebuild import ROOT

EXPORTS = ("faq", "glossary", "errors", "ioctls", "exit-reasons")


def load_export(site, name: str) -> dict:
    path = site.site / "reference" / "exports" / f"{name}.json"
    assert path.is_file(), f"the build wrote no {path.relative_to(site.site)}"
    return json.loads(path.read_text(encoding="utf-8"))


def as_json(value):
    """What a YAML value looks like after a JSON round trip (dates become strings)."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def yml(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", EXPORTS)
def test_export_carries_the_pinned_versions(site, name):
    doc = load_export(site, name)
    assert doc["versions"] == as_json(yml(ROOT / "data" / "versions.yml"))
    assert doc["name"] == name and doc["source"]


def test_faq_export_matches_data_files(site):
    doc = load_export(site, "faq")
    files = sorted((ROOT / "data" / "faq").glob("*.yml"))
    assert [c["category"] for c in doc["categories"]] == [p.stem for p in files]
    for cat, path in zip(doc["categories"], files):
        data = as_json(yml(path))
        assert {k: v for k, v in cat.items() if k != "category"} == data, f"faq.json differs from {path.name}"


def test_glossary_export_matches_data_files(site):
    doc = load_export(site, "glossary")
    terms = [t for p in sorted((ROOT / "data" / "glossary").glob("*.yml")) for t in yml(p)]
    key = lambda t: str(t["term"]).lower()
    assert sorted(doc["terms"], key=key) == sorted(as_json(terms), key=key)


def test_error_export_matches_data_file(site):
    # Every field of every entry, whatever fields data/errors.yml grows.
    assert load_export(site, "errors")["entries"] == as_json(yml(ROOT / "data" / "errors.yml"))


def page_rows(page: str, col: int) -> list[list[str]]:
    """Table rows of a reference page whose cell `col` names a `KVM_*` constant (read independently)."""
    rows = []
    for line in (ROOT / "docs" / "reference" / page).read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) > col and re.match(r"`KVM_[A-Z0-9_]+`", cells[col]):
            rows.append(cells)
    return rows


def test_ioctl_export_matches_the_page(site):
    rows = load_export(site, "ioctls")["rows"]
    names = [r["ioctl"] for r in rows]
    expected = [cells[0].replace("`", "") for cells in page_rows("ioctls.md", 0)]
    assert expected, "no ioctl rows found in docs/reference/ioctls.md"
    assert names == expected
    for row, cells in zip(rows, page_rows("ioctls.md", 0)):
        columns = [v for k, v in row.items() if k not in ("section", "section_title", "links")]
        assert columns[1] == cells[1].replace("`", ""), row["ioctl"]


def test_exit_reason_export_matches_the_page(site):
    rows = load_export(site, "exit-reasons")["rows"]
    expected = [(c[0], c[1].strip("`")) for c in page_rows("exit-reasons.md", 1) if c[0].isdigit()]
    assert len(expected) >= 41, "the exit-reason table lost rows"
    numbered = [(r["#"], r["Name"]) for r in rows if r.get("#", "").isdigit()]
    assert numbered == expected


def test_reference_section_links_every_export(site):
    # The links are plain HTML (MkDocs does not check them): check that each one resolves.
    html = (site.site / "reference" / "index.html").read_text(encoding="utf-8")
    for name in EXPORTS:
        assert f'href="exports/{name}.json"' in html, f"reference/index.md does not link exports/{name}.json"
    assert 'href="../feed.xml"' in html, "reference/index.md does not link the change feed"
    for href in re.findall(r'href="((?:exports/|\.\./feed)[^"]*)"', html):
        assert (site.site / "reference" / href).resolve().is_file(), f"reference/index.md links {href}, which is missing"


def test_table_export_fails_with_a_message_when_the_table_moves(tmp_path):
    (tmp_path / "docs" / "reference").mkdir(parents=True)
    for sub in ("faq", "glossary"):
        (tmp_path / "data" / sub).mkdir(parents=True)
    (tmp_path / "data" / "versions.yml").write_text('linux: "6.18"\n')
    (tmp_path / "docs" / "reference" / "ioctls.md").write_text("# ioctls\n\n## System { #system }\n\nNo table.\n")
    (tmp_path / "docs" / "reference" / "exit-reasons.md").write_text("# x\n")
    with pytest.raises(Exception, match=r"docs/reference/ioctls\.md.*TABLE_PAGES"):
        exports.build_exports(tmp_path)


def test_markdown_table_cells():
    text = "## A { #system }\n\n| ioctl | Docs |\n|---|---|\n| `A\\|B` and `x|y` | [api](https://e.org/#a) |\n"
    [row] = exports.markdown_tables(text, ("system",))
    assert row["ioctl"] == "A|B and x|y"
    assert row["Docs"] == "api" and row["links"] == ["https://e.org/#a"]

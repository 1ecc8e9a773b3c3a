"""Content rules that span pages and data files."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from kbtest import ROOT
from macros import data as macros

DOCS = ROOT / "docs"
TESTS = ROOT / "tests"


def pages() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md") if "_templates" not in p.parts)


# -- FAQ -------------------------------------------------------------------------


def test_faq_has_enough_entries_with_answers_links_and_unique_anchors():
    faq = macros.load_faq(ROOT)  # raises on a missing answer, link or duplicate id
    entries = [(cat, e) for cat, data in faq.items() for e in data["entries"]]
    assert len(entries) >= 60, f"only {len(entries)} FAQ entries"
    assert set(faq) == set(macros.FAQ_CATEGORIES), "every category has a data file"
    error_ids = {e["id"] for e in macros.load_errors(ROOT)}
    faq_ids = [e["id"] for _, e in entries]
    assert not (set(faq_ids) & error_ids), "FAQ ids and error ids share the anchor namespace"
    for cat, e in entries:
        assert (DOCS / "faq" / f"{cat}.md").exists()
        sentences = len(re.findall(r"[.!?](\s|$)", re.sub(r"`[^`]*`|\([^)]*\)", "", str(e["a"]).strip())))
        assert 1 <= sentences <= 8, f"{e['id']}: answer has {sentences} sentences; keep it to two to six"
        for link in e["links"]:
            assert (DOCS / link.partition("#")[0]).is_file(), f"{e['id']}: {link}"


def test_required_faq_questions_exist():
    ids = {e["id"] for data in macros.load_faq(ROOT).values() for e in data["entries"]}
    for required in ("how-many-threads", "is-a-vm-a-thread", "books-and-projects", "what-is-libkvm"):
        assert required in ids


def test_faq_pages_render_their_category():
    for cat in macros.FAQ_CATEGORIES:
        text = (DOCS / "faq" / f"{cat}.md").read_text()
        assert f'faq_category("{cat}")' in text, f"docs/faq/{cat}.md must render its own category"


def test_faq_anchors_in_built_site(site):
    for cat, data in macros.load_faq(ROOT).items():
        html = (site.site / "faq" / cat / "index.html").read_text()
        for e in data["entries"]:
            assert f'id="{e["id"]}"' in html, f"faq/{cat}: anchor {e['id']} missing"


def test_error_catalogue_is_shared_not_copied(site):
    errors = macros.load_errors(ROOT)
    assert len(errors) >= 20
    overview = (site.site / "hands-on" / "troubleshooting" / "index.html").read_text()
    brief = (site.site / "faq" / "troubleshooting" / "index.html").read_text()
    for e in errors:
        # Each entry in full on its layer's page, and nowhere else; linked from both indexes.
        page = (site.site / "hands-on" / "errors" / e["layer"] / "index.html").read_text()
        assert f'id="{e["id"]}"' in page, e["id"]
        assert f'id="{e["id"]}"' not in overview, e["id"]
        assert f'errors/{e["layer"]}/#{e["id"]}"' in brief, e["id"]
        assert f'errors/{e["layer"]}/#{e["id"]}"' in overview, e["id"]
    # Causes and fixes are written once, in data/errors.yml, not pasted into pages
    # (pages may quote a message to point at its entry).
    for page in pages():
        text = " ".join(page.read_text().split())
        pasted = [e["id"] for e in errors
                  for part in (str(e["meaning"]), str(e["fix"]))
                  if len(part) > 60 and " ".join(part.split())[:120] in text]
        assert not pasted, f"{page.relative_to(ROOT)} repeats catalogue entries: {pasted[:3]}"


# -- glossary --------------------------------------------------------------------

REQUIRED_TERMS = (
    "KVM VMX SVM VMCS VMCB EPT NPT vCPU VMM memslot virtio vhost VFIO QMP HMP BQL TCG dom0 domU PV HVM PVH".split()
)


def test_glossary_has_required_terms_with_chinese():
    glossary = macros.load_glossary(ROOT)
    terms = {t["term"] for t in glossary}
    assert not [t for t in REQUIRED_TERMS if t not in terms]
    for t in glossary:
        assert re.search(r"[\u4e00-\u9fff]", t["zh"]), f"{t['term']}: zh has no Chinese"
        if t.get("link"):
            assert (DOCS / t["link"].partition("#")[0]).is_file(), f"{t['term']}: {t['link']}"


# -- runnable material -----------------------------------------------------------

SNIPPET = re.compile(r'--8<--\s+"([^"]+?)(?::[\w-]+)?"')


def included_files() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for page in pages():
        for m in SNIPPET.finditer(page.read_text()):
            found.setdefault(m.group(1), []).append(page.relative_to(DOCS).as_posix())
    return found


def code_strings(source: str) -> str:
    """The string literals of a test module, without docstrings and comments.

    A program counts as run when a test names it in code (a path, a file
    name, a list of step names), not when a comment or docstring mentions it.
    """
    import ast

    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return "\n".join(
        node.value for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    )


def programs_run(examples: list[Path], test_strings: str) -> set[Path]:
    """The example files a test names in code, and the modules those programs import."""
    run = {p for p in examples if p.name in test_strings or (p.suffix and re.search(
        rf"(?<![\w-]){re.escape(p.stem)}(?![\w-])", test_strings))}
    # A module is run when a program that runs imports it (e.g. kvm.py by the lab steps).
    changed = True
    while changed:
        changed = False
        for p in examples:
            if p in run or p.suffix != ".py":
                continue
            if any(q.parent == p.parent and re.search(rf"^\s*(from|import)\s+{re.escape(p.stem)}\b",
                                                        q.read_text(errors="replace"), re.M) for q in run):
                run.add(p)
                changed = True
    return run


def test_included_programs_are_run_by_tests():
    """Every script or program a page includes is named, in code, by a test (transcripts are checked elsewhere)."""
    strings = "\n".join(code_strings(p.read_text()) for p in TESTS.rglob("*.py"))
    examples = [p for p in (ROOT / "examples").rglob("*") if p.is_file()]
    run = programs_run(examples, strings)
    unrun = []
    for path, where in included_files().items():
        if "/transcripts/" in path or path.endswith((".txt", ".xml", ".json", ".yaml", ".yml", ".cfg", ".conf")):
            continue
        if (ROOT / path) not in run:
            unrun.append(f"{path} (included by {', '.join(sorted(set(where)))})")
    assert unrun == [], "included but not run by any test:\n" + "\n".join(unrun)


def test_a_mention_in_a_comment_does_not_count_as_running(tmp_path):
    """The check above fails for a program that tests only mention in comments or docstrings."""
    prog = tmp_path / "examples" / "demo" / "make-bridge.sh"
    prog.parent.mkdir(parents=True)
    prog.write_text("#!/bin/sh\n")
    mention = '"""Runs make-bridge.sh (one day)."""\n# TODO run make-bridge.sh\nx = 1  # make-bridge\n'
    assert programs_run([prog], code_strings(mention)) == set()
    runs = 'def test_bridge():\n    """Docstring."""\n    subprocess.run(["sh", EX / "make-bridge.sh"])\n'
    assert programs_run([prog], code_strings(runs)) == {prog}
    steps = 'STEPS = ["make-bridge", "other"]\nfor s in STEPS: run(EX / f"{s}.sh")\n'
    assert programs_run([prog], code_strings(steps)) == {prog}


def test_transcripts_are_checked_by_tests():
    test_text = "\n".join(p.read_text() for p in TESTS.rglob("*.py"))
    # A transcript is checked when a test names it (file name or stem) in a check_transcript call.
    unchecked = [p for p in included_files() if "/transcripts/" in p
                 and Path(p).name not in test_text and Path(p).stem not in test_text]
    assert unchecked == [], f"transcripts shown on pages but named by no test: {unchecked}"


def test_hands_on_pages_show_what_was_verified():
    """A page that includes a program for the reader to run shows what the tests verified.

    A plain how-to (no included program; docs/_templates/how-to.md) needs no record.
    """
    for page in pages():
        text = page.read_text()
        if page.name == "troubleshooting.md" or not re.search(r'--8<--\s+"examples/', text):
            continue
        m = re.search(r'verified\("([\w-]+)"\)', text)
        assert m, f"{page.relative_to(DOCS)} includes programs but does not show its verification record"
        assert (ROOT / "data" / "verified" / f"{m.group(1)}.json").exists()


@pytest.mark.parametrize("template", sorted((DOCS / "_templates").glob("*.md")), ids=lambda p: p.name)
def test_templates_pass_the_content_policy(template, monkeypatch):
    from hooks import policy

    from test_build import load_mkdocs_config

    config = load_mkdocs_config()
    tags = next(p["tags"]["tags_allowed"] for p in config["plugins"] if isinstance(p, dict) and "tags" in p)
    monkeypatch.setattr(policy, "_allowed_tags", set(tags))
    text = template.read_text()
    meta = yaml.safe_load(text.split("---\n")[1])
    body = text.split("---\n", 2)[2]
    assert policy.check_page(f"hands-on/{template.name}", meta, body, body) == []


def test_verification_records_are_written_only_by_make_verify(tmp_path, monkeypatch):
    """Running the tests leaves data/verified/ as committed; make verify rewrites it."""
    import json

    import kbtest

    monkeypatch.setattr(kbtest, "VERIFIED_DIR", tmp_path)
    monkeypatch.setattr(kbtest, "host_facts", lambda: {"distribution": "Debian"})
    monkeypatch.setattr(kbtest, "WRITE_VERIFIED", False)
    assert kbtest.record_verified("x", ["ran"])["checks"] == ["ran"]
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(kbtest, "WRITE_VERIFIED", True)
    kbtest.record_verified("x", ["ran"])
    assert json.loads((tmp_path / "x.json").read_text())["checks"] == ["ran"]


# -- data/README.md: every format's example passes its schema ----------------------


def readme_examples() -> dict[str, str]:
    """The first yaml or json example under each '## Format' heading of data/README.md."""
    out = {}
    for section in re.split(r"^## ", (ROOT / "data" / "README.md").read_text(), flags=re.M)[1:]:
        m = re.search(r"^```(?:yaml|json)\n(.*?)^```$", section, re.S | re.M)
        if m:
            out[section.split("\n", 1)[0].strip()] = m.group(1)
    return out


def load_errors_with_real_provenance(root):
    """The README's error example, checked against the schema and against the real provenance record."""
    prov = yaml.safe_load((ROOT / "data" / "errors-provenance.yml").read_text())
    ids = {e["id"] for e in yaml.safe_load((root / "data" / "errors.yml").read_text())}
    prov["messages"] = {k: v for k, v in prov["messages"].items() if k in ids}
    (root / "data" / "errors-provenance.yml").write_text(yaml.safe_dump(prov))
    return macros.load_errors(root)


README_TARGETS = {
    "FAQ": ("data/faq/concepts.yml", lambda root: macros.load_faq(root)),
    "Glossary": ("data/glossary/core.yml", lambda root: macros.load_glossary(root)),
    "Errors": ("data/errors.yml", lambda root: load_errors_with_real_provenance(root)),
    "Source files": ("data/source-files/run-loop.yml", lambda root: macros.load_source_files(root)),
    "Verified": ("data/verified/check-host.json", lambda root: macros.load_verified(root, "check-host")),
    "Versions": ("data/versions.yml", lambda root: macros.load_versions(root)),
}


@pytest.mark.parametrize("fmt", list(README_TARGETS))
def test_data_readme_example_passes_its_schema(fmt, tmp_path):
    examples = readme_examples()
    assert fmt in examples, f"data/README.md has no example under '## {fmt}'"
    rel, load = README_TARGETS[fmt]
    (tmp_path / rel).parent.mkdir(parents=True)
    (tmp_path / rel).write_text(examples[fmt])
    assert load(tmp_path)


def test_every_schema_is_described_in_data_readme():
    from macros import schemas

    headings = set(readme_examples())
    anchors = {h.lower().replace(" ", "-") for h in headings}
    for name in dir(schemas):
        obj = getattr(schemas, name)
        if isinstance(obj, schemas.Schema):
            assert obj.doc.split("#")[1] in anchors, f"{name}: {obj.doc} has no section in data/README.md"
            section = (ROOT / "data" / "README.md").read_text().split(f"## {next(h for h in headings if h.lower().replace(' ', '-') == obj.doc.split('#')[1])}")[1].split("\n## ")[0]
            for field in obj.fields:
                assert field in section, f"data/README.md#{obj.doc.split('#')[1]} does not show the field '{field}'"


# -- cross-links -------------------------------------------------------------------


HAND_LINK = re.compile(r"\]\(\.\./([a-z0-9-]+)/")
XREF_LINK = re.compile(r"""xref\(\s*["']([a-z0-9-]+)/""")


def other_sections(text: str, own: str) -> set[str]:
    """Sections a page links to, by hand-written relative links or by xref()."""
    return (set(HAND_LINK.findall(text)) | set(XREF_LINK.findall(text))) - {own}


def check_links_to_other_sections(rel: str, text: str) -> None:
    own = rel.split("/")[0]
    assert other_sections(text, own), f"{rel} links to no other section (use xref() to link one)"


@pytest.mark.parametrize("page", [p for p in pages() if p.name.replace(".zh.md", ".md") != "index.md"
                                  and p.parent != DOCS / "faq"
                                  and p.name.replace(".zh.md", ".md") not in ("tags.md", "glossary.md")],
                         ids=lambda p: p.relative_to(DOCS).as_posix())
def test_pages_link_to_other_sections(page):
    check_links_to_other_sections(page.relative_to(DOCS).as_posix(), page.read_text())


def test_link_check_counts_xref_and_fails_on_same_section_links():
    check_links_to_other_sections("tooling/x.md", 'See {{ xref("architecture/run-loop.md#vm-exit") }}.')
    check_links_to_other_sections("tooling/x.md", "See [the FAQ](../faq/concepts.md).")
    with pytest.raises(AssertionError, match="links to no other section"):
        check_links_to_other_sections("tooling/x.md", 'See {{ xref("tooling/qemu.md") }} and [b](libvirt.md).')


def test_pinned_tags_in_code_match_versions_file():
    """Code blocks cannot use the version macros; tags typed there must match data/versions.yml."""
    versions = yaml.safe_load((ROOT / "data" / "versions.yml").read_text())
    wrong = []
    for page in pages():
        for m in re.finditer(r"git -C (linux|qemu|libvirt) switch --detach v([\d.]+)", page.read_text()):
            if m.group(2) != versions[m.group(1)]:
                wrong.append(f"{page.relative_to(DOCS)}: {m.group(0)} (pinned: v{versions[m.group(1)]})")
    assert wrong == []

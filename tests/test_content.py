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
    full = (site.site / "hands-on" / "troubleshooting" / "index.html").read_text()
    brief = (site.site / "faq" / "troubleshooting" / "index.html").read_text()
    for e in errors:
        assert f'id="{e["id"]}"' in full, e["id"]
        assert f'troubleshooting/#{e["id"]}"' in brief, e["id"]
    # Causes and fixes are written once, in data/errors.yml, not pasted into pages
    # (pages may quote a message to point at its entry).
    for page in pages():
        text = " ".join(page.read_text().split())
        pasted = [e["id"] for e in errors
                  for part in (str(e["cause"]), str(e["fix"]))
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


def test_included_programs_are_run_by_tests():
    """Every script or program a page includes is referenced by a test (transcripts are checked elsewhere)."""
    test_text = "\n".join(p.read_text() for p in TESTS.rglob("*.py"))
    examples = [p for p in (ROOT / "examples").rglob("*") if p.is_file()]
    run = {p for p in examples if p.name in test_text or (p.suffix and p.stem in test_text
                                                          and re.search(rf"\b{re.escape(p.stem)}\b", test_text))}
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
    unrun = []
    for path, where in included_files().items():
        if "/transcripts/" in path or path.endswith((".txt", ".xml", ".json", ".yaml", ".yml", ".cfg", ".conf")):
            continue
        if (ROOT / path) not in run:
            unrun.append(f"{path} (included by {', '.join(sorted(set(where)))})")
    assert unrun == [], "included but not run by any test:\n" + "\n".join(unrun)


def test_transcripts_are_checked_by_tests():
    test_text = "\n".join(p.read_text() for p in TESTS.rglob("*.py"))
    # A transcript is checked when a test names it (file name or stem) in a check_transcript call.
    unchecked = [p for p in included_files() if "/transcripts/" in p
                 and Path(p).name not in test_text and Path(p).stem not in test_text]
    assert unchecked == [], f"transcripts shown on pages but named by no test: {unchecked}"


def test_hands_on_pages_show_what_was_verified():
    for page in sorted((DOCS / "hands-on").glob("*.md")):
        if page.name == "index.md" or page.name == "troubleshooting.md":
            continue
        text = page.read_text()
        m = re.search(r'verified\("([\w-]+)"\)', text)
        assert m, f"{page.name} does not show its verification record"
        assert (ROOT / "data" / "verified" / f"{m.group(1)}.json").exists()


# -- cross-links -------------------------------------------------------------------


@pytest.mark.parametrize("page", [p for p in pages() if p.name != "index.md" and p.parent != DOCS / "faq"
                                  and p.name not in ("tags.md", "glossary.md")],
                         ids=lambda p: p.relative_to(DOCS).as_posix())
def test_pages_link_to_other_sections(page):
    text = page.read_text()
    sections = set(re.findall(r"\]\(\.\./([a-z-]+)/", text))
    assert sections, f"{page.relative_to(DOCS)} links to no other section"


def test_pinned_tags_in_code_match_versions_file():
    """Code blocks cannot use the version macros; tags typed there must match data/versions.yml."""
    versions = yaml.safe_load((ROOT / "data" / "versions.yml").read_text())
    wrong = []
    for page in pages():
        for m in re.finditer(r"git -C (linux|qemu|libvirt) switch --detach v([\d.]+)", page.read_text()):
            if m.group(2) != versions[m.group(1)]:
                wrong.append(f"{page.relative_to(DOCS)}: {m.group(0)} (pinned: v{versions[m.group(1)]})")
    assert wrong == []

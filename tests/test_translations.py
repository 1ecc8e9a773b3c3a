"""The Chinese edition stays in step with the English pages.

Each ``docs/**/page.zh.md`` records in ``translated_from`` the git blob hash
of the ``page.md`` it translates (``git hash-object docs/.../page.md``).
``test_list_outdated_translations`` prints the translations whose English
page has changed since (run with ``-s`` to see the list, or run
``python tests/test_translations.py``); the built page of each shows a notice
linking to the English page, and the other tests check that it does, that a
page without a translation falls back to English with a notice, and that a
bad translation fails the build naming its file.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kbtest import ROOT

sys.path.insert(0, str(ROOT))
from hooks import i18n  # noqa: E402

DOCS = ROOT / "docs"


def translations() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.zh.md") if "_templates" not in p.parts)


def meta(path: Path) -> dict:
    m = re.match(r"\A---\s*\n(.*?)\n---\s*\n", path.read_text(encoding="utf-8"), re.S)
    return yaml.safe_load(m.group(1)) if m else {}


def statuses() -> dict[str, tuple[str, str]]:
    return {p.relative_to(DOCS).as_posix(): i18n.translation_status(p, meta(p)) for p in translations()}


def built(site_dir: Path, rel: str) -> Path:
    """docs/x/page.zh.md -> <site>/zh/x/page/index.html (index.zh.md -> zh/x/index.html)."""
    stem = rel[: -len(".zh.md")]
    stem = stem[: -len("index")].rstrip("/") if stem.endswith("index") else stem
    return site_dir / "zh" / stem / "index.html" if stem else site_dir / "zh" / "index.html"


def test_blob_hash_is_what_git_prints():
    page = DOCS / "index.md"
    out = subprocess.run(["git", "hash-object", str(page)], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        pytest.skip(f"git hash-object failed: {out.stderr.strip()}")
    assert i18n.blob_hash(page.read_bytes()) == out.stdout.strip()


def test_translation_status_unit(tmp_path):
    en = tmp_path / "page.md"
    zh = tmp_path / "page.zh.md"
    en.write_text("English.\n")
    assert i18n.translation_status(zh, {})[0] == "invalid"
    assert i18n.translation_status(zh, {"translated_from": "abc"})[0] == "invalid"
    current = i18n.blob_hash(en.read_bytes())
    assert i18n.translation_status(zh, {"translated_from": current}) == ("current", "")
    en.write_text("English, edited.\n")
    assert i18n.translation_status(zh, {"translated_from": current})[0] == "outdated"
    assert i18n.translation_status(tmp_path / "orphan.zh.md", {"translated_from": current})[0] == "invalid"


def test_every_translation_records_its_english_version():
    assert translations(), "no Chinese translations found"
    invalid = {rel: detail for rel, (status, detail) in statuses().items() if status == "invalid"}
    assert invalid == {}


def test_list_outdated_translations():
    """Prints the translations to update; the built pages warn their readers (next test)."""
    outdated = {rel: detail for rel, (status, detail) in statuses().items() if status == "outdated"}
    print(f"\n{len(translations())} translations, {len(outdated)} outdated")
    for rel, detail in outdated.items():
        en = i18n.english_source(DOCS / rel).relative_to(ROOT)
        print(f"  docs/{rel}: {detail}; see: git diff {meta(DOCS / rel)['translated_from']} -- {en}")
    assert all(status in ("current", "outdated") for status, _ in statuses().values())


NOTICE = 'kvmkb-i18n-notice'


def test_built_pages_show_the_right_notice(site):
    for rel, (status, _) in statuses().items():
        html = built(site.site, rel).read_text()
        assert 'lang="zh"' in html[:200], rel
        if status == "outdated":
            assert "译文可能已过时" in html, f"{rel} is outdated but its page shows no notice"
        else:
            assert NOTICE not in html, f"{rel} is current but its page shows a notice"


def test_untranslated_page_falls_back_to_english_with_notice(site):
    translated = {built(site.site, rel) for rel in statuses()}
    fallbacks = [p for p in (site.site / "zh").rglob("index.html") if p not in translated]
    assert fallbacks, "every page is translated: pick another fallback check"
    for page in fallbacks:
        html = page.read_text()
        rel = page.relative_to(site.site / "zh").parent.as_posix()
        assert "本页尚未翻译" in html, f"zh/{rel}: no fallback notice"
        en = "" if rel == "." else f"{rel}/"
        assert (site.site / en / "index.html").is_file(), f"zh/{rel}: no English page to link"
        assert re.search(r'<div lang="en">', html), f"zh/{rel}: English content not marked lang=en"


def test_hreflang_alternates_are_absolute_and_exist(site):
    """Each edition names the other with an absolute URL under site_url that
    exists in the build (relative hreflang links are ignored by search engines)."""
    site_url = yaml.safe_load(re.search(r"(?m)^site_url: .*$", (ROOT / "mkdocs.yml").read_text()).group(0))["site_url"]
    pages = [site.site / "index.html", site.site / "architecture/run-loop/index.html",
             site.site / "zh/hands-on/troubleshooting/index.html"]
    for page in pages:
        links = re.findall(r'<link rel="alternate" href="([^"]*)" hreflang="([^"]+)">', page.read_text())
        assert {lang for _, lang in links} == {"en", "zh"}, (page, links)
        for href, lang in links:
            assert href.startswith(site_url), (page, href)
            target = site.site / href[len(site_url):] / "index.html"
            assert target.is_file(), f"{page}: hreflang={lang} points to {href}, not in the build"
        own = page.relative_to(site.site).parent.as_posix()
        own = "" if own == "." else own + "/"
        lang = "zh" if own.startswith("zh/") else "en"
        assert (site_url + own, lang) in links, (page, links)


def test_language_selector_links_both_editions(site):
    html = (site.site / "architecture" / "run-loop" / "index.html").read_text()
    assert 'href="../../zh/architecture/run-loop/" hreflang="zh"' in html
    html = (site.site / "zh" / "architecture" / "run-loop" / "index.html").read_text()
    assert 'href="../../../architecture/run-loop/" hreflang="en"' in html


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    """A copy of the project where one English page changed and two translations are bad."""
    from sitebuild import build, copy_project

    project = copy_project(tmp_path_factory.mktemp("i18n") / "project")
    rel = translations()[0].relative_to(DOCS).as_posix()
    en = i18n.english_source(project / "docs" / rel)
    en.write_text(en.read_text() + "\nA sentence added after the translation.\n")
    good = build(project, project / "site-ok", timeout=600)
    bad_link = project / "docs" / "architecture" / "cpu.zh.md"
    bad_link.write_text(
        "---\ntitle: CPU\ndescription: 测试页面。\ntype: explanation\ntags: [cpu]\n"
        f"translated_from: {i18n.blob_hash((project / 'docs/architecture/cpu.md').read_bytes())}\n---\n\n"
        "# CPU\n\n[坏链接](no-such-page.md)\n\n## 参考资料\n\n- 无。\n"
    )
    no_record = project / "docs" / "architecture" / "security.zh.md"
    no_record.write_text(
        "---\ntitle: 安全\ndescription: 测试页面。\ntype: explanation\ntags: [security]\n---\n\n"
        "# 安全\n\n正文。\n\n## 参考资料\n\n- 无。\n"
    )
    bad = build(project, project / "site-bad", timeout=600)
    return rel, good, bad


def test_changed_english_page_marks_translation_outdated(edited):
    rel, good, _ = edited
    assert good.returncode == 0, good.output[-3000:]
    html = built(good.site, rel).read_text()
    assert "译文可能已过时" in html
    assert 'hreflang="en" lang="en">English page</a>' in html


def test_bad_translations_fail_the_build_naming_the_file(edited):
    _, _, bad = edited
    assert bad.returncode != 0, bad.output[-3000:]
    assert re.search(r"Doc file 'architecture/cpu\.zh\.md' contains a link 'no-such-page\.md'", bad.output), bad.output[-3000:]
    assert "docs/architecture/security.zh.md: front matter: missing or malformed 'translated_from'" in bad.output


if __name__ == "__main__":
    for rel, (status, detail) in statuses().items():
        print(f"{status:9} docs/{rel} {detail}")


# -- the FAQ, translated entry by entry (data/faq/zh/<category>.yml) -------------------


def faq_status() -> dict[str, str]:
    """{'category/id': 'current' | 'outdated' | 'missing'} for every English FAQ entry."""
    from macros.data import faq_entry_hash, load_faq, load_faq_zh

    faq = load_faq(ROOT)
    zh = load_faq_zh(ROOT, faq)  # raises on an unknown id, a missing field or a bad record
    out = {}
    for cat, data in faq.items():
        translated = zh.get(cat, {}).get("entries", {})
        for e in data["entries"]:
            t = translated.get(e["id"])
            key = f"{cat}/{e['id']}"
            out[key] = "missing" if t is None else ("current" if t["translated_from"] == faq_entry_hash(e) else "outdated")
    return out


def test_list_outdated_or_missing_faq_translations():
    status = faq_status()
    counts = {s: sum(1 for v in status.values() if v == s) for s in ("current", "outdated", "missing")}
    print(f"\nFAQ entries: {counts}")
    for key, s in status.items():
        if s != "current":
            print(f"  {s:8} {key}")
    assert counts["current"] > 0


def test_faq_translation_records_are_checked(tmp_path):
    import shutil

    from macros.data import MacroError, load_faq, load_faq_zh

    (tmp_path / "data" / "faq" / "zh").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "faq" / "concepts.yml", tmp_path / "data" / "faq" / "concepts.yml")
    bad = tmp_path / "data" / "faq" / "zh" / "concepts.yml"
    bad.write_text("title: 概念\ndescription: 测试。\nentries:\n  - id: kvm-qemu-libvirt\n    q: 问？\n    a: 答。\n")
    with pytest.raises(MacroError, match="needs 'translated_from: [0-9a-f]{12}'"):
        load_faq_zh(tmp_path, load_faq(tmp_path))
    bad.write_text("title: 概念\ndescription: 测试。\nentries:\n  - id: no-such-id\n    q: 问？\n    a: 答。\n")
    with pytest.raises(MacroError, match="no English entry"):
        load_faq_zh(tmp_path, load_faq(tmp_path))


def test_faq_pages_show_translation_state(site):
    status = faq_status()
    for key, s in status.items():
        cat, eid = key.split("/")
        page = site.site / "zh" / "faq" / cat / "index.html"
        html = page.read_text()
        assert f'id="{eid}"' in html, key
        if (DOCS / "faq" / f"{cat}.zh.md").exists():
            section = html.split(f'id="{eid}"', 1)[1][:600]
            if s == "missing":
                assert "本条尚未翻译" in section, key
            elif s == "outdated":
                assert "译文可能已过时" in section, key


# -- the glossary's Chinese definitions (data/glossary/zh/) -----------------------------


def test_list_outdated_or_missing_glossary_translations():
    from macros.data import glossary_definition_hash, load_glossary, load_glossary_zh

    glossary = load_glossary(ROOT)
    zh = load_glossary_zh(ROOT, glossary)  # raises on an unknown term, a missing field or a bad record
    status = {}
    for t in glossary:
        z = zh.get(t["term"])
        status[t["term"]] = "missing" if z is None else (
            "current" if z["translated_from"] == glossary_definition_hash(t["definition"]) else "outdated")
    counts = {s: sum(1 for v in status.values() if v == s) for s in ("current", "outdated", "missing")}
    print(f"\nglossary definitions: {counts}")
    for term, s in status.items():
        if s != "current":
            print(f"  {s:8} {term}")
    assert counts["current"] > 0

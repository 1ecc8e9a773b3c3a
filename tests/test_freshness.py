"""Last-changed dates from git and the Atom change feed (hooks/freshness.py)."""
from __future__ import annotations

import logging
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import pytest

from hooks import freshness
from sitebuild import ROOT

ATOM = "{http://www.w3.org/2005/Atom}"


def git(repo: Path, *args: str, date: str | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    proc = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return proc.stdout


def commit(repo: Path, files: dict[str, str], date: str) -> None:
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        git(repo, "add", name)
    git(repo, "commit", "-q", "-m", f"change {', '.join(files)}", date=date)


@pytest.fixture
def repo(tmp_path) -> Path:
    r = tmp_path / "repo"
    r.mkdir()
    git(r, "init", "-q", "-b", "main")
    commit(r, {"docs/a.md": "# A\n", "docs/faq/x.md": '{{ faq_category("x") }}\n', "data/faq/x.yml": "v: 1\n"},
           "2025-01-02T10:00:00+00:00")
    commit(r, {"docs/b.md": "# B\n"}, "2025-03-04T10:00:00+00:00")
    commit(r, {"data/faq/x.yml": "v: 2\n"}, "2025-05-06T10:00:00+00:00")
    return r


def test_dates_per_file_and_from_the_data_behind_a_page(repo):
    hist = freshness.read_history(repo)
    assert hist.state == "ok"
    assert hist.latest(["docs/a.md"]).updated.date().isoformat() == "2025-01-02"
    assert hist.latest(["docs/b.md"]).updated.date().isoformat() == "2025-03-04"
    # The FAQ page's text lives in data/faq/x.yml: its change dates the page.
    sources = freshness.page_sources("faq/x.md", (repo / "docs/faq/x.md").read_text())
    assert sources == ["docs/faq/x.md", "data/faq/x.yml"]
    h = hist.latest(sources)
    assert h.updated.date().isoformat() == "2025-05-06"
    assert h.created.date().isoformat() == "2025-01-02"


def test_shallow_clone_is_detected_and_the_strict_build_warned(repo, tmp_path, caplog):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True)
    assert freshness.read_history(clone).state == "shallow"
    config = SimpleNamespace(config_file_path=str(clone / "mkdocs.yml"), extra={})
    with caplog.at_level(logging.WARNING, logger="mkdocs.hooks.freshness"):
        freshness.on_config(config)
    warning = " ".join(r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)
    assert "shallow" in warning and "fetch-depth: 0" in warning and "--unshallow" in warning
    # ... and no page gets a date (not the clone's commit date for every page).
    page = SimpleNamespace(file=SimpleNamespace(src_uri="a.md", content_string="# A\n"), meta={}, title="A", url="a/")
    freshness.on_page_markdown("# A\n", page, config, None)
    assert "revision_date" not in page.meta


def test_no_git_means_no_dates(tmp_path):
    (tmp_path / "docs").mkdir()
    assert freshness.read_history(tmp_path).state == "no-git"


def test_ci_checks_out_full_history():
    ci = (ROOT / ".github" / "workflows" / "ci.yml").read_text()
    checkouts = ci.count("uses: actions/checkout@")
    assert checkouts and ci.count("fetch-depth: 0") == checkouts, (
        ".github/workflows/ci.yml: every actions/checkout needs fetch-depth: 0 (pages show their git dates)"
    )


def git_full_clone() -> bool:
    proc = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=ROOT, capture_output=True, text=True)
    return proc.returncode == 0 and proc.stdout.strip() == "false"


def test_pages_show_their_last_git_change(site):
    if not git_full_clone():
        pytest.skip("the project is not a full git clone here, so the build shows no dates")
    for src, out in (("docs/architecture/overview.md", "architecture/overview/index.html"),
                     ("docs/reference/glossary.md", "reference/glossary/index.html")):
        html = (site.site / out).read_text(encoding="utf-8")
        m = re.search(r'Last changed <time datetime="(\d{4}-\d\d-\d\d)">', html)
        assert m, f"{out} shows no last-changed date"
        dates = [src] + (["data/glossary"] if "glossary" in src else [])
        newest = max(
            subprocess.run(["git", "log", "-1", "--format=%cs", "--", d], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip()
            for d in dates
        )
        assert m.group(1) == newest, f"{out}: shows {m.group(1)}, git says {newest}"


def test_atom_feed_is_valid_and_linked(site):
    feed = site.site / "feed.xml"
    root = ET.parse(feed).getroot()
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{tag}") is not None, f"feed.xml lacks <{tag}>"
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    entries = root.findall(f"{ATOM}entry")
    if git_full_clone():
        assert 10 <= len(entries) <= freshness.FEED_ENTRIES
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(ids) == len(set(ids)), "feed entry ids repeat"
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True), "feed entries are not newest first"
    site_url = root.find(f"{ATOM}id").text
    for e in entries:
        for tag in ("title", "summary", "published"):
            assert (e.find(f"{ATOM}{tag}").text or "").strip(), f"feed entry lacks <{tag}>"
        href = e.find(f"{ATOM}link").get("href")
        assert href.startswith(site_url), href
        assert (site.site / href[len(site_url):] / "index.html").is_file(), f"feed links a missing page: {href}"
    home = (site.site / "index.html").read_text(encoding="utf-8")
    assert 'rel="alternate" type="application/atom+xml"' in home and 'href="feed.xml"' in home
    assert re.search(r'<a href="feed.xml"[^>]*>Changes \(Atom feed\)</a>', home), "the footer does not link the feed"


def test_feed_builder_escapes_and_orders():
    import datetime as dt

    t = lambda d: dt.datetime.fromisoformat(d)
    changes = [
        {"title": "A & <B>", "url": "a/", "updated": t("2025-01-02T00:00:00+00:00"),
         "created": t("2025-01-02T00:00:00+00:00"), "subject": "", "description": ""},
        {"title": "C", "url": "c/", "updated": t("2025-02-02T00:00:00+00:00"),
         "created": t("2025-01-01T00:00:00+00:00"), "subject": "", "description": "d"},
    ]
    root = ET.fromstring(freshness.atom_feed(changes, "https://e.org/kb/", "KB"))
    titles = [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]
    assert titles == ["Changed: C", "New: A & <B>"]

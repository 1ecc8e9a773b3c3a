"""The offline copy (make offline): unzipped and opened from file://, with search."""
from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import pytest

from kbtest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import build_offline  # noqa: E402

pytestmark = [pytest.mark.system, pytest.mark.browser]


@pytest.fixture(scope="module")
def offline_copy(tmp_path_factory) -> Path:
    """The zip that make offline writes, built from this tree and unzipped elsewhere."""
    out = tmp_path_factory.mktemp("offline")
    archive = build_offline.build(out)
    unpacked = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(unpacked)
    return unpacked / build_offline.NAME


def test_offline_copy_is_self_contained(offline_copy):
    assert (offline_copy / "index.html").is_file()
    assert (offline_copy / "search" / "search_index.js").is_file(), "the search index was not inlined for file://"
    assert (offline_copy / "assets" / "vendor" / "iframe-worker" / "shim.js").is_file()
    # Resources a browser fetches (a canonical <link> or an <a> to the web is not fetched).
    remote = re.compile(
        r'<(?:(?:script|img|iframe|source)\b[^>]*\bsrc|link\b[^>]*\brel="(?:stylesheet|icon|preload|modulepreload|preconnect)"'
        r'[^>]*\bhref)="(?:https?:)?//', re.I)
    for page in offline_copy.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        m = remote.search(text)
        assert not m, f"{page.relative_to(offline_copy)} loads a remote resource: {text[m.start():m.start() + 160]}"
    # Pages link each other as files, not directories (a directory link opens a listing from file://).
    home = (offline_copy / "index.html").read_text(encoding="utf-8")
    assert 'href="architecture/index.html"' in home


def test_offline_copy_opens_from_file_and_search_works(browser, offline_copy):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    context.route(re.compile(r"^(?!file:)"), lambda route: (requests.append(route.request.url), route.abort()))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto((offline_copy / "index.html").as_uri(), wait_until="load")
        assert page.locator("h1").first.inner_text().strip()
        box = page.locator("input.md-search__input")
        box.click()
        box.fill("memslot")
        box.press("End")
        page.wait_for_selector(".md-search-result__item", timeout=30_000)
        hrefs = page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(a => a.href)")
        assert any(h.startswith("file://") and "architecture/memory.html" in h for h in hrefs), hrefs
        page.locator('.md-search-result__item > a[href*="architecture/memory.html"]').first.click()
        page.wait_for_load_state("load")
        assert page.url.startswith("file://") and urlparse(page.url).path.endswith("/architecture/memory.html")
        assert page.locator("article h1").count() == 1
        assert not [r for r in requests if not r.startswith(("data:", "blob:"))], f"requests to the network: {requests}"
        assert not errors, f"JavaScript errors: {errors}"
    finally:
        context.close()

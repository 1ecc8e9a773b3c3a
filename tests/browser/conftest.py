"""Fixtures for the browser tests: the built site served with gzip on
127.0.0.1, and Debian's Chromium driven by Playwright (no browser download)."""
from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

from kbtest import ROOT, missing, require_cmd
from staticserver import serve

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
SHOTS = ROOT / "test-results" / "screenshots"


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    missing("Debian's chromium package is not installed (make test installs it as root)")


@pytest.fixture(scope="session")
def base_url(site):
    with serve(site.site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    require_cmd("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed in the virtual environment")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class Watch:
    """Console errors and requests to other hosts seen by one page."""

    def __init__(self, page, base_url: str):
        self.errors: list[str] = []
        self.foreign: list[str] = []
        host = urlparse(base_url).netloc
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

        def route(r):
            url = r.request.url
            if urlparse(url).scheme in ("http", "https") and urlparse(url).netloc != host:
                self.foreign.append(url)
                return r.abort()
            return r.continue_()

        page.route("**/*", route)


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    pg = context.new_page()
    pg.watch = Watch(pg, base_url)
    yield pg
    context.close()


@pytest.fixture(scope="session")
def site_pages(site) -> list[str]:
    """Every page of the built site, as a path relative to the site root."""
    pages = []
    for html in sorted(Path(site.site).rglob("index.html")):
        rel = html.parent.relative_to(site.site).as_posix()
        if rel.startswith("assets") or rel == "search":
            continue
        pages.append("" if rel == "." else rel + "/")
    return pages

"""Asking and reporting (issue 16): the links are right, and nothing is
requested from another host until the reader clicks.

"Report a problem with this page" ends every page and opens the repository's
page-problem issue form with the page's URL and title; when the search finds
nothing, the panel offers the FAQ categories, the error atlas and "Ask a
question", the question form prefilled with the query and the page.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

pytestmark = pytest.mark.system

ROOT = Path(__file__).resolve().parents[2]
MKDOCS = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
REPO = re.search(r"^repo_url: (\S+)$", MKDOCS, re.M).group(1)
SITE = re.search(r"^site_url: (\S+)$", MKDOCS, re.M).group(1)


def form_fields(template: str) -> set[str]:
    form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / template).read_text(encoding="utf-8"))
    return {b["id"] for b in form["body"] if "id" in b}


def split(href: str):
    u = urlparse(href)
    return f"{u.scheme}://{u.netloc}{u.path}", {k: v[0] for k, v in parse_qs(u.query).items()}


def test_report_link_carries_page_url_and_title(page, base_url):
    page.goto(base_url + "architecture/memory/")
    link = page.locator("p.kb-report a")
    assert link.inner_text() == "Report a problem with this page"
    where, query = split(link.get_attribute("href"))
    assert where == f"{REPO}/issues/new"
    assert query["template"] == "page-problem.yml"
    assert query["page"] == SITE + "architecture/memory/"
    assert query["page_title"] == "Memory virtualization"
    assert {"page", "page_title"} <= form_fields("page-problem.yml"), "the form must have the prefilled fields"
    assert page.watch.foreign == [], f"requests to other hosts before any click: {page.watch.foreign}"
    with page.expect_request(lambda r: r.url.startswith(f"{REPO}/issues/new")) as req:
        link.click(no_wait_after=True)
    assert "template=page-problem.yml" in req.value.url


def test_no_result_offers_faq_atlas_and_ask(page, base_url):
    page.goto(base_url + "tooling/qemu/")
    box = page.locator("input.md-search__input")
    box.click()
    query = "zqxw frobnicatex"
    box.fill(query)
    box.press("End")
    panel = page.locator("#kb-noresult")
    panel.wait_for(state="visible", timeout=20_000)
    links = panel.locator("li a").evaluate_all("els => els.map(a => [a.textContent, a.href])")
    hrefs = {href[len(base_url):] for _text, href in links}
    faq = {f"faq/{p.stem}/" for p in (ROOT / "data" / "faq").glob("*.yml")}
    assert faq <= hrefs, f"FAQ categories missing from the no-result panel: {sorted(faq - hrefs)}"
    assert "hands-on/troubleshooting/#error-catalogue" in hrefs, links
    ask = panel.locator("a.kb-noresult__ask")
    where, fields = split(ask.get_attribute("href"))
    assert where == f"{REPO}/issues/new"
    assert fields["template"] == "question.yml"
    assert fields["query"] == query and fields["title"] == query
    assert fields["page"] == base_url + "tooling/qemu/"
    assert {"query", "page"} <= form_fields("question.yml")
    assert page.watch.foreign == [], f"requests to other hosts before any click: {page.watch.foreign}"
    # A query with results hides the panel again.
    box.fill("vhost-net")
    box.press("End")
    page.wait_for_selector(".md-search-result__item", timeout=20_000)
    assert panel.is_hidden()
    box.fill(query)
    box.press("End")
    panel.wait_for(state="visible", timeout=20_000)
    with page.expect_request(lambda r: r.url.startswith(f"{REPO}/issues/new")) as req:
        ask.click(no_wait_after=True)
    assert "template=question.yml" in req.value.url

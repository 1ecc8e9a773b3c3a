"""What a reader sees: legible diagrams, and pages that work on a phone.

Every check here measures the built site in Chromium at a desktop width
(1400 px) and a phone width (390 px), so that a layout regression (a
diagram drawn 300 px wide, a table wider than the phone, an ioctl name
broken in the middle) fails a test instead of waiting for a reader.
"""
from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.system, pytest.mark.browser]

DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
MIN_TEXT_PX = 12  # hooks/diagrams.py MIN_TEXT_PX

# For every figure.kb-diagram: the SVG shown for the colour scheme, its
# rendered and natural width, the width of its box, whether the box scrolls,
# and the smallest effective text size: computed font-size times the scale at
# which the SVG user units are drawn on the screen.
DIAGRAMS_JS = """() => [...document.querySelectorAll('figure.kb-diagram')].map(f => {
  const svg = [...f.querySelectorAll('svg')].find(s => s.getClientRects().length);
  if (!svg) return {key: f.dataset.diagram, hidden: true};
  const box = svg.parentElement;
  let min = Infinity, texts = 0;
  for (const t of svg.querySelectorAll('text')) {
    if (!t.textContent.trim()) continue;
    const m = t.getScreenCTM();
    min = Math.min(min, parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b));
    texts++;
  }
  const link = f.querySelector('.kb-diagram__open a');
  return {key: f.dataset.diagram, width: svg.getBoundingClientRect().width,
          natural: svg.viewBox.baseVal.width, box: box.clientWidth,
          scrolls: box.scrollWidth > box.clientWidth + 1 && getComputedStyle(box).overflowX === 'auto',
          text: min, texts, link: link && link.getAttribute('href'),
          linkShown: !!(link && link.getClientRects().length)};
})"""


def pages_with(site, needle: str) -> list[str]:
    out = []
    for html in sorted(Path(site.site).rglob("index.html")):
        if needle in html.read_text(encoding="utf-8"):
            rel = html.parent.relative_to(site.site).as_posix()
            out.append("" if rel == "." else rel + "/")
    return out


def visit(page, base_url: str, path: str) -> None:
    page.goto(base_url + path, wait_until="load")


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP, service_workers="block")
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, service_workers="block", is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def test_diagrams_are_legible_on_a_desktop(desktop, base_url, site):
    """At 1400 px every diagram is drawn at its natural width up to the
    column width, its text is at least 12 px, and one too wide for that
    scrolls in its own box."""
    pages = pages_with(site, 'class="kb-diagram')
    assert len(pages) >= 20, pages
    problems, sizes = [], []
    for path in pages:
        visit(desktop, base_url, path)
        for d in desktop.evaluate(DIAGRAMS_JS):
            where = f"/{path} diagram {d['key']}"
            if d.get("hidden"):
                continue  # inside a closed <details> or an inactive tab
            sizes.append(d["text"])
            if d["texts"] == 0:
                problems.append(f"{where}: no text measured")
                continue
            if d["text"] < MIN_TEXT_PX - 0.05:
                problems.append(f"{where}: text {d['text']:.1f} px (< {MIN_TEXT_PX})")
            expected = min(d["natural"], d["box"])
            if d["width"] < expected - 1:
                problems.append(f"{where}: drawn {d['width']:.0f} px wide, natural {d['natural']:.0f}, column {d['box']}")
            if d["width"] > d["box"] + 1 and not d["scrolls"]:
                problems.append(f"{where}: {d['width']:.0f} px wide in a {d['box']} px box that does not scroll")
            if d["width"] > d["box"] + 1 and not d["linkShown"]:
                problems.append(f"{where}: scrolls but shows no full-size link")
    print(f"\n{len(sizes)} diagrams; smallest text {min(sizes):.1f} px")
    assert problems == [], "\n".join(problems)


def test_diagrams_on_a_phone_scroll_instead_of_shrinking(phone, base_url, site):
    """At 390 px diagram text stays at least 12 px: a wide diagram scrolls in
    its box (never the page) and links to its SVG, which the site serves."""
    problems = []
    for path in pages_with(site, 'class="kb-diagram'):
        visit(phone, base_url, path)
        overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 1:
            problems.append(f"/{path}: the page scrolls sideways by {overflow} px")
        for d in phone.evaluate(DIAGRAMS_JS):
            if d.get("hidden"):
                continue
            where = f"/{path} diagram {d['key']}"
            if d["text"] < MIN_TEXT_PX - 0.05:
                problems.append(f"{where}: text {d['text']:.1f} px on a phone")
            if not d["linkShown"]:
                problems.append(f"{where}: no full-size link on a phone")
            elif not (Path(site.site) / path / d["link"]).resolve().is_file():
                problems.append(f"{where}: full-size link {d['link']} is not in the site")
    assert problems == [], "\n".join(problems)

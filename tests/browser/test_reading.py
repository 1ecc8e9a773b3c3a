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


# -- pages on a phone ---------------------------------------------------------

# Tables and code blocks wider than the screen must sit in a box that scrolls
# sideways (Material's table wrapper, <pre><code>, a diagram's box); the page
# itself never does.
OVERFLOW_JS = """() => {
  const vw = document.documentElement.clientWidth, bad = [];
  const scroller = el => {
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if ((ox === 'auto' || ox === 'scroll') && a.getBoundingClientRect().right <= vw + 1) return true;
    }
    return false;
  };
  for (const el of document.querySelectorAll('.md-content table, .md-content pre, .md-content pre > code')) {
    if (!el.getClientRects().length) continue;
    const r = el.getBoundingClientRect();
    if (r.right > vw + 1 && !scroller(el)) bad.push(el.tagName + ' ' + (el.textContent || '').trim().slice(0, 40));
  }
  const page = document.documentElement.scrollWidth - vw;
  return {page, bad};
}"""

# Inline code that wraps onto a second line: an identifier broken in the
# middle. Only paths and phrases (kb-path) and spans over 30 characters
# (kb-long: command lines) may wrap; hooks/code.py marks them.
BROKEN_JS = """() => {
  const out = [];
  for (const c of document.querySelectorAll('.md-content code')) {
    if (c.closest('pre') || c.matches('.kb-long, .kb-path') || !c.getClientRects().length) continue;
    const rects = [...c.getClientRects()].filter(r => r.width > 0);
    if (rects.length > 1) out.push(c.textContent);
  }
  return out;
}"""


def content_pages(site) -> list[str]:
    return [p for p in pages_with(site, 'class="md-content"') if not p.startswith("search")]


def test_no_sideways_overflow_on_a_phone(phone, base_url, site):
    problems = []
    for path in content_pages(site):
        visit(phone, base_url, path)
        r = phone.evaluate(OVERFLOW_JS)
        if r["page"] > 1:
            problems.append(f"/{path}: the page scrolls sideways by {r['page']} px")
        problems += [f"/{path}: {b} is wider than the phone and not in a scroll box" for b in r["bad"]]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["1400px", "390px"])
def test_identifiers_are_never_broken_mid_token(browser, base_url, site, width):
    context = browser.new_context(viewport=width, service_workers="block")
    page = context.new_page()
    problems = []
    try:
        for path in content_pages(site):
            visit(page, base_url, path)
            problems += [f"/{path}: `{t}` is broken across lines" for t in page.evaluate(BROKEN_JS)]
    finally:
        context.close()
    assert problems == [], "\n".join(problems[:30])


def front_matter_type(site_path: str) -> str | None:
    from kbtest import ROOT

    rel = site_path.rstrip("/") or "index"
    for cand in (ROOT / "docs" / f"{rel}.md", ROOT / "docs" / rel / "index.md"):
        if cand.is_file():
            m = __import__("re").search(r"^type:\s*(\S+)", cand.read_text(encoding="utf-8"), __import__("re").M)
            return m.group(1) if m else None
    return None


FIRST_STEP_JS = """() => {
  const hs = [...document.querySelectorAll('.md-content h2, .md-content h3')];
  const h = hs.find(h => /^(steps|step-[01]|toolkit)$/.test(h.id) || /^(step\\s*[01]\\b|1\\.\\s)/i.test(h.textContent.trim()));
  return h ? {id: h.id, top: h.getBoundingClientRect().top + window.scrollY} : null;
}"""


def test_first_step_of_a_guide_is_within_two_phone_screens(phone, base_url, site):
    """How-tos and labs start with their steps, not with four screens of preamble."""
    checked, problems = [], []
    for path in content_pages(site):
        if front_matter_type(path) != "how-to":
            continue
        visit(phone, base_url, path)
        step = phone.evaluate(FIRST_STEP_JS)
        if step is None:
            continue  # a guide without numbered steps (an index, a troubleshooting catalogue)
        checked.append(path)
        limit = 2 * PHONE["height"]
        if step["top"] > limit:
            problems.append(f"/{path}: first step #{step['id']} starts at {step['top']:.0f} px (> {limit})")
    assert len(checked) >= 3, checked
    assert problems == [], "\n".join(problems)


def test_deep_linked_heading_is_not_covered(browser, base_url):
    """After following a link to a heading and scrolling up a little (which
    shows the back-to-top button), the heading is below the header and the button."""
    for viewport in (DESKTOP, PHONE):
        context = browser.new_context(viewport=viewport, service_workers="block")
        page = context.new_page()
        try:
            visit(page, base_url, "hands-on/errors/qemu/#kvm-permission-denied")
            page.wait_for_timeout(300)
            page.mouse.wheel(0, -30)
            page.wait_for_timeout(600)
            r = page.evaluate("""() => {
              const h = document.getElementById("kvm-permission-denied").getBoundingClientRect();
              const hdr = document.querySelector('.md-header').getBoundingClientRect();
              const top = document.querySelector('.md-top');
              const t = top && !top.hidden && getComputedStyle(top).opacity !== '0' ? top.getBoundingClientRect() : null;
              return {h: h.top, header: hdr.bottom, button: t ? t.bottom : 0};
            }""")
        finally:
            context.close()
        assert r["h"] >= r["header"] and r["h"] >= r["button"], f"{viewport['width']} px: {r}"


def test_deep_link_marks_its_own_section_in_the_contents(browser, base_url):
    """Following a link to a heading makes that heading the current entry of
    the table of contents, not the one before it (our scroll margin is larger
    than Material's; macros/bundle.py moves Material's line to match)."""
    links = [("architecture/run-loop/", "kernel-side"), ("hands-on/windows-guests/", "setup-drivers"),
             ("hands-on/errors/libvirt/", "polkit-auth-unavailable")]
    wrong = []
    # 1700 px: Material's root font grows on wide screens, and both sides are in rem
    for viewport in (DESKTOP, PHONE, {"width": 1700, "height": 1000}):
        context = browser.new_context(viewport=viewport, service_workers="block")
        page = context.new_page()
        try:
            for path, anchor in links:
                visit(page, base_url, f"{path}#{anchor}")
                page.wait_for_function(
                    "document.querySelector('.md-sidebar--secondary .md-nav__link--active') !== null")
                active = page.evaluate(
                    "document.querySelector('.md-sidebar--secondary .md-nav__link--active').hash.slice(1)")
                if active != anchor:
                    wrong.append(f"{viewport['width']} px /{path}#{anchor}: the contents mark #{active}")
        finally:
            context.close()
    assert wrong == [], "\n".join(wrong)


def test_glossary_works_on_a_phone(phone, base_url):
    visit(phone, base_url, "reference/glossary/")
    r = phone.evaluate("""() => {
      const letters = [...document.querySelectorAll('.kb-letters a')].map(a => a.getAttribute('href'));
      const heads = [...document.querySelectorAll('.md-content h2[id^="letter-"]')].map(h => '#' + h.id);
      const dd = document.querySelector('.md-content dl dd').getBoundingClientRect();
      return {letters, heads, ddRight: dd.right, vw: document.documentElement.clientWidth};
    }""")
    assert r["letters"] == r["heads"] and len(r["heads"]) >= 15, r
    assert r["ddRight"] <= r["vw"], "a term's meaning is off-screen on a phone"

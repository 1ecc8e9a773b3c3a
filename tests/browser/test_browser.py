"""The built site in headless Chromium: every page, search, widgets, a11y.

Runs against the strict build served with gzip on 127.0.0.1 (see
staticserver.py). Screenshots for review go to test-results/screenshots/.
"""
from __future__ import annotations

import json
import re
import subprocess
from collections import Counter

import pytest

from kbtest import ROOT, missing, require_cmd

pytestmark = [pytest.mark.system, pytest.mark.browser]

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SHOTS = ROOT / "test-results" / "screenshots"


def open_page(page, base_url, path):
    response = page.goto(base_url + path, wait_until="load")
    page.wait_for_load_state("networkidle")
    return response


def wait_for_diagrams(page) -> int:
    """Check that every diagram shows as an SVG of real size; return the count.

    Diagrams are pre-rendered inline SVG (hooks/diagrams.py), one per colour
    scheme; a diagram without a rendering would be a <pre class="mermaid">
    that Material renders in the browser, which fails here.
    """
    assert page.locator("pre.mermaid, div.mermaid").count() == 0, "a diagram is not pre-rendered"
    figures = page.locator("figure.kb-diagram")
    count = figures.count()
    if count:
        page.wait_for_function(
            """() => [...document.querySelectorAll('figure.kb-diagram')]
                   .filter(f => f.getClientRects().length > 0)   // not inside a closed <details> or tab
                   .every(f => [...f.querySelectorAll("svg")].some(s => s.getBoundingClientRect().height > 20))""",
            timeout=10_000,
        )
    return count


def set_scheme(page, scheme: str) -> None:
    """Switch the colour scheme and wait until the new colours are painted.

    Material animates colour changes; an axe run during the animation reads
    half-way colours and reports contrast problems that no reader sees (it
    happened under load with a fixed 400 ms wait). Transitions are switched
    off for the test, then two animation frames let the style settle.
    """
    page.evaluate(
        """s => new Promise(done => {
            if (!document.getElementById('kb-test-no-transitions')) {
                const st = document.createElement('style');
                st.id = 'kb-test-no-transitions';
                st.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; }';
                document.head.appendChild(st);
            }
            document.body.setAttribute('data-md-color-scheme', s);
            void getComputedStyle(document.body).color;
            requestAnimationFrame(() => requestAnimationFrame(done));
        })""",
        scheme,
    )


def axe_violations(page) -> list[dict]:
    if not AXE.exists():
        missing("axe-core is not installed (npm ci)")
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
        # Code and diagrams use content-visibility: auto, so off-screen blocks
        # are not rendered and axe cannot compute their colours. Render
        # everything, as a reader scrolling through the page would.
        page.add_style_tag(content="* { content-visibility: visible !important; }")
    result = page.evaluate(
        """async () => {
             const r = await axe.run(document, {resultTypes: ['violations']});
             return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                          nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
           }"""
    )
    return result


# -- every page ------------------------------------------------------------------


def test_every_page_loads_cleanly_and_is_accessible(page, base_url, site_pages):
    """No console error, no foreign request, diagrams render, axe: zero violations (light and dark)."""
    problems = []
    diagrams = 0
    for path in site_pages:
        page.watch.errors.clear()
        response = open_page(page, base_url, path)
        if response.status != 200:
            problems.append(f"{path}: HTTP {response.status}")
        diagrams += wait_for_diagrams(page)
        for scheme in ("default", "slate"):
            set_scheme(page, scheme)
            for v in axe_violations(page):
                problems.append(f"{path} [{scheme}] axe {v['id']} ({v['impact']}): {v['help']} at {v['nodes']}")
        problems += [f"{path}: console error: {e}" for e in page.watch.errors]
    problems += [f"request to another host: {u}" for u in sorted(set(page.watch.foreign))]
    print(f"\n{len(site_pages)} pages, {diagrams} diagrams rendered, {len(problems)} problems")
    assert problems == [], "\n".join(problems[:80])


def test_html_is_valid(site):
    """The Nu HTML Checker reports no error on any page."""
    require_cmd("java")
    if not VNU.exists():
        missing("vnu-jar is not installed (npm ci)")
    proc = subprocess.run(
        ["java", "-Xss1024k", "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html", str(site.site)],
        capture_output=True, text=True, timeout=600,
    )
    messages = json.loads(proc.stderr or '{"messages": []}')["messages"]
    errors = [m for m in messages if m.get("type") == "error"]
    summary = Counter(m["message"] for m in errors).most_common(10)
    pages = len(list(site.site.rglob("*.html")))
    print(f"\nNu HTML Checker: {pages} files, {len(errors)} errors")
    assert errors == [], "\n".join(
        [f"{n}x {msg}" for msg, n in summary]
        + [f"{m['url'].split('/site/')[-1]}:{m.get('lastLine')}: {m['message']}" for m in errors[:20]]
    )


# -- search ------------------------------------------------------------------------

SEARCHES = [
    # query, a path the first results must include
    ("memslot", "architecture/memory/"),
    ("KVM_RUN", "architecture/"),
    ("KVM_SET_USER_MEMORY_REGION", "architecture/"),
    ('Failed to get shared "write" lock', "hands-on/errors/qemu/"),
    ("kvm: disabled by bios", "hands-on/errors/host-firmware/"),
    ("libkvm", "tooling/libkvm/"),
    # Chinese queries: since the Chinese edition, its pages rank first (before
    # the English glossary's 中文 column).
    ("虚拟机", "zh/architecture/"),
    ("嵌套页表", "zh/architecture/memory/"),
    ("debug-threads", "lab-threads/"),
]


@pytest.mark.parametrize("query, expected", SEARCHES)
def test_search_finds_the_right_page(page, base_url, query, expected):
    open_page(page, base_url, "")
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.press("End")  # Material reacts to key events, not only to input
    page.wait_for_selector(".md-search-result__item", timeout=20_000)
    hrefs = page.eval_on_selector_all(".md-search-result__item > a", "els => els.slice(0, 8).map(a => a.href)")
    assert any(expected in h for h in hrefs), f"{query!r}: first results {hrefs}"


# -- widgets -------------------------------------------------------------------------


def test_navigation_tabs_and_footer(page, base_url):
    open_page(page, base_url, "")
    page.locator(".md-tabs__link", has_text="Architecture").first.click()
    page.wait_for_url(re.compile(r".*/architecture/$"))
    next_link = page.locator("a.md-footer__link--next")
    assert next_link.count() == 1
    next_link.click()
    page.wait_for_url(re.compile(r".*/architecture/overview/$"))
    assert page.watch.errors == []


def test_light_dark_toggle(page, base_url):
    page.emulate_media(color_scheme="light")
    open_page(page, base_url, "")
    body = page.locator("body")
    seen = {body.get_attribute("data-md-color-scheme")}
    for _ in range(3):
        page.locator("form[data-md-component='palette'] label:visible").first.click()
        seen.add(body.get_attribute("data-md-color-scheme"))
    assert {"default", "slate"} <= seen


TAB_STATE = """t => [...document.querySelectorAll('.tabbed-set')].map(set => {
        const labels = [...set.querySelectorAll('.tabbed-labels label')];
        const i = labels.findIndex(l => l.innerText.trim() === t);
        if (i < 0) return null;
        return set.querySelectorAll(':scope > input')[i].checked;
    }).filter(x => x !== null)"""


def tab_labels(html: str) -> set[str]:
    sets = html.split('class="tabbed-set')[1:]
    return {re.sub(r"<[^>]+>", "", m).strip()
            for s in sets
            for labels in re.findall(r'<div class="tabbed-labels">(.*?)</div>', s, re.S)
            for m in re.findall(r'<label for="[^"]*">(.*?)</label>', labels)}


def test_content_tabs_are_linked(page, base_url, site):
    """Choosing a tab (e.g. a distribution) selects the same tab elsewhere, on later pages too."""
    pages = {p: tab_labels(p.read_text()) for p in site.site.rglob("index.html") if 'class="tabbed-set' in p.read_text()}
    pair = next(((a, b, sorted(la & lb)) for a, la in pages.items() for b, lb in pages.items()
                 if a != b and len(la & lb) >= 2), None)
    assert pair, "no two pages share content-tab labels to test linking with"
    first, second, shared = pair
    label = shared[-1]
    rel = lambda p: p.parent.relative_to(site.site).as_posix() + "/"
    open_page(page, base_url, rel(first))
    page.locator(".tabbed-labels label", has_text=label).first.click()
    assert all(page.evaluate(TAB_STATE, label)), f"{rel(first)}: tab {label!r} not selected"
    open_page(page, base_url, rel(second))
    state = page.evaluate(TAB_STATE, label)
    assert state and all(state), f"{rel(second)}: tab {label!r} was not selected by the choice on {rel(first)}"


def test_code_copy_button(browser, base_url, site):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        candidates = sorted(p for p in site.site.rglob("index.html") if "language-sh" in p.read_text())
        rel = candidates[0].parent.relative_to(site.site).as_posix() + "/"
        open_page(page, base_url, rel)
        # Material adds the copy button when a code block scrolls into view.
        block = page.locator("div.language-sh.highlight:visible").first
        # Bring the block's top (where the button sits) below the sticky header;
        # a tall block scrolled "into view" can leave its top under the header.
        block.evaluate("b => window.scrollTo(0, b.getBoundingClientRect().top + window.scrollY - 150)")
        block.hover()
        button = block.locator('button[data-md-type="copy"]')
        button.wait_for(state="visible", timeout=10_000)
        button.click()
        copied = page.evaluate("navigator.clipboard.readText()")
        words = lambda t: " ".join(t.split())
        assert copied.strip() and words(copied) in words(block.inner_text())
    finally:
        context.close()


def test_abbreviation_tooltip(page, base_url):
    open_page(page, base_url, "architecture/")
    abbr = page.locator("abbr[title]").first
    title = abbr.get_attribute("title")
    abbr.hover()
    tip = page.locator(".md-tooltip2--active, .md-tooltip--active").first
    tip.wait_for(state="visible", timeout=5_000)
    assert title.split(" (")[0] in tip.inner_text()


def test_404_page(page, base_url):
    response = open_page(page, base_url, "no/such/page/")
    assert response.status == 404
    assert page.locator("h1", has_text="Page not found").count() == 1
    page.click("label.kb-404-search")
    box = page.locator("input.md-search__input")
    box.fill("memslot")
    box.press("End")
    page.wait_for_selector(".md-search-result__item", timeout=20_000)
    # The 404 status itself is logged by Chromium; anything else is an error.
    others = [e for e in page.watch.errors if "status of 404" not in e]
    assert others == [] and page.watch.foreign == []


def test_screenshots_for_review(browser, base_url):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
        page = context.new_page()
        for name, path in (("home", ""), ("architecture-overview", "architecture/overview/"), ("faq", "faq/")):
            open_page(page, base_url, path)
            wait_for_diagrams(page)
            out = SHOTS / f"{name}-{scheme}.png"
            page.screenshot(path=str(out), full_page=False)
            assert out.stat().st_size > 10_000
        context.close()


# -- the Chinese edition (/zh/) ------------------------------------------------------
# Every /zh/ page is also in site_pages, so the console, foreign-request, axe and
# Nu HTML Checker tests above cover it like its English page.

ZH_SEARCHES = [
    # query typed on a Chinese page, a path the first results must include
    ("运行循环", "zh/architecture/run-loop/"),
    ("经典文章", "zh/architecture/classic-article/"),
    ("文件描述符", "zh/architecture/kvm-api/"),
]


@pytest.mark.parametrize("query, expected", ZH_SEARCHES)
def test_chinese_search_finds_the_chinese_page(page, base_url, query, expected):
    open_page(page, base_url, "zh/")
    assert page.locator("input.md-search__input").get_attribute("placeholder") == "搜索"
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.press("End")
    page.wait_for_selector(".md-search-result__item", timeout=20_000)
    hrefs = page.eval_on_selector_all(".md-search-result__item > a", "els => els.slice(0, 8).map(a => a.href)")
    assert any(expected in h for h in hrefs), f"{query!r}: first results {hrefs}"
    assert page.watch.errors == [] and page.watch.foreign == []


@pytest.mark.parametrize("start, lang, target", [
    ("architecture/run-loop/", "中文", "zh/architecture/run-loop/"),
    ("zh/architecture/run-loop/", "English", "architecture/run-loop/"),
    ("hands-on/lab-threads/", "中文", "zh/hands-on/lab-threads/"),  # a page shown in English under /zh/
    ("", "中文", "zh/"),
])
def test_language_switch_keeps_the_reader_on_the_same_page(page, base_url, start, lang, target):
    open_page(page, base_url, start)
    expected_lang = "en" if start == "" or not start.startswith("zh/") else "zh"
    assert page.locator("html").get_attribute("lang") == expected_lang
    page.locator(".md-header__option .md-select").hover()
    page.locator(".md-select__link", has_text=lang).click()
    page.wait_for_url(base_url + target)
    assert page.locator("html").get_attribute("lang") == ("zh" if lang == "中文" else "en")
    assert page.watch.errors == [] and page.watch.foreign == []


def test_untranslated_page_says_so_in_chinese(page, base_url):
    open_page(page, base_url, "zh/hands-on/lab-threads/")
    notice = page.locator(".kvmkb-i18n-notice")
    assert notice.count() == 1 and "本页尚未翻译" in notice.inner_text()
    notice.locator("a").click()
    page.wait_for_url(base_url + "hands-on/lab-threads/")

"""Main-thread work on page load (phones): what the performance fixes guarantee.

Profiling the labs under a 4x CPU slowdown showed two avoidable costs (see
README, Benchmark): Material mounting every code block at load (one forced
layout of the whole page per block), and the colour palette restyling the
whole document on every load (a switch marked on the body, and a
colour-scheme meta added and then filled in). These tests fail if either
comes back.
"""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.system, pytest.mark.browser]

WATCH_BODY = """
window.__kbBody = [];
new MutationObserver(list => {
  for (const m of list) if (m.target === document.body) window.__kbBody.push(m.attributeName);
}).observe(document, {attributes: true, subtree: true, attributeFilter: [
  "data-md-color-switching", "data-md-color-scheme", "data-md-color-primary", "data-md-color-accent"]});
"""


def test_palette_restyles_nothing_on_load_and_still_switches(browser, base_url):
    context = browser.new_context(viewport={"width": 412, "height": 823}, color_scheme="light")
    page = context.new_page()
    page.add_init_script(WATCH_BODY)
    try:
        page.goto(base_url + "architecture/io/", wait_until="load")
        page.wait_for_timeout(500)
        changed = page.evaluate("window.__kbBody")
        assert changed == [], f"loading the page changed the body's colour attributes: {changed}"
        # A reader's switch still works (and is marked as a switch).
        # (automatic -> light -> dark: the toggle steps through the palettes)
        for _ in range(3):
            page.locator("form[data-md-component=palette] label:not([hidden])").first.click()
            page.wait_for_timeout(300)
            if page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate":
                break
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
        assert "data-md-color-switching" in page.evaluate("window.__kbBody")
    finally:
        context.close()


def test_the_root_follows_the_palette_without_a_colour_scheme_meta(browser, base_url):
    # macros/bundle.py keeps Material from adding <meta name="color-scheme">
    # (each change of it restyles the whole page); extra.css gives the root the
    # body's scheme instead, so scrollbars and form controls stay dark in dark mode.
    context = browser.new_context(viewport={"width": 412, "height": 823}, color_scheme="dark")
    page = context.new_page()
    root_scheme = "getComputedStyle(document.documentElement).colorScheme"
    body_scheme = "document.body.getAttribute('data-md-color-scheme')"
    try:
        page.goto(base_url + "architecture/io/", wait_until="load")
        page.wait_for_function(f"{body_scheme} === 'slate'")
        assert page.locator("meta[name=color-scheme]").count() == 0, "the colour-scheme meta is back"
        assert page.evaluate(root_scheme) == "dark"
        for _ in range(3):
            page.locator("form[data-md-component=palette] label:not([hidden])").first.click()
            page.wait_for_timeout(300)
            if page.evaluate(body_scheme) == "default":
                break
        assert page.evaluate(body_scheme) == "default"
        assert page.evaluate(root_scheme) != "dark"
    finally:
        context.close()


def test_code_blocks_are_mounted_when_they_scroll_into_view(browser, base_url):
    context = browser.new_context(viewport={"width": 412, "height": 823})
    page = context.new_page()
    try:
        page.goto(base_url + "hands-on/lab-minimal-vmm/", wait_until="load")
        page.wait_for_timeout(500)
        blocks = page.locator("pre > code").count()
        mounted = page.locator(".md-code__nav").count()
        assert blocks >= 20, "the lab should have many code blocks"
        assert mounted < blocks / 2, f"{mounted} of {blocks} code blocks were mounted at load (content.lazy is off?)"
        last = page.locator("pre > code").last
        last.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        assert last.locator("xpath=..").locator(".md-code__nav").count() == 1, "a code block in view has no copy button"
    finally:
        context.close()


def test_code_blocks_that_scroll_are_focusable_before_they_are_mounted(browser, base_url):
    # content.lazy mounts a block only in view; hooks/codefocus.py serves every block
    # focusable, so keyboard users can scroll the ones that overflow (axe scrollable-region-focusable).
    context = browser.new_context(viewport={"width": 412, "height": 823})
    page = context.new_page()
    try:
        page.goto(base_url + "hands-on/lab-minimal-vmm/", wait_until="load")
        page.wait_for_timeout(500)
        page.add_style_tag(content="* { content-visibility: visible !important; }")
        stuck = page.evaluate(
            """() => [...document.querySelectorAll('pre > code')]
                 .filter(c => c.scrollWidth > c.clientWidth && c.getAttribute('tabindex') !== '0')
                 .map(c => c.textContent.slice(0, 40))"""
        )
        overflowing = page.evaluate(
            "() => [...document.querySelectorAll('pre > code')].filter(c => c.scrollWidth > c.clientWidth).length")
        assert overflowing >= 3, "the lab should have code blocks wider than a phone"
        assert stuck == [], f"code blocks that scroll sideways but cannot be focused: {stuck}"
    finally:
        context.close()

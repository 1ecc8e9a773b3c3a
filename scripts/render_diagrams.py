#!/usr/bin/env python3
"""Pre-render every Mermaid diagram of the site to SVG (see hooks/diagrams.py).

Builds the site, collects the Mermaid blocks from the built pages, and
renders each one that has no cached SVG yet with the vendored Mermaid in
headless Chromium (Debian's package, driven by Playwright), once with
Mermaid's default theme and once with its dark theme. Cached files that no
page uses any more are removed.

    .venv/bin/python scripts/render_diagrams.py          # render what is missing
    .venv/bin/python scripts/render_diagrams.py --check  # exit 1 if anything is missing or stale
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hooks.diagrams import (  # noqa: E402
    BLOCK, CACHE, CONFIG, MIN_TEXT_PX, THEMES, diagram_key, diagram_source,
)

MERMAID = ROOT / "docs" / "assets" / "vendor" / "mermaid" / "mermaid.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
# Natural size and smallest text of a rendered SVG, measured in the page.
MEASURE = """svg => {
  const host = document.createElement('div');
  host.innerHTML = svg;
  document.body.appendChild(host);
  const el = host.querySelector('svg');
  const vb = el.viewBox.baseVal;
  let min = Infinity;
  for (const t of el.querySelectorAll('text')) {
    if (!t.textContent.trim()) continue;
    const m = t.getScreenCTM(), r = el.getScreenCTM();
    const scale = Math.hypot(m.a, m.b) / Math.hypot(r.a, r.b);
    min = Math.min(min, parseFloat(getComputedStyle(t).fontSize) * scale);
  }
  host.remove();
  return {width: vb.width, height: vb.height, minFont: min};
}"""


def clean_svg(svg: str) -> str:
    """Drop attributes Mermaid emits that SVG does not define (Nu HTML Checker errors)."""
    svg = re.sub(r'(<(?:rect|line)\b[^>]*?) name="[^"]*"', r"\1", svg)
    svg = re.sub(r'(<path\b[^>]*?) (?:x1|x2|y1|y2)="[^"]*"', r"\1", svg)
    while True:  # several such attributes on one element
        new = re.sub(r'(<path\b[^>]*?) (?:x1|x2|y1|y2)="[^"]*"', r"\1", svg)
        if new == svg:
            return svg
        svg = new


def size_svg(svg: str, width: float, height: float, min_font: float) -> str:
    """Give the SVG its natural size and a min-width that keeps its text legible.

    Mermaid writes width="100%" (or a fixed width) and a max-width style; the
    site instead states the natural size, and CSS (extra.css) caps it at the
    column width. min-width is the width at which the smallest text is
    MIN_TEXT_PX: below it the diagram scrolls sideways instead of shrinking.
    """
    floor = width * MIN_TEXT_PX / min_font if 0 < min_font < float("inf") else 0
    head, rest = svg.split(">", 1)
    head = re.sub(r'\s(?:width|height|style)="[^"]*"', "", head)
    head += f' width="{width:.0f}" height="{height:.0f}" style="min-width: {floor:.0f}px"'
    return head + ">" + rest


def collect_sources() -> dict[str, str]:
    """Build the site (diagrams left as <pre class="mermaid">) and collect the blocks."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "KVMKB_DIAGRAMS": "off",
               "KVMKB_STRICT": "false", "KVMKB_MACROS_FAIL": "false"}
        proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", tmp], cwd=ROOT,
                              env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"the site does not build:\n{proc.stdout}{proc.stderr}")
        sources = {}
        for page in Path(tmp).rglob("*.html"):
            for m in BLOCK.finditer(page.read_text(encoding="utf-8")):
                src = diagram_source(m.group(1))
                sources[diagram_key(src)] = src
        return sources


def render(missing: dict[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_content("<!doctype html><html><body></body></html>")
        page.add_script_tag(path=str(MERMAID))
        for key, src in sorted(missing.items()):
            for theme in THEMES:
                svg = page.evaluate(
                    """async ([id, code, config]) => {
                         mermaid.initialize(config);
                         const {svg} = await mermaid.render(id, code);
                         return svg;
                       }""",
                    [f"kbd-{key}-{theme}", src, {**CONFIG, "theme": "default" if theme == "light" else "dark"}],
                )
                size = page.evaluate(MEASURE, svg)
                svg = size_svg(svg, size["width"], size["height"], size["minFont"])
                svg = clean_svg(re.sub(r"^<svg ", '<svg focusable="false" ', svg))
                (CACHE / f"{key}-{theme}.svg").write_text(svg + "\n", encoding="utf-8")
            print(f"rendered {key}")
        browser.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only report missing or stale renderings")
    args = ap.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    sources = collect_sources()
    missing = {k: s for k, s in sources.items() if any(not (CACHE / f"{k}-{t}.svg").exists() for t in THEMES)}
    stale = [p for p in CACHE.glob("*.svg") if p.name.rsplit("-", 1)[0] not in sources]
    if args.check:
        for k in missing:
            print(f"missing: {k}\n{sources[k]}")
        for p in stale:
            print(f"stale: {p.relative_to(ROOT)}")
        return 1 if missing or stale else 0
    for p in stale:
        p.unlink()
    if missing:
        render(missing)
    print(f"{len(sources)} diagrams, {len(missing)} rendered, {len(stale)} stale removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

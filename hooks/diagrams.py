"""Serve Mermaid diagrams as pre-rendered SVG (MkDocs hook, see mkdocs.yml).

Rendering Mermaid in the reader's browser costs about 1 MB of JavaScript
and one to two seconds of main-thread work on a phone. Instead,
scripts/render_diagrams.py renders every diagram once, in a light and a
dark version, into data/diagrams/<hash>-{light,dark}.svg (committed). This
hook replaces each ``<pre class="mermaid">`` block of a page by the two
SVGs inline; CSS shows the one that matches the colour scheme. The text in
an inline SVG stays selectable, searchable and readable by screen readers.

A diagram without a cached rendering (a new or edited one) is left as it
is, so Material renders it in the browser as before, and the build prints
how to render it; tests/test_build.py fails in CI until the cache is
complete.
"""
from __future__ import annotations

import hashlib
import html
import logging
import os
import re
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.kvmkb.diagrams")

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "data" / "diagrams"
BLOCK = re.compile(r'<pre class="mermaid"><code>(.*?)</code></pre>', re.S)
THEMES = ("light", "dark")


def diagram_source(escaped: str) -> str:
    """The Mermaid text of a block as it appears in the built HTML."""
    return html.unescape(escaped).strip() + "\n"


def diagram_key(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def cached(key: str) -> dict[str, str] | None:
    svgs = {}
    for theme in THEMES:
        path = CACHE / f"{key}-{theme}.svg"
        if not path.is_file():
            return None
        svgs[theme] = path.read_text(encoding="utf-8")
    return svgs


def replace_blocks(page_html: str, where: str = "") -> tuple[str, int, int]:
    """Inline cached SVGs; return the new HTML and the counts (inlined, left)."""
    counts = {"inlined": 0, "left": 0}

    def sub(m: re.Match) -> str:
        key = diagram_key(diagram_source(m.group(1)))
        svgs = cached(key)
        if svgs is None:
            counts["left"] += 1
            log.info(
                "%s: diagram %s has no pre-rendered SVG; it is rendered in the browser. "
                "Run scripts/render_diagrams.py to render it.", where, key
            )
            return m.group(0)
        counts["inlined"] += 1
        return (
            f'<figure class="kb-diagram" data-diagram="{key}" data-search-exclude>'
            f'<div class="kb-diagram__light">{svgs["light"]}</div>'
            f'<div class="kb-diagram__dark">{svgs["dark"]}</div>'
            "</figure>"
        )

    out = BLOCK.sub(sub, page_html)
    return out, counts["inlined"], counts["left"]


def on_page_content(html_text, page, config, files, **kwargs):
    if os.environ.get("KVMKB_DIAGRAMS") == "off":  # scripts/render_diagrams.py collects the sources
        return html_text
    out, _, _ = replace_blocks(html_text, f"docs/{page.file.src_uri}")
    return out

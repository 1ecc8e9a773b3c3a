"""Serve Mermaid diagrams as pre-rendered SVG (MkDocs hook, see mkdocs.yml).

Rendering Mermaid in the reader's browser costs about 1 MB of JavaScript
and one to two seconds of main-thread work on a phone. Instead,
scripts/render_diagrams.py renders every diagram once, in a light and a
dark version, into data/diagrams/<hash>-{light,dark}.svg (committed). This
hook replaces each ``<pre class="mermaid">`` block of a page by the two
SVGs inline; CSS shows the one that matches the colour scheme. The text in
an inline SVG stays selectable, searchable and readable by screen readers.

Each SVG carries its natural size (width and height in CSS px) and a
``min-width`` that keeps its smallest text at MIN_TEXT_PX: a diagram is
drawn at its natural width up to the column width, and one that would have
to shrink further scrolls sideways in its own container instead. A link
under it opens the SVG file full size (copied to assets/diagrams/), for
phones.

A diagram without a cached rendering (a new or edited one) is left as it
is, so Material renders it in the browser as before, and the build prints
how to render it; tests/test_build.py fails in CI until the cache is
complete.
"""
from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import re
import shutil
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.kvmkb.diagrams")

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "data" / "diagrams"
BLOCK = re.compile(r'<pre class="mermaid"><code>(.*?)</code></pre>', re.S)
THEMES = ("light", "dark")
SITE_DIR = "assets/diagrams"
# Smallest diagram text, in CSS px, that a reader should ever get.
MIN_TEXT_PX = 12
# Mermaid settings used by scripts/render_diagrams.py. They are part of
# each diagram's cache key, so changing them re-renders every diagram.
# Labels are SVG text (not HTML in foreignObject): valid inline HTML and no
# dependence on the page's CSS. useMaxWidth off: the SVG states its natural
# size. Sequence diagrams wrap long messages instead of growing sideways.
CONFIG = {
    "startOnLoad": False, "securityLevel": "strict", "htmlLabels": False,
    "fontFamily": "Arial, Helvetica, sans-serif",
    "flowchart": {"htmlLabels": False, "useMaxWidth": False},
    "sequence": {"useMaxWidth": False, "wrap": True, "width": 220, "actorMargin": 30},
    "timeline": {"useMaxWidth": False},
    "state": {"useMaxWidth": False},
    "class": {"useMaxWidth": False},
    "er": {"useMaxWidth": False},
    "gantt": {"useMaxWidth": False},
    "journey": {"useMaxWidth": False},
}
WIDE = re.compile(r'<svg [^>]*?style="min-width: ([0-9.]+)px')
# Width of the text column on a 1400 px screen: wider diagrams scroll there too.
DESKTOP_COLUMN_PX = 688


def diagram_source(escaped: str) -> str:
    """The Mermaid text of a block as it appears in the built HTML."""
    return html.unescape(escaped).strip() + "\n"


def diagram_key(source: str) -> str:
    salt = json.dumps(CONFIG, sort_keys=True) + f"|{MIN_TEXT_PX}|"
    return hashlib.sha256((salt + source).encode("utf-8")).hexdigest()[:16]


def cached(key: str) -> dict[str, str] | None:
    svgs = {}
    for theme in THEMES:
        path = CACHE / f"{key}-{theme}.svg"
        if not path.is_file():
            return None
        svgs[theme] = path.read_text(encoding="utf-8")
    return svgs


USED: set[str] = set()


def replace_blocks(page_html: str, where: str = "", root: str = "") -> tuple[str, int, int]:
    """Inline cached SVGs; return the new HTML and the counts (inlined, left).

    ``root`` is the relative path from the page to the site root (for the
    full-size link).
    """
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
        USED.add(key)
        wide = WIDE.search(svgs["light"])
        cls = "kb-diagram kb-diagram--wide" if wide and float(wide.group(1)) > DESKTOP_COLUMN_PX else "kb-diagram"
        box = 'tabindex="0" role="group" aria-label="Diagram (scrolls sideways when wider than the page)"'
        return (
            f'<figure class="{cls}" data-diagram="{key}" data-search-exclude>'
            f'<div class="kb-diagram__light" {box}>{svgs["light"]}</div>'
            f'<div class="kb-diagram__dark" {box}>{svgs["dark"]}</div>'
            f'<figcaption class="kb-diagram__open">'
            f'<a href="{root}{SITE_DIR}/{key}-light.svg" target="_blank">Open the diagram full size</a>'
            "</figcaption></figure>"
        )

    out = BLOCK.sub(sub, page_html)
    return out, counts["inlined"], counts["left"]


def on_page_content(html_text, page, config, files, **kwargs):
    if os.environ.get("KVMKB_DIAGRAMS") == "off":  # scripts/render_diagrams.py collects the sources
        return html_text
    depth = page.url.count("/")
    out, _, _ = replace_blocks(html_text, f"docs/{page.file.src_uri}", "../" * depth)
    return out


def on_pre_build(config, **kwargs):
    USED.clear()


def on_post_build(config, **kwargs):
    """Publish the light SVG of every inlined diagram for the full-size link."""
    if not USED:
        return
    out = Path(config["site_dir"]) / SITE_DIR
    out.mkdir(parents=True, exist_ok=True)
    for key in sorted(USED):
        shutil.copyfile(CACHE / f"{key}-light.svg", out / f"{key}-light.svg")

"""Code blocks that scroll sideways can be reached by keyboard before Material mounts them (MkDocs hook).

Material makes a code block focusable (tabindex="0") when it overflows, so
that a keyboard user can scroll it (WCAG 2.1.1; axe scrollable-region-focusable).
It does that when it mounts the block, and with the content.lazy feature
(mkdocs.yml: mounting every block at load was the main cost of long pages on
a phone) a block is mounted only when it scrolls into view. So every block is
served focusable; when Material mounts it, it removes the tabindex again if
the block does not overflow. Tabbing to a block scrolls it into view, which
mounts it.
"""
from __future__ import annotations

import re

# Not Mermaid blocks: hooks/diagrams.py and scripts/render_diagrams.py read those as they are.
CODE = re.compile(r'(<pre\b(?![^>]*\bmermaid\b)[^>]*>(?:<span></span>)?)<code(?=[\s>])(?![^>]*\btabindex=)')


def focusable_code(page_html: str) -> str:
    return CODE.sub(r'\1<code tabindex="0"', page_html)


def on_page_content(html, page, config, files, **kwargs):
    return focusable_code(html)

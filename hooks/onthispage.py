"""An "On this page" list at the top of long pages, for phones (MkDocs hook).

Material shows a page's table of contents beside the text only on wide
screens; on a phone it is two taps away in the navigation drawer, and a
reader of a 40-screen page does not find it. This hook puts a collapsed
list of the page's sections under the title; CSS (extra.css) hides it
where the sidebar table of contents is visible.
"""
from __future__ import annotations

import html
import re

MIN_SECTIONS = 4
H1_END = re.compile(r"</h1>")


def sections(toc) -> list[tuple[str, str]]:
    """(anchor, title) of the page's second-level headings."""
    out = []
    for item in toc:
        if item.level == 1:
            out.extend((c.id, c.title) for c in item.children)
        elif item.level == 2:
            out.append((item.id, item.title))
    return out


def on_page_content(page_html, page, config, files, **kwargs):
    items = sections(page.toc)
    if len(items) < MIN_SECTIONS:
        return page_html
    lis = "".join(f'<li><a href="#{html.escape(a)}">{t}</a></li>' for a, t in items)
    zh = page.file.src_uri.endswith(".zh.md")
    label = "本页目录" if zh else "On this page"
    summary = f"本页目录（{len(items)} 节）" if zh else f"On this page ({len(items)} sections)"
    # data-search-exclude: the list repeats the headings, which search already
    # indexes as sections; in the page's own entry it would only crowd out the
    # first paragraph (and the 中文 keywords line that Chinese search reads).
    block = (
        f'<nav class="kb-onthispage" aria-label="{label}" data-search-exclude>'
        f'<details class="abstract"><summary>{summary}</summary><ul>{lis}</ul></details>'
        "</nav>"
    )
    new, n = H1_END.subn("</h1>\n" + block, page_html, count=1)
    return new if n else page_html

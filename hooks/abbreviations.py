"""Glossary tooltips on the first use of a term per page (MkDocs hook).

The glossary (data/glossary/) defines an abbreviation for every term, and
Markdown's abbr extension marks every occurrence. Dictionaries and good
style guides explain a term where it first appears; marking all of them
also costs the browser work (Material mounts a tooltip per element), which
matters on long pages. This hook keeps the <abbr> on the first occurrence of
each term on a page and turns later ones back into plain text.
"""
from __future__ import annotations

import re

ABBR = re.compile(r'<abbr title="([^"]*)">(.*?)</abbr>', re.S)


def first_use_only(page_html: str) -> str:
    seen: set[str] = set()

    def sub(m: re.Match) -> str:
        term = m.group(2)
        if term in seen:
            return term
        seen.add(term)
        return m.group(0)

    return ABBR.sub(sub, page_html)


def on_page_content(html, page, config, files, **kwargs):
    return first_use_only(html)

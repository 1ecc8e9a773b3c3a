"""Say what each tag means on the tags page (MkDocs hook).

Material's tags plugin lists the pages of each tag under a heading
``<h2 id="tag:NAME">``; this hook adds the tag's one-line meaning from
data/tags.yml under each heading, so the chips at the end of every page
lead to an explanation.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
HEADING = re.compile(r'(<h2 id="tag:([^"]+)">.*?</h2>)', re.S)


def add_meanings(page_html: str, meanings: dict[str, str]) -> str:
    def sub(m: re.Match) -> str:
        meaning = meanings.get(html.unescape(m.group(2)))
        return m.group(1) + (f'\n<p class="kb-tag-meaning">{html.escape(meaning)}</p>' if meaning else "")

    return HEADING.sub(sub, page_html)


def on_post_page(output, page, config, **kwargs):
    if page.file.src_uri != "reference/tags.md":
        return output
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    meanings = yaml.load((ROOT / "data" / "tags.yml").read_text(encoding="utf-8"), Loader=loader) or {}  # noqa: S506
    return add_meanings(output, {str(k): str(v) for k, v in meanings.items()})

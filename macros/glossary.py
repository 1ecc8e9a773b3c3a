"""The glossary (``data/glossary/``): ``glossary_table`` and the abbreviation tooltips."""
from __future__ import annotations

import re
from typing import Iterable

from macros.errors import MacroError
from macros.pages import PageContext
from macros.render import md_escape_cell, relative_link


def glossary_table(ctx: PageContext, glossary: list[dict], glossary_zh: dict | None = None) -> str:
    """The glossary as a table, with anchors per term (definitions in Chinese on a page.zh.md)."""
    from macros.data import glossary_definition_hash

    here = ctx.current_page()
    zh = here.endswith(".zh.md")
    if zh:
        lines = ["| 术语 | 英文全称 | 中文 | 释义 |", "|---|---|---|---|"]
    else:
        lines = ["| Term | Stands for | 中文 | Meaning |", "|---|---|---|---|"]
    for t in glossary:
        slug = "term-" + re.sub(r"[^a-z0-9]+", "-", t["term"].lower()).strip("-")
        tr = (glossary_zh or {}).get(t["term"]) if zh else None
        if tr is not None:
            meaning = md_escape_cell(tr["definition"])
            if tr["translated_from"] != glossary_definition_hash(t["definition"]):
                meaning += " <small>（译文可能已过时，以英文术语表为准）</small>"
        elif zh:
            meaning = f'<span lang="en">{md_escape_cell(t["definition"])}</span> <small>（尚未翻译）</small>'
        else:
            meaning = md_escape_cell(t["definition"])
        if t.get("link"):
            target = t["link"]
            if not (ctx.docs_dir / target.partition("#")[0]).is_file():
                raise MacroError(f"{t['_file']}: term {t['term']!r} links to {target}, which does not exist")
            meaning += f" [{'详见' if zh else 'More'}]({relative_link(here, target)})"
        lines.append(
            f"| <span id=\"{slug}\"></span>**{md_escape_cell(t['term'])}** | {md_escape_cell(t['expansion'])} "
            f"| {md_escape_cell(t['zh'])} | {meaning} |"
        )
    return "\n".join(lines)


def abbreviations(glossary: Iterable[dict]) -> str:
    lines = []
    for t in glossary:
        tip = t["expansion"]
        if t.get("zh"):
            tip = f"{tip} ({t['zh']})"
        lines.append(f"*[{t['term']}]: {tip}")
    return "\n".join(lines)

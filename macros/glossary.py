"""The glossary (``data/glossary/``): ``glossary_table`` and the abbreviation tooltips."""
from __future__ import annotations

import re
from typing import Iterable

from macros.errors import MacroError
from macros.pages import PageContext
from macros.render import md_escape_cell, relative_link


def glossary_table(ctx: PageContext, glossary: list[dict]) -> str:
    """The glossary as a table, with anchors per term."""
    here = ctx.current_page()
    lines = ["| Term | Stands for | 中文 | Meaning |", "|---|---|---|---|"]
    for t in glossary:
        slug = "term-" + re.sub(r"[^a-z0-9]+", "-", t["term"].lower()).strip("-")
        meaning = md_escape_cell(t["definition"])
        if t.get("link"):
            target = t["link"]
            if not (ctx.docs_dir / target.partition("#")[0]).is_file():
                raise MacroError(f"{t['_file']}: term {t['term']!r} links to {target}, which does not exist")
            meaning += f" [More]({relative_link(here, target)})"
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

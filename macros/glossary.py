"""The glossary (``data/glossary/``): ``glossary_table`` and the abbreviation tooltips."""
from __future__ import annotations

import re
from typing import Iterable

from macros.faq import data_link
from macros.pages import PageContext


def glossary_table(ctx: PageContext, glossary: list[dict], glossary_zh: dict | None = None) -> str:
    """The glossary: a letter index, then one definition-list entry per term.

    A definition list (term line, then its meaning) reads on a phone as well
    as on a desktop, where a four-column table pushed the meaning off-screen.
    Each term keeps its anchor ``#term-<slug>``; each letter is a heading
    ``#letter-<x>`` (so it is also in the page's table of contents). On a
    Chinese page (page.zh.md) the meaning comes from data/glossary/zh/, with a
    notice when the translation is outdated and the English text when there
    is none.
    """
    from macros.data import glossary_definition_hash

    here = ctx.current_page()
    zh = here.endswith(".zh.md")
    groups: dict[str, list[dict]] = {}
    for t in glossary:
        first = t["term"][0].upper()
        groups.setdefault(first if first.isalpha() else "#", []).append(t)
    index = " ".join(
        f"[{letter}](#letter-{letter.lower() if letter != '#' else 'other'})" for letter in groups
    )
    label = "按字母浏览术语" if zh else "Glossary by letter"
    parts = [f'<nav class="kb-letters" markdown aria-label="{label}">\n{index}\n</nav>']
    for letter, terms in groups.items():
        anchor = letter.lower() if letter != "#" else "other"
        parts.append(f"## {letter} {{ #letter-{anchor} }}")
        entries = []
        for t in terms:
            slug = "term-" + re.sub(r"[^a-z0-9]+", "-", t["term"].lower()).strip("-")
            tr = (glossary_zh or {}).get(t["term"]) if zh else None
            if tr is not None:
                meaning = one_line(tr["definition"])
                if tr["translated_from"] != glossary_definition_hash(t["definition"]):
                    meaning += " <small>（译文可能已过时，以英文术语表为准）</small>"
            elif zh:
                meaning = f'<span lang="en">{one_line(t["definition"])}</span> <small>（尚未翻译）</small>'
            else:
                meaning = one_line(t["definition"])
            if t.get("link"):
                href = data_link(ctx, here, t["link"], f"{t['_file']}: term '{t['term']}'")
                meaning += f" [{'详见' if zh else 'More'}]({href})"
            head = f'<span id="{slug}"></span>**{one_line(t["term"])}**'
            if t["expansion"].strip().lower() != t["term"].strip().lower():
                head += f" · {one_line(t['expansion'])}"
            if t.get("zh"):
                head += f' · <span lang="zh">{one_line(t["zh"])}</span>'
            entries.append(f"{head}\n:   {meaning}")
        parts.append("\n\n".join(entries))
    return "\n\n".join(parts)


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def abbreviations(glossary: Iterable[dict]) -> str:
    lines = []
    for t in glossary:
        tip = t["expansion"]
        if t.get("zh"):
            tip = f"{tip} ({t['zh']})"
        lines.append(f"*[{t['term']}]: {tip}")
    return "\n".join(lines)

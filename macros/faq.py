"""The FAQ (``data/faq/``); the error-message catalogue is in ``atlas.py``."""
from __future__ import annotations

import html

from macros.data import FAQ_CATEGORIES
from macros.errors import MacroError
from macros.pages import PageContext
from macros.render import md_escape_cell, relative_link


def deeper_links(ctx: PageContext, links: list[str], here: str, where: str) -> str:
    out = []
    for target in links:
        path = target.partition("#")[0]
        if not (ctx.docs_dir / path).is_file():
            raise MacroError(f"{where}: link '{target}' points to docs/{path}, which does not exist")
        out.append(f"[{ctx.page_title(path)}]({relative_link(here, path)}{target[len(path):]})")
    return ", ".join(out)


def faq_category(ctx: PageContext, faq: dict[str, dict], name: str) -> str:
    """All entries of one FAQ category."""
    if name not in faq:
        raise MacroError(f"faq_category('{name}'): no data/faq/{name}.yml")
    here = ctx.current_page()
    parts = []
    for e in faq[name]["entries"]:
        body = str(e["a"]).strip()
        since = f"\n\n<small>Applies to: {e['since']}</small>" if e.get("since") else ""
        more = deeper_links(ctx, e["links"], here, f"{faq[name]['file']} entry '{e['id']}'")
        # The question in Chinese, shown and indexed with the answer (issue 16).
        zh = f'<p class="kb-zh" lang="zh-Hans"><span class="kb-zh__label">中文：</span>{html.escape(str(e["zh"]))}</p>\n\n' if e.get("zh") else ""
        parts.append(f"## {e['q']} {{ #{e['id']} }}\n\n{zh}{body}{since}\n\n**Go deeper:** {more}")
    return "\n\n".join(parts)


def faq_index(ctx: PageContext, faq: dict[str, dict]) -> str:
    """Every FAQ question, grouped by category, linked to its answer."""
    here = ctx.current_page()
    parts = []
    total = 0
    for cat in FAQ_CATEGORIES:
        if cat not in faq:
            continue
        data = faq[cat]
        page = f"faq/{cat}.md"
        if not (ctx.docs_dir / page).is_file():
            raise MacroError(f"faq_index(): data/faq/{cat}.yml has no page docs/{page}")
        link = relative_link(here, page)
        items = [f"- [{e['q']}]({link}#{e['id']})" for e in data["entries"]]
        total += len(items)
        parts.append(f"## [{data['title']}]({link}) {{ #{cat} }}\n\n{data['description']}\n\n" + "\n".join(items))
    return f"{total} questions in {len(parts)} categories.\n\n" + "\n\n".join(parts)

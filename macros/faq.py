"""The FAQ (``data/faq/``); the error-message catalogue is in ``atlas.py``."""
from __future__ import annotations

import html
import logging
import re

from macros.data import FAQ_CATEGORIES, faq_entry_hash
from macros.errors import MacroError
from macros.pages import PageContext
from macros.render import md_escape_cell, relative_link


# (page, link as written in the page) -> (data entry, link as written in the data file).
# MkDocs checks anchors after every page is built and reports a bad one against
# the generated page; LinkOrigins rewrites that message to name the entry.
LINK_ORIGINS: dict[tuple[str, str], tuple[str, str]] = {}


def data_link(ctx: PageContext, here: str, target: str, where: str) -> str:
    """The href of a link written in a data entry (`where`), checked to exist."""
    path = target.partition("#")[0]
    if not (ctx.docs_dir / path).is_file():
        raise MacroError(f"{where}: link '{target}' points to docs/{path}, which does not exist")
    href = f"{relative_link(here, path)}{target[len(path):]}"
    LINK_ORIGINS[(here, href)] = (where, target)
    return href


def deeper_links(ctx: PageContext, links: list[str], here: str, where: str) -> str:
    out = []
    for target in links:
        href = data_link(ctx, here, target, where)
        out.append(f"[{ctx.page_title(target.partition('#')[0])}]({href})")
    return ", ".join(out)


class LinkOrigins(logging.Filter):
    """Report a bad anchor in a data entry's link against the data file and entry."""

    PATTERN = re.compile(r"Doc file '(?P<page>[^']+)' contains a link '(?P<link>[^']+)', but (?P<problem>.*)", re.S)
    kvmkb_link_origins = True

    def __init__(self, origins: dict) -> None:
        super().__init__()
        self.origins = origins

    def filter(self, record: logging.LogRecord) -> bool:
        m = self.PATTERN.match(record.getMessage())
        origin = m and self.origins.get((m["page"], m["link"]))
        if origin:
            where, target = origin
            record.msg = (
                f"{where}: link '{target}': {m['problem'].rstrip('.')} (seen on docs/{m['page']}). "
                "Fix the link in that entry: an anchor is the { #id } after a heading, and an FAQ "
                "answer's or error entry's anchor is its id"
            )
            record.args = ()
        return True

    @classmethod
    def install(cls) -> None:
        """One filter on MkDocs' page logger, using this build's LINK_ORIGINS."""
        logger = logging.getLogger("mkdocs.structure.pages")
        for f in list(logger.filters):
            if getattr(f, "kvmkb_link_origins", False):
                logger.removeFilter(f)
        LINK_ORIGINS.clear()
        logger.addFilter(cls(LINK_ORIGINS))


def _zh(ctx: PageContext) -> bool:
    """Rendering a Chinese page (page.zh.md): use data/faq/zh/ with fallback to English."""
    return ctx.current_page().endswith(".zh.md")


def _entry_notice(outdated: bool) -> str:
    """The notice under a Chinese FAQ question: translation outdated, or not translated yet."""
    if outdated:
        return ('\n\n!!! warning "译文可能已过时"\n\n    英文原文在本条译文完成后有过修改，'
                "请以英文 FAQ 中的同一问题为准。")
    return '\n\n!!! info "本条尚未翻译"\n\n    下面是英文原文。'


def faq_category(ctx: PageContext, faq: dict[str, dict], faq_zh: dict | None, name: str) -> str:
    """All entries of one FAQ category (in Chinese on a page.zh.md, where translated)."""
    if name not in faq:
        raise MacroError(f"faq_category('{name}'): no data/faq/{name}.yml")
    here = ctx.current_page()
    zh = _zh(ctx)
    translated = ((faq_zh or {}).get(name) or {}).get("entries", {}) if zh else {}
    parts = []
    for e in faq[name]["entries"]:
        more = deeper_links(ctx, e["links"], here, f"{faq[name]['file']}: entry '{e['id']}'")
        t = translated.get(e["id"])
        if zh and t is not None:
            notice = _entry_notice(True) if t["translated_from"] != faq_entry_hash(e) else ""
            since = f"\n\n<small>适用于：{e['since']}</small>" if e.get("since") else ""
            parts.append(f"## {t['q']} {{ #{e['id']} }}{notice}\n\n{str(t['a']).strip()}{since}\n\n**深入阅读：**{more}")
        elif zh:
            since = f"\n\n<small>Applies to: {e['since']}</small>" if e.get("since") else ""
            parts.append(
                f"## {e['q']} {{ #{e['id']} lang=\"en\" data-search-exclude }}{_entry_notice(False)}\n\n"
                f"<div lang=\"en\" markdown>\n\n{str(e['a']).strip()}{since}\n\n</div>\n\n**深入阅读：**{more}"
            )
        else:
            since = f"\n\n<small>Applies to: {e['since']}</small>" if e.get("since") else ""
            # The question in Chinese, shown and indexed with the answer (issue 16).
            zh_line = (f'<p class="kb-zh" lang="zh-Hans"><span class="kb-zh__label">中文：</span>'
                       f'{html.escape(str(e["zh"]))}</p>\n\n') if e.get("zh") else ""
            parts.append(f"## {e['q']} {{ #{e['id']} }}\n\n{zh_line}{str(e['a']).strip()}{since}\n\n**Go deeper:** {more}")
    return "\n\n".join(parts)


def faq_index(ctx: PageContext, faq: dict[str, dict], faq_zh: dict | None = None) -> str:
    """Every FAQ question, grouped by category, linked to its answer (in Chinese on a page.zh.md)."""
    here = ctx.current_page()
    zh = _zh(ctx)
    parts = []
    total = 0
    for cat in FAQ_CATEGORIES:
        if cat not in faq:
            continue
        data = faq[cat]
        tdata = (faq_zh or {}).get(cat) if zh else None
        page = f"faq/{cat}.md"
        if not (ctx.docs_dir / page).is_file():
            raise MacroError(f"faq_index(): data/faq/{cat}.yml has no page docs/{page}")
        link = relative_link(here, page)
        tentries = (tdata or {}).get("entries", {})
        items = []
        for e in data["entries"]:
            t = tentries.get(e["id"])
            items.append(f"- [{t['q'] if t else e['q']}]({link}#{e['id']})")
        total += len(items)
        title = (tdata or {}).get("title") or data["title"]
        desc = (tdata or {}).get("description") or data["description"]
        parts.append(f"## [{title}]({link}) {{ #{cat} }}\n\n{desc}\n\n" + "\n".join(items))
    if zh:
        return f"共 {total} 个问题，分为 {len(parts)} 类。\n\n" + "\n\n".join(parts)
    return f"{total} questions in {len(parts)} categories.\n\n" + "\n\n".join(parts)

"""The FAQ (``data/faq/``); the error-message catalogue is in ``atlas.py``."""
from __future__ import annotations

import logging
import re

from macros.data import FAQ_CATEGORIES
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


def faq_category(ctx: PageContext, faq: dict[str, dict], name: str) -> str:
    """All entries of one FAQ category."""
    if name not in faq:
        raise MacroError(f"faq_category('{name}'): no data/faq/{name}.yml")
    here = ctx.current_page()
    parts = []
    for e in faq[name]["entries"]:
        body = str(e["a"]).strip()
        since = f"\n\n<small>Applies to: {e['since']}</small>" if e.get("since") else ""
        more = deeper_links(ctx, e["links"], here, f"{faq[name]['file']}: entry '{e['id']}'")
        parts.append(f"## {e['q']} {{ #{e['id']} }}\n\n{body}{since}\n\n**Go deeper:** {more}")
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

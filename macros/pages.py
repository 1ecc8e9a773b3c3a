"""The page being rendered, and the macros that link pages: ``xref`` and ``section_index``."""
from __future__ import annotations

import html
import re
from pathlib import Path

from macros.data import read_front_matter
from macros.errors import MacroError
from macros.render import relative_link


class PageContext:
    """What the macros need to know about the site and the page being rendered."""

    def __init__(self, env) -> None:
        self.env = env
        self.root = Path(env.project_dir)
        self.docs_dir = Path(env.conf["docs_dir"])

    def current_page(self) -> str:
        page = self.env.variables.get("page")
        return page.file.src_uri if page is not None else "index.md"

    @property
    def nav(self) -> list:
        return self.env.conf["nav"] or []

    def page_title(self, path: str) -> str:
        fm = read_front_matter(self.docs_dir / path)
        return str(fm.get("title") or path)


# -- cross links -----------------------------------------------------------


def xref(ctx: PageContext, target: str, text: str | None = None) -> str:
    """Link to another page by its path from docs/, optionally with #anchor."""
    path, _, anchor = target.partition("#")
    if not path.endswith(".md"):
        raise MacroError(f"xref('{target}'): give a page path from docs/, such as 'architecture/run-loop.md'")
    if not (ctx.docs_dir / path).is_file():
        raise MacroError(f"xref('{target}'): page docs/{path} does not exist")
    if anchor and not re.fullmatch(r"[A-Za-z0-9_\-.:]+", anchor):
        raise MacroError(f"xref('{target}'): '{anchor}' is not a valid anchor")
    href = relative_link(ctx.current_page(), path) + (f"#{anchor}" if anchor else "")
    # The anchor itself is checked by MkDocs' link validation (anchors: warn + strict).
    return f"[{text or ctx.page_title(path)}]({href})"


# -- section listings --------------------------------------------------------


def nav_section_of(nav: list, page: str) -> list:
    def walk(items):
        for item in items:
            if isinstance(item, dict):
                for _title, sub in item.items():
                    if isinstance(sub, list):
                        flat = [x for x in sub if isinstance(x, str)]
                        if page in flat:
                            return sub
                        found = walk(sub)
                        if found is not None:
                            return found
        return None

    section = walk(nav)
    if section is None:
        raise MacroError("section_index(): this page is not the index of a section in nav")
    return section


def cards(docs_dir: Path, paths: list[str], here: str) -> str:
    rows = []
    for p in paths:
        if not (docs_dir / p).is_file():
            raise MacroError(f"section_index(): nav lists {p}, which does not exist")
        fm = read_front_matter(docs_dir / p)
        # A missing description is reported, with its file, by the policy hook.
        desc = fm.get("description") or ""
        kind = fm.get("type", "")
        rows.append(
            f"-   **[{fm.get('title', p)}]({relative_link(here, p)})**"
            f"{' · <small>' + html.escape(str(kind)) + '</small>' if kind else ''}\n\n    ---\n\n    {desc}"
        )
    return '<div class="grid cards" markdown>\n\n' + "\n\n".join(rows) + "\n\n</div>"


def section_index(ctx: PageContext) -> str:
    """The pages of the current section, with their descriptions."""
    here = ctx.current_page()
    section = nav_section_of(ctx.nav, here)
    parts = []
    loose = [x for x in section if isinstance(x, str) and x != here]
    if loose:
        parts.append(cards(ctx.docs_dir, loose, here))
    for item in section:
        if isinstance(item, dict):
            for title, sub in item.items():
                paths = [x for x in (sub if isinstance(sub, list) else [sub]) if isinstance(x, str)]
                parts.append(f"## {title}\n\n" + cards(ctx.docs_dir, paths, here))
    if not parts:
        raise MacroError("section_index(): the section has no pages besides its index")
    return "\n\n".join(parts)

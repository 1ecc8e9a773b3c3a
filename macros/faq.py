"""The FAQ (``data/faq/``) and the error-message catalogue (``data/errors.yml``)."""
from __future__ import annotations

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


def error_catalogue(ctx: PageContext, errors: list[dict], brief: bool = False) -> str:
    """The error-message catalogue: in full, or as a table linking to the full entries."""
    here = ctx.current_page()
    if not errors:
        raise MacroError("error_catalogue(): data/errors.yml is missing or empty")
    full_page = "hands-on/troubleshooting.md"
    if brief:
        lines = ["| Message | Cause |", "|---|---|"]
        for e in errors:
            href = f"{relative_link(here, full_page)}#{e['id']}"
            lines.append(f"| [`{md_escape_cell(e['message'])}`]({href}) | {md_escape_cell(e['cause'])} |")
        return "\n".join(lines)
    groups: dict[str, list] = {}
    for e in errors:
        groups.setdefault(e["category"], []).append(e)
    parts = []
    for cat, items in groups.items():
        parts.append(f"## {cat.replace('-', ' ').capitalize()} {{ #cat-{cat} }}")
        for e in items:
            more = deeper_links(ctx, e["links"], here, f"data/errors.yml entry '{e['id']}'")
            src = f"\n\n<small>Where the message comes from: {e['source']}</small>" if e.get("source") else ""
            parts.append(
                f"### `{e['message']}` {{ #{e['id']} }}\n\n"
                f"**Printed by:** {e['component']}\n\n"
                f"**Cause.** {str(e['cause']).strip()}\n\n"
                f"**Fix.**\n\n{str(e['fix']).strip()}\n\n"
                f"**Go deeper:** {more}{src}"
            )
    return "\n\n".join(parts)

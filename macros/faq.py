"""The FAQ (``data/faq/``) and the error-message catalogue (``data/errors.yml``)."""
from __future__ import annotations

from macros.data import FAQ_CATEGORIES, faq_entry_hash
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
        more = deeper_links(ctx, e["links"], here, f"{faq[name]['file']} entry '{e['id']}'")
        t = translated.get(e["id"])
        if zh and t is not None:
            notice = _entry_notice(True) if t["translated_from"] != faq_entry_hash(e) else ""
            since = f"\n\n<small>适用于：{e['since']}</small>" if e.get("since") else ""
            parts.append(f"## {t['q']} {{ #{e['id']} }}{notice}\n\n{str(t['a']).strip()}{since}\n\n**深入阅读：**{more}")
        elif zh:
            since = f"\n\n<small>Applies to: {e['since']}</small>" if e.get("since") else ""
            parts.append(
                f"## {e['q']} {{ #{e['id']} lang=\"en\" }}{_entry_notice(False)}\n\n"
                f"<div lang=\"en\" markdown>\n\n{str(e['a']).strip()}{since}\n\n</div>\n\n**深入阅读：**{more}"
            )
        else:
            since = f"\n\n<small>Applies to: {e['since']}</small>" if e.get("since") else ""
            parts.append(f"## {e['q']} {{ #{e['id']} }}\n\n{str(e['a']).strip()}{since}\n\n**Go deeper:** {more}")
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

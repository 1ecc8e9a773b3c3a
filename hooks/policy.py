"""Content policy for every page, run by MkDocs as a hook (see mkdocs.yml).

Each rule reports a warning that names the file and says how to fix it;
``strict: true`` turns every warning into a failed build, after all pages
have been checked, so a contributor sees every problem in one run.

Rules (CONTRIBUTING.md explains each):

* front matter has ``title``, a one-sentence ``description``, a ``type``
  from PAGE_TYPES and a non-empty ``tags`` list from the tags plugin's
  ``tags_allowed``;
* no placeholder text (TODO, TBD, FIXME, lorem ipsum, XXX);
* every page except a section index ends with a ``## Sources`` section;
* links into the Linux, QEMU and libvirt source trees are made by the
  macros (so that one version bump moves them all), never by hand.
"""
from __future__ import annotations

import logging
import re

log = logging.getLogger("mkdocs.plugins.kvmkb.policy")

PAGE_TYPES = {"tutorial", "how-to", "explanation", "reference"}
# Pages that are not content pages in the Diátaxis sense.
SPECIAL = {"index.md", "reference/tags.md"}

PLACEHOLDER = re.compile(r"\b(TODO|TBD|FIXME|XXX)\b|lorem ipsum", re.I)
HAND_SOURCE_LINK = re.compile(
    r"https?://(git\.kernel\.org/pub/scm/linux/kernel/git/torvalds/linux\.git/(tree|plain|blob)"
    r"|elixir\.bootlin\.com/(linux|qemu)/[^/\s)]+/(source|ident|A/ident)"
    r"|github\.com/(torvalds/linux|qemu/qemu|libvirt/libvirt)/(blob|tree)/"
    r"|gitlab\.com/(qemu-project/qemu|libvirt/libvirt)/-/(blob|tree)/)"
)
# A Chinese translation (page.zh.md) may title the section 参考资料.
SOURCES_HEADING = re.compile(r"^##\s+(Sources\b|参考资料)", re.M)
# page.zh.md is the Chinese translation of page.md: the same rules apply.
TRANSLATION_SUFFIX = re.compile(r"\.zh\.md$")
FENCE = re.compile(r"^[ \t>]*(`{3,}|~{3,})")

_allowed_tags: set[str] = set()


def _strip_code(markdown: str) -> str:
    """The page without fenced code, so that rules apply to prose only."""
    out, fence = [], None
    for line in markdown.split("\n"):
        m = FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)
            continue
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            continue
        out.append(re.sub(r"`[^`\n]*`", "", line))
    return "\n".join(out)


def on_config(config, **kwargs):
    global _allowed_tags
    tags_plugin = config.plugins.get("material/tags")
    allowed = getattr(getattr(tags_plugin, "config", None), "tags_allowed", None) or set()
    _allowed_tags = {getattr(t, "name", str(t)) for t in allowed}
    if not _allowed_tags:
        log.warning("mkdocs.yml: the tags plugin has no 'tags_allowed' list; add one (see data/tags.yml)")
    return config


def check_page(src: str, meta: dict, source_markdown: str, rendered_markdown: str) -> list[str]:
    """Return the policy problems of one page (pure function, unit-tested)."""
    problems: list[str] = []
    where = f"docs/{src}"
    src = TRANSLATION_SUFFIX.sub(".md", src)
    for field in ("title", "description", "type", "tags"):
        if field not in meta or meta[field] in (None, "", []):
            if src in SPECIAL and field in ("type", "tags"):
                continue
            problems.append(f"{where}: front matter: missing '{field}' (see docs/_templates/ for an example)")
    desc = meta.get("description")
    if isinstance(desc, str) and desc:
        sentences = [s for s in re.split(r"(?<=[.!?])\s+|(?<=[。！？])", desc.strip()) if s]
        if len(sentences) != 1 or not desc.strip().endswith((".", "?", "!", "。", "？", "！")):
            problems.append(f"{where}: front matter: 'description' must be exactly one sentence ending with a full stop")
    ptype = meta.get("type")
    if ptype is not None and ptype not in PAGE_TYPES:
        problems.append(f"{where}: front matter: type '{ptype}' is not one of {', '.join(sorted(PAGE_TYPES))}")
    tags = meta.get("tags")
    if tags is not None and not isinstance(tags, list):
        problems.append(f"{where}: front matter: 'tags' must be a list, such as [architecture, cpu]")
    elif tags and _allowed_tags:
        for tag in tags:
            if str(tag) not in _allowed_tags:
                problems.append(
                    f"{where}: tag '{tag}' is not allowed; use one of: {', '.join(sorted(_allowed_tags))} "
                    "(tags_allowed in mkdocs.yml), or add a new tag there and to data/tags.yml with its meaning"
                )
    prose = _strip_code(rendered_markdown)
    m = PLACEHOLDER.search(prose)
    if m:
        problems.append(f"{where}: placeholder text '{m.group(0)}': write the text, or leave the topic out")
    if src not in SPECIAL and not src.endswith("/index.md") and not SOURCES_HEADING.search(source_markdown):
        problems.append(f"{where}: has no '## Sources' section; end the page with its primary sources")
    m = HAND_SOURCE_LINK.search(_strip_code(source_markdown))
    if m:
        problems.append(
            f"{where}: hand-written source-tree link '{m.group(0)}...': use linux_src/qemu_src/libvirt_src "
            "so that the pinned version applies"
        )
    return problems


def on_page_markdown(markdown, page, config, files, **kwargs):
    source = page.file.content_string
    body = re.sub(r"\A---\s*\n.*?\n---\s*\n", "", source, count=1, flags=re.S)
    for problem in check_page(page.file.src_uri, page.meta or {}, body, markdown):
        log.warning(problem)
    return markdown

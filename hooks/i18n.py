"""The Chinese edition: translation records and reader notices (MkDocs hook).

mkdocs-static-i18n builds the site once per language: English at the usual
URLs, Chinese under /zh/ from ``page.zh.md`` files beside ``page.md`` (an
English page without a translation is built there too, as a fallback).
This hook adds what the plugin does not do:

* every translation records the English page it translates, as
  ``translated_from: <git blob hash of page.md>`` in its front matter; a
  translation without it, or with a hash that is not a 40-digit hex
  string, is reported (and fails the strict build) with the fix;
* a translation whose English page has changed since (its blob hash
  differs) shows a notice linking to the English page, until a translator
  updates the text and the hash (``tests/test_translations.py`` lists them);
* a fallback page (no translation yet) shows a notice, in Chinese, linking
  to the English page, and its English content is marked ``lang="en"``;
* the ``hreflang`` alternates in each page's head get absolute URLs (from
  ``site_url``): search engines ignore relative ones, and Lighthouse's SEO
  audit fails them.

Notices carry ``data-search-exclude`` so that Material's search leaves them
out of the index.
"""
from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path
from urllib.parse import urljoin

from mkdocs.utils import get_relative_url

log = logging.getLogger("mkdocs.plugins.kvmkb.i18n")

DEFAULT = "en"
TRANSLATED_FROM = re.compile(r"[0-9a-f]{40}")
ZH_SUFFIX = re.compile(r"\.zh\.md$")


def blob_hash(data: bytes) -> str:
    """The git blob hash of `data` (what `git hash-object` prints)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def english_source(translation: Path) -> Path:
    """docs/x/page.zh.md -> docs/x/page.md"""
    return translation.with_name(ZH_SUFFIX.sub(".md", translation.name))


def translation_status(translation: Path, meta: dict) -> tuple[str, str]:
    """('current' | 'outdated' | 'invalid', detail) for one translation (pure, unit-tested)."""
    english = english_source(translation)
    recorded = str(meta.get("translated_from") or "")
    if not english.is_file():
        return "invalid", f"has no English page {english.name} beside it; translate an existing page"
    if not TRANSLATED_FROM.fullmatch(recorded):
        return "invalid", (
            "front matter: missing or malformed 'translated_from'; set it to the output of "
            f"`git hash-object {english.as_posix()}` for the English version you translated"
        )
    current = blob_hash(english.read_bytes())
    if recorded != current:
        return "outdated", f"translates {recorded[:12]}, English page is now {current[:12]}"
    return "current", ""


def build_language(config) -> str:
    return str(config.theme["language"] or DEFAULT)


def _english_url(page) -> str | None:
    alt = getattr(page.file, "alternates", {}).get(DEFAULT)
    return alt.url if alt is not None else None


def _notice(kind: str, title: str, body: str) -> str:
    return (
        f'<div class="admonition {kind} kvmkb-i18n-notice" data-search-exclude="true">'
        f'<p class="admonition-title">{title}</p><p>{body}</p></div>\n'
    )


def on_page_markdown(markdown, page, config, files, **kwargs):
    if build_language(config) == DEFAULT:
        return markdown
    if not ZH_SUFFIX.search(page.file.src_uri):
        # A fallback page is the English page again under /zh/: keep it out of
        # the search index, or every English result would appear twice.
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        return markdown
    status, detail = translation_status(Path(page.file.abs_src_path), page.meta or {})
    if status == "invalid":
        log.warning(f"docs/{page.file.src_uri}: {detail}")
    page.meta["kvmkb_translation"] = status
    return markdown


def on_page_content(html, page, config, files, **kwargs):
    if build_language(config) == DEFAULT:
        return html
    en_url = _english_url(page)
    href = get_relative_url(en_url, page.url) if en_url is not None else None
    english_link = f'<a href="{href}" hreflang="en" lang="en">English page</a>' if href else "English page"
    if not ZH_SUFFIX.search(page.file.src_uri):
        notice = _notice(
            "info",
            "本页尚未翻译",
            f"本页还没有中文译文，下面是英文原文（{english_link}）。欢迎参与翻译：见 CONTRIBUTING.md 的“Translations”一节。",
        )
        title, rest = _split_title(html)
        head = f'<div lang="en">\n{title}\n</div>\n' if title else ""
        return head + notice + f'<div lang="en">\n{rest}\n</div>'
    if page.meta.get("kvmkb_translation") == "outdated":
        notice = _notice(
            "warning",
            "译文可能已过时",
            f"英文原文在本译文完成后有过修改，在译文更新之前，请以英文原文（{english_link}）为准。",
        )
        title, rest = _split_title(html)
        return title + notice + rest
    return html


ALTERNATE = re.compile(r'(<link rel="alternate" href=")([^"]*)(" hreflang="[^"]+">)')


def on_post_page(output, page, config, **kwargs):
    site = config.get("site_url")
    if not site:
        return output
    here = urljoin(site, page.url)
    return ALTERNATE.sub(lambda m: m.group(1) + urljoin(here, m.group(2)) + m.group(3), output)


def _split_title(html: str) -> tuple[str, str]:
    """(the page's <h1>, the rest), so that a notice goes under the title."""
    end = html.find("</h1>")
    if html.lstrip().startswith("<h1") and end != -1:
        return html[: end + len("</h1>")], html[end + len("</h1>"):]
    return "", html

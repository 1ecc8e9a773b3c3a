"""Section links (the ¶ after each heading) named by aria-label, not title (MkDocs hook).

With Material's content.tooltips feature, every element in the article that
has a title attribute gets a tooltip component when the page loads. The toc
extension gave each section link the title "Link to this section", so a page
of 60 sections mounted 60 tooltips before the reader could scroll. On the
libvirt error-atlas page, removing those titles lowered Lighthouse's mobile
total blocking time from 401 to 248 ms (median of 5 runs, one series,
2026-12-01; README, Benchmark, lists the atlas changes). mkdocs.yml now
sets no permalink title; this
hook names each section link for screen readers instead, in the page's
language. Glossary abbreviations keep their title and their tooltip.
"""
from __future__ import annotations

import re

LABEL = {"en": "Link to this section", "zh": "本节链接"}
HEADERLINK = re.compile(r'<a class="headerlink" href="(#[^"]*)"(?![^>]*\b(?:aria-label|title)=)')


def name_headerlinks(page_html: str, lang: str = "en") -> str:
    return HEADERLINK.sub(rf'<a class="headerlink" href="\1" aria-label="{LABEL[lang]}"', page_html)


def on_page_content(html, page, config, files, **kwargs):
    lang = "zh" if page.file.src_uri.endswith(".zh.md") else "en"
    return name_headerlinks(html, lang)

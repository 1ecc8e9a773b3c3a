"""Chinese search keywords for English pages (issue 16).

A page may list, in its front matter, the Chinese terms readers use for its
topic:

    keywords_zh: [内存虚拟化, 影子页表, 大页]

and a FAQ entry may carry the question in Chinese (``zh:`` in data/faq).
This hook shows a page's list as a small "中文" line under the page title,
so that it is part of the text the site search indexes for the page itself
and a Chinese query such as 内存虚拟化 finds the page. The line is visible
(not hidden text) and marked ``lang="zh-Hans"`` for screen readers.
"""
from __future__ import annotations

import html
import re

from mkdocs.exceptions import PluginError

H1 = re.compile(r"^# .*$", re.M)
HAN = re.compile(r"[\u3400-\u9fff]")


def zh_line(terms: list[str]) -> str:
    text = "、".join(html.escape(t) for t in terms)
    return f'<p class="kb-zh" lang="zh-Hans"><span class="kb-zh__label">中文：</span>{text}</p>'


def on_page_markdown(markdown, page, **kwargs):
    terms = page.meta.get("keywords_zh")
    if terms is None:
        return markdown
    where = f"docs/{page.file.src_uri}"
    if not isinstance(terms, list) or not terms or not all(isinstance(t, str) and HAN.search(t) for t in terms):
        raise PluginError(f"{where}: front matter 'keywords_zh' must be a list of Chinese terms, "
                          "e.g. keywords_zh: [内存虚拟化, 影子页表]")
    line = zh_line(terms)
    m = H1.search(markdown)
    if m:
        return markdown[:m.end()] + "\n\n" + line + "\n" + markdown[m.end():]
    return line + "\n\n" + markdown

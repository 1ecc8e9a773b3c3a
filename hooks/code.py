"""Keep identifiers in running text whole (MkDocs hook).

Inline code does not wrap (extra.css: ``white-space: nowrap``), so a name
such as ``KVM_GET_API_VERSION`` or ``kvm-intel.ko`` is never split across
lines, in a table or in prose. A span longer than LONG characters (a long
source path, a command line) could then stick out of a phone's screen, so
this hook marks it ``kb-long`` and CSS lets it wrap at its slashes, hyphens
and spaces.
"""
from __future__ import annotations

import html
import re

LONG = 30
# A block's <pre><code> is matched first and left alone.
CODE = re.compile(r"(<pre[^>]*>\s*<code[^>]*>)|<code>([^<]*)</code>")


def mark_long(page_html: str) -> str:
    def sub(m: re.Match) -> str:
        if m.group(1) is not None:
            return m.group(0)
        text = html.unescape(m.group(2)).strip()
        if len(text) > LONG:
            return f'<code class="kb-long">{m.group(2)}</code>'
        if "/" in text or any(c.isspace() for c in text):
            return f'<code class="kb-path">{m.group(2)}</code>'
        return m.group(0)

    return CODE.sub(sub, page_html)


def on_page_content(page_html, page, config, files, **kwargs):
    return mark_long(page_html)

"""Small Markdown helpers shared by the macros (pure functions, unit-tested)."""
from __future__ import annotations

import posixpath


def relative_link(from_page: str, target: str) -> str:
    """Link from docs page `from_page` to docs path `target` (both from docs/)."""
    base = posixpath.dirname(from_page)
    return posixpath.relpath(target, base or ".")


def md_escape_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def md_plain(text: str) -> str:
    """Plain text (a verification record's line) safe in a Markdown table cell or list item:
    `<boot dev='cdrom'/>` shows as written instead of becoming an unknown HTML element."""
    return md_escape_cell(str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))

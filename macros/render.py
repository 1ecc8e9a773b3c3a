"""Small Markdown helpers shared by the macros (pure functions, unit-tested)."""
from __future__ import annotations

import posixpath


def relative_link(from_page: str, target: str) -> str:
    """Link from docs page `from_page` to docs path `target` (both from docs/)."""
    base = posixpath.dirname(from_page)
    return posixpath.relpath(target, base or ".")


def md_escape_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()

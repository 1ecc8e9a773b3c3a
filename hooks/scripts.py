"""Name every included example file, and say how to run a script (MkDocs hook).

Pages show the programs and scripts under examples/ by inclusion
(``--8<-- "examples/first-vm/prepare.sh"``), so what the reader copies is
what the tests ran. A block that shows a whole file, though, looked like
commands to paste: ``#!/bin/sh``, ``set -eu`` and ``exec ssh ... "$@"``
pasted into an interactive shell can close it. This hook gives each such
block the file's name as its title and, for a shell script, adds one line
under it: save it under that name (or download it, the site serves the
file) and run it with ``sh``. The files stay the single source.

Blocks that already have a title, and partial includes
(``file.py:section``), are left alone.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
SITE_DIR = "examples"
FENCE = re.compile(
    r'^(?P<indent>[ \t]*)(?P<fence>```+)(?P<lang>sh|bash|python)[ \t]*\n'
    r'(?P=indent)--8<-- "(?P<path>examples/[^":]+)"[ \t]*\n'
    r'(?P=indent)(?P=fence)[ \t]*$',
    re.M,
)
USED: set[str] = set()


def run_line(path: str, root: str) -> str:
    name = PurePosixPath(path).name
    href = f"{root}{path}"
    # Markdown with inline HTML (a raw <p> would nest inside Markdown's own
    # <p> in tabs); the link is HTML because MkDocs checks Markdown links
    # against documentation pages only.
    return f'Save it as `{name}` (or <a href="{href}" download>download it</a>) and run `sh {name}`.\n{{: .kb-run }}'



def label(markdown: str, root: str = "") -> str:
    """Add titles and run lines to whole-file includes in `markdown`."""

    def sub(m: re.Match) -> str:
        path, indent = m.group("path"), m.group("indent")
        USED.add(path)
        name = PurePosixPath(path).name
        block = (
            f'{indent}{m.group("fence")}{m.group("lang")} title="{name}"\n'
            f'{indent}--8<-- "{path}"\n{indent}{m.group("fence")}'
        )
        if m.group("lang") in ("sh", "bash"):
            block += "\n\n" + "\n".join(indent + line for line in run_line(path, root).split("\n"))
        return block

    return FENCE.sub(sub, markdown)


def on_pre_build(config, **kwargs):
    USED.clear()


def on_page_markdown(markdown, page, config, files, **kwargs):
    return label(markdown, "../" * page.url.count("/"))


def on_post_build(config, **kwargs):
    """Serve each shown file, for the download links."""
    for path in sorted(USED):
        out = Path(config["site_dir"]) / path
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / path, out)

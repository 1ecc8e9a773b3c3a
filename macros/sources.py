"""Links into the Linux, QEMU and libvirt source trees at the pinned tags.

Only paths listed in ``data/source-files/*.yml`` may be linked; the versions
come from ``data/versions.yml``.
"""
from __future__ import annotations

import re
from pathlib import Path

from macros.errors import MacroError

SOURCE_TREES = {
    # name: (URL for a file, URL for a directory); {v} is the version, {p} the path
    "linux": (
        "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/tree/{p}?h=v{v}",
        "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/tree/{p}?h=v{v}",
    ),
    "qemu": (
        "https://gitlab.com/qemu-project/qemu/-/blob/v{v}/{p}",
        "https://gitlab.com/qemu-project/qemu/-/tree/v{v}/{p}",
    ),
    "libvirt": (
        "https://gitlab.com/libvirt/libvirt/-/blob/v{v}/{p}",
        "https://gitlab.com/libvirt/libvirt/-/tree/v{v}/{p}",
    ),
}


def source_link(
    tree: str, path: str, text: str | None, versions: dict, allowed: dict[str, set[str]], list_file: str = ""
) -> str:
    if tree not in SOURCE_TREES:
        raise MacroError(f"unknown source tree '{tree}'")
    if not isinstance(path, str) or not path or path.startswith("/") or ".." in path.split("/"):
        raise MacroError(f"{tree}_src: '{path}' must be a path inside the {tree} tree, such as 'virt/kvm/kvm_main.c'")
    if path not in allowed[tree]:
        raise MacroError(
            f"{tree}_src: source path '{path}' is not listed in data/source-files/*.yml. "
            f"Add it under '{tree}:' in {list_file or 'the list for this section'}, then check that it exists "
            f"at tag v{versions[tree]} with `make sources {tree.upper()}=/path/to/{tree}` "
            "(see data/README.md#source-files)"
        )
    file_url, dir_url = SOURCE_TREES[tree]
    url = (dir_url if path.endswith("/") else file_url).format(v=versions[tree], p=path)
    label = text if text else f"`{path}`"
    return f"[{label}]({url})"


def list_file_for(root: Path, page: str) -> str:
    """The data/source-files/ list a page's new source paths belong in.

    The list whose header comment names the page, else the one named after
    the page's section, else core.yml.
    """
    lists = sorted((root / "data" / "source-files").glob("*.yml"))
    section, _, name = page.rpartition("/")
    stem = name.removesuffix(".md")
    for path in lists:
        head = "".join(ln for ln in path.read_text(encoding="utf-8").splitlines(True) if ln.startswith("#"))
        if section and f"docs/{section}/" in head and re.search(rf"(?<![\w-]){re.escape(stem)}(?![\w-])", head):
            return f"data/source-files/{path.name}"
    for path in lists:
        if section and path.stem.replace("-", "") in (section.replace("-", ""), section.split("-")[0]):
            return f"data/source-files/{path.name}"
    return "data/source-files/core.yml"


def source_macro(tree: str, label: str, versions: dict, allowed: dict[str, set[str]], ctx=None):
    """The ``<tree>_src(path, text=None)`` macro for one source tree."""

    def link(path: str, text: str | None = None) -> str:
        list_file = ""
        if ctx is not None and path not in allowed.get(tree, ()):
            list_file = list_file_for(ctx.root, ctx.current_page())
        return source_link(tree, path, text, versions, allowed, list_file)

    link.__name__ = f"{tree}_src"
    link.__doc__ = f"Link to a file in {label} at the pinned tag."
    return link


# Links to one line of a file, for the error atlas (data/errors-provenance.yml
# records the tree version each line was read from, which is not always the
# pinned one). Linux point releases (6.12.95) live in the stable tree; the
# three trees below are not pinned in data/versions.yml and are used only here.
LINE_ANCHORS = {"linux": "#n{n}", "qemu": "#L{n}", "libvirt": "#L{n}"}
OTHER_TREES = {
    "virt-manager": "https://github.com/virt-manager/virt-manager/blob/v{v}/{p}#L{n}",
    "kmod": "https://git.kernel.org/pub/scm/utils/kernel/kmod/kmod.git/tree/{p}?h=v{v}#n{n}",
    "seabios": "https://gitlab.com/seabios/seabios/-/blob/rel-{v}/{p}#L{n}",
}


def source_line_url(tree: str, path: str, line: int, version: str) -> str:
    """URL of line `line` of `path` in `tree` at release `version`."""
    if not isinstance(line, int) or line < 1:
        raise MacroError(f"source line for {tree}:{path} must be a positive line number, not {line!r}")
    if tree in OTHER_TREES:
        return OTHER_TREES[tree].format(v=version, p=path, n=line)
    if tree not in SOURCE_TREES:
        raise MacroError(f"unknown source tree '{tree}'")
    file_url = SOURCE_TREES[tree][0]
    if tree == "linux" and version.count(".") == 2:
        file_url = file_url.replace("/torvalds/linux.git/", "/stable/linux.git/")
    return file_url.format(v=version, p=path) + LINE_ANCHORS[tree].format(n=line)

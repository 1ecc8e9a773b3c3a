"""Links into the Linux, QEMU and libvirt source trees at the pinned tags.

Only paths listed in ``data/source-files/*.yml`` may be linked; the versions
come from ``data/versions.yml``.
"""
from __future__ import annotations

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


def source_link(tree: str, path: str, text: str | None, versions: dict, allowed: dict[str, set[str]]) -> str:
    if tree not in SOURCE_TREES:
        raise MacroError(f"unknown source tree '{tree}'")
    if not isinstance(path, str) or not path or path.startswith("/") or ".." in path.split("/"):
        raise MacroError(f"{tree}_src: '{path}' must be a path inside the {tree} tree, such as 'virt/kvm/kvm_main.c'")
    if path not in allowed[tree]:
        raise MacroError(
            f"{tree}_src: source path '{path}' is not listed in data/source-files/*.yml. "
            f"Check that it exists at tag v{versions[tree]}, then add it under '{tree}:'"
        )
    file_url, dir_url = SOURCE_TREES[tree]
    url = (dir_url if path.endswith("/") else file_url).format(v=versions[tree], p=path)
    label = text if text else f"`{path}`"
    return f"[{label}]({url})"


def source_macro(tree: str, label: str, versions: dict, allowed: dict[str, set[str]]):
    """The ``<tree>_src(path, text=None)`` macro for one source tree."""

    def link(path: str, text: str | None = None) -> str:
        return source_link(tree, path, text, versions, allowed)

    link.__name__ = f"{tree}_src"
    link.__doc__ = f"Link to a file in {label} at the pinned tag."
    return link

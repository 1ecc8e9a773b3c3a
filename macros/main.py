"""mkdocs-macros entry points of the KVM Knowledge Base (``module_name: macros/main``).

Everything that must stay consistent across pages is produced by the
modules of this package (see ``macros/__init__.py``), from the data files
under ``data/``:

* ``versions``: the Linux, QEMU and libvirt releases the site is checked
  against (``data/versions.yml``);
* ``linux_src`` / ``qemu_src`` / ``libvirt_src``: links into those source
  trees at the pinned tags, for paths listed in ``data/source-files/``;
* ``xref``: a cross-link that fails the build when its target is missing;
* ``section_index``: a section's page list, from ``nav`` and descriptions;
* ``glossary_table`` and the site-wide abbreviation tooltips
  (``data/glossary/``);
* ``faq_index`` / ``faq_category`` (``data/faq/``) and ``error_catalogue``
  (``data/errors.yml``);
* ``verified``: what the test suite verified for a hands-on page
  (``data/verified/``).

Two safety measures apply to every page before Jinja sees it (``protect.py``):
code is wrapped in ``{% raw %}``, and pages are rendered in Jinja's
immutable sandbox.

Every macro raises :class:`MacroError` with the page path and the fix when
its input is wrong; the build then fails (see ``on_error_fail`` in
``mkdocs.yml``).
"""
from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
if __name__ != "macros.main":
    # Loaded by mkdocs-macros from its file path, once per build. Import the
    # package's modules afresh and from this project, so that an edit under
    # macros/ takes effect on the next build of `mkdocs serve`.
    for _name in [n for n in sys.modules if n == "macros" or n.startswith("macros.")]:
        del sys.modules[_name]
    if not sys.path or sys.path[0] != str(_PACKAGE_DIR.parent):
        sys.path.insert(0, str(_PACKAGE_DIR.parent))

from macros import faq as _faq  # noqa: E402
from macros import glossary as _glossary  # noqa: E402
from macros import pages as _pages  # noqa: E402
from macros import verified as _verified  # noqa: E402
from macros.bundle import patch_material_bundle  # noqa: E402
from macros.data import (  # noqa: E402,F401  (re-exported for tests and scripts)
    FAQ_CATEGORIES,
    GLOSSARY_FIELDS,
    load_errors,
    load_faq,
    load_glossary,
    load_source_files,
    load_versions,
    read_front_matter,
)
from macros.errors import MacroError  # noqa: E402
from macros.glossary import abbreviations  # noqa: E402,F401
from macros.protect import _sandbox, protect_code  # noqa: E402,F401
from macros.render import md_escape_cell, relative_link  # noqa: E402,F401
from macros.sources import SOURCE_TREES, source_link, source_macro  # noqa: E402,F401


def _register(env, ctx: _pages.PageContext, name: str, func, *bound) -> None:
    """Register `func` (with `bound` arguments first) as the macro `name`.

    A :class:`MacroError` is re-raised with the page being rendered, so that
    every message starts with ``in docs/<page>:``.
    """

    def inner(*args, **kwargs):
        try:
            return func(*bound, *args, **kwargs)
        except MacroError as exc:
            if str(exc).startswith("in docs/"):
                raise
            raise MacroError(f"in docs/{ctx.current_page()}: {exc}")

    inner.__name__ = name
    inner.__doc__ = func.__doc__
    env.macro(inner, name)


def define_env(env) -> None:
    ctx = _pages.PageContext(env)
    root = ctx.root

    versions = load_versions(root)
    allowed_sources = load_source_files(root)
    glossary = load_glossary(root)
    faq = load_faq(root)
    errors = load_errors(root)

    env.variables["versions"] = versions

    # Variables a page template has no business reaching: the full MkDocs
    # config (plugin objects), the build machine's environment, the plugin.
    for name in ("environment", "plugin", "git"):
        env.variables.pop(name, None)
    env.variables["config"] = {
        "site_name": env.conf["site_name"],
        "site_url": env.conf.get("site_url"),
        "repo_url": env.conf.get("repo_url"),
    }

    for tree, label in (("linux", "Linux"), ("qemu", "QEMU"), ("libvirt", "libvirt")):
        _register(env, ctx, f"{tree}_src", source_macro(tree, label, versions, allowed_sources))
    _register(env, ctx, "xref", _pages.xref, ctx)
    _register(env, ctx, "section_index", _pages.section_index, ctx)
    _register(env, ctx, "glossary_table", _glossary.glossary_table, ctx, glossary)
    _register(env, ctx, "faq_category", _faq.faq_category, ctx, faq)
    _register(env, ctx, "faq_index", _faq.faq_index, ctx, faq)
    _register(env, ctx, "error_catalogue", _faq.error_catalogue, ctx, errors)
    _register(env, ctx, "verified", _verified.verified, ctx)

    env.variables["glossary_terms"] = [t["term"] for t in glossary]
    env.variables["faq_count"] = sum(len(c["entries"]) for c in faq.values())
    env._kvmkb_abbr = abbreviations(glossary)  # read by on_post_page_macros


def on_pre_page_macros(env) -> None:
    """Before Jinja: sandbox the environment and protect code from it."""
    _sandbox(env)
    env.markdown = protect_code(env.markdown)


def on_post_page_macros(env) -> None:
    """After Jinja: append the glossary abbreviations (tooltips) to the page."""
    block = getattr(env, "_kvmkb_abbr", "")
    if block:
        env.markdown = env.markdown.rstrip("\n") + "\n\n" + block + "\n"


def on_post_build(env) -> None:
    """Patch Material's JavaScript bundle in the built site (macros/bundle.py)."""
    patch_material_bundle(Path(env.conf["site_dir"]))

#!/usr/bin/env python3
"""Theme fixes kept as small patches to Material's own templates.

Some accessibility and HTML-validity problems come from Material's
templates themselves. Each fix below is an exact (old, new) replacement in
one template; this script applies them to the installed Material release
and writes the result to overrides/. tests/test_theme.py checks that the
committed overrides equal what this script produces, so a Material upgrade
that changes a template is noticed instead of silently dropping the fix.

    .venv/bin/python scripts/theme_patches.py          # check
    .venv/bin/python scripts/theme_patches.py --write  # regenerate overrides/
"""
from __future__ import annotations

import sys
from pathlib import Path

import material

ROOT = Path(__file__).resolve().parent.parent
MATERIAL = Path(material.__file__).parent / "templates"
OVERRIDES = ROOT / "overrides"

PATCHES: dict[str, list[tuple[str, str, str]]] = {
    # template: [(why, old, new), ...]
    "base.html": [
        (
            "Nu HTML Checker: autocomplete is not allowed on checkboxes",
            '<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" autocomplete="off">',
            '<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer">',
        ),
        (
            "Nu HTML Checker: autocomplete is not allowed on checkboxes",
            '<input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search" autocomplete="off">',
            '<input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search">',
        ),
    ],
    "partials/nav-item.html": [
        (
            "Nu HTML Checker: tabindex must not be empty",
            '<label class="md-nav__link" for="{{ path }}" id="{{ path }}_label" tabindex="{{ tabindex }}">',
            '<label class="md-nav__link" for="{{ path }}" id="{{ path }}_label"'
            '{% if tabindex %} tabindex="{{ tabindex }}"{% endif %}>',
        ),
        (
            "Nu HTML Checker: tabindex must not be empty",
            '<label class="md-nav__link {{ class }}" for="{{ path }}" id="{{ path }}_label" tabindex="{{ tabindex }}">',
            '<label class="md-nav__link {{ class }}" for="{{ path }}" id="{{ path }}_label"'
            '{% if tabindex %} tabindex="{{ tabindex }}"{% endif %}>',
        ),
        (
            "axe landmark-unique: with navigation.indexes the section label holds only an icon, "
            "so name the section's nav by its title",
            'aria-labelledby="{{ path }}_label"',
            'aria-label="{{ nav_item.title | e }}"',
        ),
        (
            "Nu HTML Checker: on a section index page the table of contents' label points at "
            "__toc, which Material only emits for ordinary pages",
            '          {% set class = "md-nav__link--active" if index == page %}\n',
            '          {% set class = "md-nav__link--active" if index == page %}\n'
            '          {% if index == page %}<input class="md-nav__toggle md-toggle" type="checkbox" id="__toc">'
            "{% endif %}\n",
        ),
    ],
    "partials/source.html": [
        (
            "no third-party requests: without the 'source' component Material does not ask "
            "the GitHub API for stars and forks",
            'class="md-source" data-md-component="source"',
            'class="md-source"',
        ),
    ],
    "partials/content.html": [
        (
            "reading: tag chips above the title pushed it down (two rows on a phone); "
            "show them at the end of the page instead",
            '{% include "partials/tags.html" %}\n{% include "partials/actions.html" %}',
            '{% include "partials/actions.html" %}',
        ),
        (
            "reading: tag chips at the end of the page",
            "{{ page.content }}\n",
            '{{ page.content }}\n{% include "partials/tags.html" %}\n',
        ),
    ],
    "partials/tags.html": [
        (
            "axe landmark-unique: the tag list is a second unnamed navigation landmark",
            '<nav class="md-tags" {{ hidden }}>',
            '<nav class="md-tags" aria-label="Tags" {{ hidden }}>',
        ),
        (
            "reading: say what the chips are, and link to the page that explains each tag",
            '<nav class="md-tags" aria-label="Tags" {{ hidden }}>',
            '<nav class="md-tags" aria-label="Tags" {{ hidden }}>\n'
            '    <a class="kb-tags-about" href="{{ \'reference/tags/\' | url }}">Tags</a>',
        ),
    ],
    "partials/search.html": [
        (
            "axe/Lighthouse aria-dialog-name: the search dialog has no accessible name",
            '<div class="md-search" data-md-component="search" role="dialog">',
            '<div class="md-search" data-md-component="search" role="dialog" aria-label="{{ lang.t(\'search\') }}">',
        ),
    ],
    "partials/logo.html": [
        (
            "Lighthouse unsized-images: give the logo its intrinsic size (CSS sets the shown size)",
            '<img src="{{ config.theme.logo | url }}" alt="logo">',
            '<img src="{{ config.theme.logo | url }}" alt="logo" width="48" height="48">',
        ),
    ],
    "partials/path.html": [
        (
            "axe landmark-unique: the breadcrumbs used the same label as the primary navigation",
            "aria-label=\"{{ lang.t('nav') }}\"",
            'aria-label="Breadcrumbs"',
        ),
    ],
}

GENERATED_HEADER = (
    "{{#-\n  Generated by scripts/theme_patches.py from Material {version}'s {name}.\n"
    "  Do not edit: change the patch list there and run it with --write.\n-#}}\n"
)


def render(name: str) -> str:
    text = (MATERIAL / name).read_text(encoding="utf-8")
    for why, old, new in PATCHES[name]:
        if text.count(old) != 1:
            raise SystemExit(
                f"{name}: patch no longer applies ({why}); Material changed this template. "
                "Update PATCHES in scripts/theme_patches.py"
            )
        text = text.replace(old, new)
    version = getattr(material, "__version__", None)
    if version is None:
        from importlib.metadata import version as v

        version = v("mkdocs-material")
    return GENERATED_HEADER.format(version=version, name=name) + text


def main(argv: list[str]) -> int:
    write = "--write" in argv
    stale = []
    for name in PATCHES:
        want = render(name)
        path = OVERRIDES / name
        if write:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(want, encoding="utf-8")
        elif not path.exists() or path.read_text(encoding="utf-8") != want:
            stale.append(str(path.relative_to(ROOT)))
    if stale:
        print("out of date (run scripts/theme_patches.py --write):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

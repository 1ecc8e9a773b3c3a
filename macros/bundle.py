"""The post-build patch of Material's JavaScript bundle (see ``on_post_build`` in main.py)."""
from __future__ import annotations

import re
from pathlib import Path

from macros.errors import MacroError


def patch_material_bundle(site_dir: Path) -> None:
    """Patch Material's JavaScript bundle in the built site.

    Material's bundle loads Mermaid (and, in very old browsers, a
    ResizeObserver polyfill) from unpkg.com. Both are vendored under
    docs/assets/vendor/; rewrite the URLs to be relative to the site root
    (``__md_scope``, which Material defines on every page). It also makes
    each code block's button bar a plain toolbar instead of a navigation
    landmark, stops the sitemap look-up behind the language selector,
    whose links already lead to the same page (see the i18n plugin in
    mkdocs.yml), and keeps the colour palette from restyling the whole page
    on every load (no switch marked, no colour-scheme meta added), and lines
    the table of contents up with our scroll margin for deep-linked
    headings. Each patch must apply, or the build fails.
    """
    bundles = list((site_dir / "assets" / "javascripts").glob("bundle.*.min.js"))
    if len(bundles) != 1:
        raise MacroError(f"expected one Material bundle in {site_dir}/assets/javascripts, found {len(bundles)}")
    bundle = bundles[0]
    text = bundle.read_text(encoding="utf-8")
    replacements = {
        # no third-party requests: load the vendored copies
        '"https://unpkg.com/mermaid@11/dist/mermaid.min.js"':
            'new URL("assets/vendor/mermaid/mermaid.min.js",__md_scope).href',
        '"https://unpkg.com/resize-observer-polyfill"':
            'new URL("assets/vendor/resize-observer-polyfill/ResizeObserver.js",__md_scope).href',
        # axe landmark-unique: each code block's button bar is an unnamed <nav>;
        # it is a toolbar, not a navigation landmark
        '("nav",{class:"md-code__nav"})':
            '("nav",{class:"md-code__nav",role:"none"})',
        # The Chinese edition (mkdocs-static-i18n): every language link already
        # points at the same page in the other language, so Material need not
        # fetch "<alternate link>/sitemap.xml" to find it (a 404, and a console
        # error, for each page's alternate). Match no <link> instead.
        'M("link[rel=alternate]")':
            'M("link[rel=alternate][data-md-sitemap]")',
        # Main-thread work on a phone: on every page load the palette
        # component marks the body "data-md-color-switching" (a rule on
        # "[data-md-color-switching] *" that restyles the whole document, and
        # again when it is removed), then sets the colour attributes, even when
        # they already have those values. Mark a switch, and set an attribute,
        # only when a colour really changes (a reader's toggle still does).
        'i.subscribe(s=>{if(document.body.setAttribute("data-md-color-switching",""),s.color.media===':
            'i.subscribe(s=>{if(s.color.media===',
        'for(let[a,c]of Object.entries(s.color))document.body.setAttribute(`data-md-color-${a}`,c);':
            'Object.entries(s.color).some(([a,c])=>a!=="media"&&document.body.getAttribute(`data-md-color-${a}`)!==c)'
            '&&document.body.setAttribute("data-md-color-switching","");'
            'for(let[a,c]of Object.entries(s.color))document.body.getAttribute(`data-md-color-${a}`)!==c'
            '&&document.body.setAttribute(`data-md-color-${a}`,c);',
        # The same component adds <meta name="color-scheme"> to the head on
        # every load and fills it in after reading the header's computed
        # style. Each change of that meta restyles the whole document (a
        # Chromium trace shows two full style recalculations, one forced in
        # the palette's own start-up task). The meta is left out of the page;
        # extra.css sets the root's color-scheme from the body's scheme
        # instead, so scrollbars and form controls still follow the palette.
        'let o=x("meta",{name:"color-scheme"});document.head.appendChild(o);':
            'let o=x("meta",{name:"color-scheme"});',
        # The table of contents marks a section as the current one when its
        # heading is within the header's height plus a small gap of the top
        # of the window (about 3.6rem, Material's own scroll margin). Our
        # deep-linked headings stop 6.4rem down, clear of the back-to-top
        # button (extra.css, .md-typeset :target), so after following a link
        # the contents highlighted the section before it. Move the line down
        # by the difference, 2.8rem, read after the layout Material forces
        # here anyway. tests/browser/test_reading.py checks deep links.
        'let c=Ce("main"),p=j(":scope > :first-child",c);return a+.8*(p.offsetTop-c.offsetTop)}':
            'let c=Ce("main"),p=j(":scope > :first-child",c);return a+.8*(p.offsetTop-c.offsetTop)'
            '+2.8*parseFloat(getComputedStyle(document.documentElement).fontSize)}',
    }
    for old, new in replacements.items():
        if old in text:
            text = text.replace(old, new)
        elif new not in text:
            raise MacroError(
                f"Material's bundle no longer contains {old}; update patch_material_bundle in macros/bundle.py "
                "for the new Material release"
            )
    bundle.write_text(text, encoding="utf-8")
    sourcemap = bundle.with_name(bundle.name + ".map")
    if sourcemap.exists():
        sourcemap.unlink()
        bundle.write_text(re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", text), encoding="utf-8")

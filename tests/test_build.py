"""The real site: strict build, content policy, offline guarantees."""
from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from sitebuild import ROOT

DOCS = ROOT / "docs"


def load_mkdocs_config() -> dict:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    return yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=Loader)


def nav_paths(items) -> list[str]:
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            for value in item.values():
                out.extend(nav_paths(value if isinstance(value, list) else [value]))
    return out


def test_build_is_strict_and_clean(site):
    assert "WARNING" not in site.output, site.output


def test_every_page_in_nav_and_every_nav_entry_exists():
    config = load_mkdocs_config()
    in_nav = nav_paths(config["nav"])
    assert len(in_nav) == len(set(in_nav)), "a page is listed twice in nav"
    on_disk = {
        p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")
        if "_templates" not in p.parts and not p.name.endswith(".zh.md")  # translations: nav of page.md
    }
    assert sorted(set(in_nav) - on_disk) == [], "nav lists pages that do not exist"
    assert sorted(on_disk - set(in_nav)) == [], "pages missing from nav"


def test_allowed_tags_match_their_meanings():
    config = load_mkdocs_config()
    tags_plugin = next(p["tags"] for p in config["plugins"] if isinstance(p, dict) and "tags" in p)
    meanings = yaml.safe_load((ROOT / "data" / "tags.yml").read_text())
    assert sorted(tags_plugin["tags_allowed"]) == sorted(meanings), (
        "tags_allowed in mkdocs.yml and data/tags.yml must list the same tags"
    )
    assert all(isinstance(v, str) and v for v in meanings.values())


def test_section_indexes_list_their_pages(site):
    html = (site.site / "architecture" / "index.html").read_text()
    for page in ("overview", "kvm-api", "run-loop", "myths"):
        assert f'href="../{page}/"' in html or f'href="{page}/"' in html, page


# -- offline: no request to another host ---------------------------------------

CDN_HOSTS = re.compile(
    r"https?://(?:[a-z0-9-]+\.)*(unpkg\.com|jsdelivr\.net|cdnjs\.cloudflare\.com|googleapis\.com|gstatic\.com"
    r"|google-analytics\.com|googletagmanager\.com|polyfill\.io|fontawesome\.com|typekit\.net)"
)


class FetchCollector(HTMLParser):
    """URLs an HTML page makes the browser fetch (not links the reader may click)."""

    FETCH_ATTRS = {
        "script": ["src"],
        "img": ["src", "srcset"],
        "iframe": ["src"],
        "source": ["src", "srcset"],
        "video": ["src", "poster"],
        "audio": ["src"],
        "embed": ["src"],
        "object": ["data"],
        "input": ["src"],
    }
    FETCH_RELS = {"stylesheet", "preload", "prefetch", "preconnect", "dns-prefetch", "icon", "manifest", "modulepreload"}

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.inline: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name in self.FETCH_ATTRS.get(tag, []):
            if a.get(name):
                self.urls.extend(u.strip().split(" ")[0] for u in a[name].split(","))
        if tag == "link" and set((a.get("rel") or "").split()) & self.FETCH_RELS and a.get("href"):
            self.urls.append(a["href"])
        if a.get("style"):
            self.inline.append(a["style"])
        self._in_style = tag == "style"

    def handle_data(self, data):
        if self._in_style:
            self.inline.append(data)


def css_urls(css: str) -> list[str]:
    return re.findall(r"url\(\s*['\"]?([^'\")]+)", css) + re.findall(r"@import\s+['\"]([^'\"]+)", css)


def is_third_party(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in ("http", "https") or url.startswith("//")


def test_built_site_fetches_nothing_from_other_hosts(site):
    offenders = []
    for page in site.site.rglob("*.html"):
        collector = FetchCollector()
        collector.feed(page.read_text(encoding="utf-8"))
        urls = collector.urls + [u for chunk in collector.inline for u in css_urls(chunk)]
        offenders += [f"{page.relative_to(site.site)}: {u}" for u in urls if is_third_party(u)]
    for css in site.site.rglob("*.css"):
        offenders += [f"{css.relative_to(site.site)}: {u}" for u in css_urls(css.read_text()) if is_third_party(u)]
    for js in site.site.rglob("*.js"):
        offenders += [f"{js.relative_to(site.site)}: {m.group(0)}" for m in CDN_HOSTS.finditer(js.read_text())]
    assert offenders == []


def test_no_google_fonts_and_no_repo_api(site):
    home = (site.site / "index.html").read_text()
    assert "fonts.googleapis.com" not in home and "fonts.gstatic.com" not in home
    assert 'data-md-component="source"' not in home, "the repo widget would call the GitHub API"


def test_diagrams_are_pre_rendered(site):
    """Every Mermaid diagram is served as inline SVG (hooks/diagrams.py), light and dark."""
    pages = list(site.site.rglob("*.html"))
    figures = sum(p.read_text().count('<figure class="kb-diagram') for p in pages)
    assert figures >= 30, f"only {figures} pre-rendered diagrams"
    left = [p.relative_to(site.site).as_posix() for p in pages if 'class="mermaid"' in p.read_text()]
    assert left == [], f"diagrams without a cached rendering (run scripts/render_diagrams.py): {left}"


def test_diagram_cache_is_complete_and_has_no_stale_files(site):
    """Every diagram of the built site has its SVGs in data/diagrams/, and every cached SVG is used.

    Read from the strict build (what `scripts/render_diagrams.py --check` finds
    with a second build): a rendered diagram carries its key, one without a
    rendering is left as a Mermaid block.
    """
    from hooks.diagrams import BLOCK, CACHE, diagram_key, diagram_source

    used, left = set(), set()
    for page in site.site.rglob("*.html"):
        text = page.read_text()
        used |= set(re.findall(r'<figure class="kb-diagram[^"]*" data-diagram="([0-9a-f]+)"', text))
        left |= {diagram_key(diagram_source(m.group(1))) for m in BLOCK.finditer(text)}
    stale = sorted(p.name for p in CACHE.glob("*.svg") if p.name.rsplit("-", 1)[0] not in used | left)
    assert not left, f"diagrams without a rendering (run make diagrams and commit data/diagrams/): {sorted(left)}"
    assert not stale, f"cached renderings no page uses (run make diagrams, which removes them): {stale}"


def test_mermaid_fallback_is_vendored(site):
    """A diagram not yet rendered falls back to Mermaid in the browser, from this site."""
    bundle = next((site.site / "assets" / "javascripts").glob("bundle.*.min.js")).read_text()
    assert 'new URL("assets/vendor/mermaid/mermaid.min.js",__md_scope)' in bundle
    assert (site.site / "assets/vendor/mermaid/mermaid.min.js").stat().st_size > 1_000_000
    assert not [p for p in site.site.rglob("*.html") if "mermaid.min.js" in p.read_text()]


def test_vendored_mermaid_matches_the_pinned_npm_release():
    lock = json.loads((ROOT / "package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/mermaid"]["version"]
    assert json.loads((ROOT / "package.json").read_text())["dependencies"]["mermaid"] == pinned
    vendored = (DOCS / "assets/vendor/mermaid/mermaid.min.js").read_bytes()
    installed = ROOT / "node_modules/mermaid/dist/mermaid.min.js"
    if installed.exists():
        assert hashlib.sha256(vendored).hexdigest() == hashlib.sha256(installed.read_bytes()).hexdigest(), (
            "docs/assets/vendor/mermaid differs from node_modules; run make vendor"
        )
    assert f"{pinned}".encode() in vendored, f"vendored Mermaid is not version {pinned}"


# -- search, glossary, 404 ------------------------------------------------------------


def test_search_index_segments_chinese(site):
    index = json.loads((site.site / "search" / "search_index.json").read_text())
    text = " ".join(doc["text"] for doc in index["docs"])
    assert "\u200b" in text, "jieba did not segment Chinese text (is jieba installed?)"
    assert "虚拟机" in text


def test_glossary_tooltips_on_pages(site):
    html = (site.site / "architecture" / "index.html").read_text()
    assert re.search(r'<abbr title="Kernel-based Virtual Machine \(基于内核的虚拟机\)">KVM</abbr>', html)


def test_section_links_are_named_without_a_title(site):
    # A title would make Material mount a tooltip per section link at load
    # (hooks/headerlinks.py says what that cost on the error atlas).
    pages = sorted(site.site.rglob("*.html"))
    links = 0
    for page in pages:
        html = page.read_text()
        for tag in re.findall(r'<a class="headerlink"[^>]*>', html):
            links += 1
            rel = page.relative_to(site.site)
            assert "title=" not in tag, f"{rel}: section link with a title: {tag}"
            assert 'aria-label="' in tag, f"{rel}: section link without a name: {tag}"
    assert links > 1000
    assert 'aria-label="Link to this section"' in (site.site / "architecture" / "index.html").read_text()
    assert 'aria-label="本节链接"' in (site.site / "zh" / "architecture" / "overview" / "index.html").read_text()


def test_pages_the_benchmark_measures_exist(site):
    # scripts/benchmark.py measures these by name besides the heaviest pages;
    # a renamed page would otherwise stop the benchmark only after its builds.
    import importlib.util
    spec = importlib.util.spec_from_file_location("benchmark", ROOT / "scripts" / "benchmark.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    for rel in bench.ALSO_MEASURED:
        assert (site.site / rel / "index.html").is_file(), f"scripts/benchmark.py ALSO_MEASURED: {rel} is not a page"


def test_404_page_helps(site):
    html = (site.site / "404.html").read_text()
    assert 'for="__search"' in html, "the 404 page should offer the site search"
    for section in ("architecture", "learning-path", "faq", "hands-on", "reference"):
        assert f"/{section}/" in html


def test_sitemap_lists_pages(site):
    sitemap = (site.site / "sitemap.xml").read_text()
    assert "https://kvm-kb.github.io/kvm-knowledge-base/architecture/run-loop/" in sitemap


def test_source_links_use_pinned_versions(site):
    versions = yaml.safe_load((ROOT / "data" / "versions.yml").read_text())
    prov = yaml.safe_load((ROOT / "data" / "errors-provenance.yml").read_text())
    traced_versions = {}
    for name, tree in prov["trees"].items():
        traced_versions.setdefault(name.removesuffix("-old"), set()).add(str(tree["version"]))
    wrong = []
    for page in site.site.rglob("*.html"):
        text = page.read_text()
        for m in re.finditer(r"torvalds/linux\.git/tree/[^\"'?]+\?h=v([\d.]+)", text):
            if m.group(1) != versions["linux"]:
                wrong.append((page.name, m.group(0)))
        for m in re.finditer(r"gitlab\.com/(qemu-project/qemu|libvirt/libvirt)/-/(?:blob|tree)/v([\d.]+)/[^\"'\s]*", text):
            tree = "qemu" if "qemu" in m.group(1) else "libvirt"
            if m.group(2) != versions[tree]:
                # The error atlas links a message's source line in the tree it was traced in
                # (data/errors-provenance.yml), which may be older than the pin.
                if "#L" in m.group(0) and m.group(2) in traced_versions.get(tree, ()):
                    continue
                wrong.append((page.name, m.group(0)))
    assert wrong == []

#!/usr/bin/env python3
"""make serve: a live preview that follows every edit in about a second.

MkDocs' own ``mkdocs serve`` rebuilds the whole site (about 60 pages, search
index included) after any change under ``docs/``, does not watch the other
inputs of this site, and, when a build fails, leaves every request waiting
until the next successful build. This server uses MkDocs' live-reload server
and build, with three changes:

* **It watches everything that changes the site**: ``docs/``, ``data/``,
  ``examples/``, ``macros/``, ``hooks/``, ``overrides/`` and ``mkdocs.yml``
  (with inotify, so a save is seen at once).
* **It rebuilds only what an edit can change** (:func:`plan_rebuild`). A page
  whose text changed is rebuilt alone; an FAQ file rebuilds the FAQ pages, an
  example the pages that include it, a verification record the page that
  shows it. Everything else (front matter, added or removed files,
  ``mkdocs.yml``, versions, glossary, macros, hooks, overrides) rebuilds the
  whole site. Other pages keep their last rendering; the search index is
  merged. ``make build`` and ``make check`` always build everything, strictly.
* **Errors show in the browser and the terminal, and the server recovers by
  itself.** A failed build serves an error page that lists the build's
  messages (with live reload, so the fixed page appears once the next build
  succeeds); warnings (an unknown tag, a missing description...) appear in a
  banner on every page.

Usage: ``scripts/serve.py [-a 127.0.0.1:8000]`` (``make serve ADDR=...``).
"""
from __future__ import annotations

import argparse
import contextlib
import html
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
WATCHED = ("docs", "data", "examples", "macros", "hooks", "overrides", "mkdocs.yml")
SKIP_PARTS = {"__pycache__", ".cache"}
FRONT_MATTER = re.compile(r"\A---\s*\n(.*?\n)?---\s*\n", re.S)
# Pages that always need every other page (the tags index lists all of them).
WHOLE_SITE_PAGES = {"reference/tags.md"}

log = logging.getLogger("mkdocs.kvmkb.serve")


# --------------------------------------------------------------------------
# What changed, and what to rebuild (pure functions, unit-tested)
# --------------------------------------------------------------------------

Snapshot = dict  # relative path -> (mtime_ns, size)


def snapshot(root: Path) -> Snapshot:
    """Modification time and size of every watched file."""
    snap: Snapshot = {}
    for name in WATCHED:
        top = root / name
        if top.is_file():
            st = top.stat()
            snap[name] = (st.st_mtime_ns, st.st_size)
            continue
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = [d for d in dirnames if d not in SKIP_PARTS]
            for fn in filenames:
                p = os.path.join(dirpath, fn)
                try:
                    st = os.stat(p)
                except OSError:
                    continue
                snap[os.path.relpath(p, root).replace(os.sep, "/")] = (st.st_mtime_ns, st.st_size)
    return snap


def changes(old: Snapshot, new: Snapshot) -> tuple[set[str], set[str]]:
    """(changed files, added or removed files) between two snapshots."""
    changed = {p for p in new.keys() & old.keys() if new[p] != old[p]}
    return changed, new.keys() ^ old.keys()


def front_matter(text: str) -> str:
    m = FRONT_MATTER.match(text)
    return m.group(0) if m else ""


def _quoted(name: str) -> tuple[str, str]:
    return f'"{name}"', f"'{name}'"


def plan_rebuild(
    changed: set[str], added_or_removed: set[str], sources: dict[str, str], old_front: dict[str, str]
) -> set[str] | None:
    """The pages (paths from docs/) to rebuild after an edit, or None for the whole site.

    `sources` maps every page to its Markdown now, `old_front` to its front
    matter at the last build. A page is rebuilt when its text or an input it
    names changed; anything that can change every page (navigation, titles,
    the theme, the macros, the glossary tooltips, the versions) rebuilds all.
    """
    if any(p.endswith(".md") or not p.startswith("docs/") for p in added_or_removed):
        return None
    pages: set[str] = set()

    def using(*needles: str) -> set[str]:
        return {page for page, text in sources.items() if any(n in text for n in needles)}

    for path in changed:
        if path.startswith("docs/"):
            rel = path[len("docs/"):]
            if not rel.endswith(".md"):
                continue  # an asset: copied when newer, pages unchanged
            if rel in WHOLE_SITE_PAGES or rel not in sources:
                return None
            if front_matter(sources[rel]) != old_front.get(rel):
                return None  # title, description, tags: nav and listings on other pages
            pages.add(rel)
        elif path.startswith("data/faq/"):
            cat = Path(path).stem
            pages |= using("faq_index", *(f"faq_category({q})" for q in _quoted(cat)))
        elif path == "data/errors.yml":
            pages |= using("error_catalogue")
        elif path.startswith("data/verified/") and path.endswith(".json"):
            pages |= using(*(f"verified({q})" for q in _quoted(Path(path).stem)))
        elif path.startswith("data/source-files/"):
            pages |= using("_src(")
        elif path.startswith("data/diagrams/"):
            pages |= using("```mermaid")
        elif path.startswith("examples/"):
            pages |= using(path)
        else:
            return None  # mkdocs.yml, versions, glossary, tags, macros, hooks, overrides
    if pages & WHOLE_SITE_PAGES:
        return None
    return pages


def merge_search_index(old: dict, new: dict) -> dict:
    """The previous full index with the entries of the rebuilt pages replaced."""
    rebuilt = {d["location"].partition("#")[0] for d in new.get("docs", [])}
    kept = [d for d in old.get("docs", []) if d["location"].partition("#")[0] not in rebuilt]
    return {**new, "docs": kept + new.get("docs", [])}


# --------------------------------------------------------------------------
# Messages of a build, for the terminal and the browser
# --------------------------------------------------------------------------


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class _DropDirtyWarning(logging.Filter):
    """MkDocs warns on every partial build; the preview knows what it rebuilt."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "A 'dirty' build is being performed" not in record.getMessage()


def page_error(messages: list[str], warnings: list[str] = ()) -> str:
    items = "\n".join(
        [f'<li class="w"><pre>{html.escape(m)}</pre></li>' for m in warnings]
        + [f"<li><pre>{html.escape(m)}</pre></li>" for m in messages]
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Build failed</title>'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        "<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}"
        "ul{padding:0}li{list-style:none}"
        "pre{white-space:pre-wrap;background:#fbe9e7;padding:.5rem;border-left:4px solid #c62828}"
        "li.w pre{background:#fff3e0;border-color:#ef6c00}</style></head><body>"
        "<h1>The build failed</h1><p>Fix what the messages say and save: this page reloads by itself "
        "once the site builds again. The same messages are in the terminal running <code>make serve</code>.</p>"
        f"<ul>{items}</ul></body></html>"
    )


def warning_banner(messages: list[str]) -> bytes:
    items = "".join(f"<li>{html.escape(m)}</li>" for m in messages)
    return (
        '<div id="kvmkb-build-warnings" role="alert" style="position:relative;z-index:10;background:#fff3e0;'
        'color:#3e2723;border-bottom:3px solid #ef6c00;padding:.5rem 1rem;font:14px/1.4 system-ui,sans-serif">'
        f"<strong>{len(messages)} build warning(s)</strong> (<code>make check</code> fails on these):"
        f'<ul style="margin:.25rem 0 0 1rem">{items}</ul></div>'
    ).encode()


# --------------------------------------------------------------------------
# The builder and the server
# --------------------------------------------------------------------------


class MemoryBytecodeCache:
    """Compiled theme templates kept across builds (Jinja checks each against its source)."""

    def __init__(self) -> None:
        import jinja2

        class Cache(jinja2.BytecodeCache):
            store: dict = {}

            def load_bytecode(self, bucket):
                code = self.store.get(bucket.key)
                if code is not None:
                    bucket.bytecode_from_string(code)

            def dump_bytecode(self, bucket):
                self.store[bucket.key] = bucket.bytecode_to_string()

        self.cache = Cache()
        self.listed: list[str] | None = None  # the theme's static files, from the last full build


@dataclass
class Preview:
    """Builds the site into `site_dir`, in full or only the pages an edit changed."""

    root: Path
    site_dir: str
    serve_url: str
    load_config: object
    snap: Snapshot = field(default_factory=dict)
    front: dict = field(default_factory=dict)
    ok: bool = False  # the last build succeeded
    errors: list = field(default_factory=list)  # messages of a failed build
    warnings: list = field(default_factory=list)
    last: str = ""  # what the last build did, for the terminal and tests
    templates: MemoryBytecodeCache = field(default_factory=MemoryBytecodeCache)
    sources_cache: dict = field(default_factory=dict)  # (path, mtime) -> (Markdown, front matter)

    def sources(self) -> dict[str, str]:
        docs = self.root / "docs"
        out = {}
        for p in docs.rglob("*.md"):
            rel = p.relative_to(docs).as_posix()
            if rel.startswith("_templates/"):
                continue
            with contextlib.suppress(OSError, UnicodeDecodeError):
                out[rel] = p.read_text(encoding="utf-8")
        return out

    def build(self) -> None:
        """One build; never raises, so that the server always moves on."""
        new_snap = snapshot(self.root)
        changed, added_or_removed = changes(self.snap, new_snap)
        if self.ok and not changed and not added_or_removed:
            self.last = "nothing changed"
            return
        sources = self.sources()
        pages = plan_rebuild(changed, added_or_removed, sources, self.front) if self.ok else None
        self.snap = new_snap
        start, cpu = time.monotonic(), time.process_time()
        collect = _Collect()
        mk = logging.getLogger("mkdocs")
        mk.addHandler(collect)
        try:
            config = self.load_config()
            config.site_url = self.serve_url
            # An empty set still builds: a changed asset under docs/ is copied.
            self._build(config, pages)
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - shown to the contributor
            self.ok = False
            messages = [r.getMessage() for r in collect.records if r.levelno >= logging.ERROR]
            text = str(exc)
            if text and not any(text in m for m in messages):
                messages.append(f"{type(exc).__name__}: {text}" if not isinstance(exc, SystemExit) else text)
            self.errors = messages or [repr(exc)]
            self.warnings = [r.getMessage() for r in collect.records if r.levelno == logging.WARNING]
            self.last = "failed"
            for m in self.errors:
                if not any(m == r.getMessage() for r in collect.records):
                    log.error(m)
            log.error("The build failed; the browser shows the messages above. Fix them and save: "
                      "the preview rebuilds by itself.")
            return
        finally:
            mk.removeHandler(collect)
        self.ok = True
        self.errors = []
        found = [r.getMessage() for r in collect.records if r.levelno >= logging.WARNING]
        if pages is not None:
            # A partial build reports only the rebuilt pages: keep the other pages' warnings.
            kept = [w for w in self.warnings if not any(p in w for p in pages)]
            found = kept + [w for w in found if w not in kept]
        self.warnings = found
        self.front = {rel: front_matter(text) for rel, text in sources.items()}
        what = "the whole site" if pages is None else (", ".join(sorted(pages)) or "no page")
        self.last = "whole site" if pages is None else f"{len(pages)} page(s)"
        log.info(f"Rebuilt {what} in {time.monotonic() - start:.2f} s "
                 f"(CPU {time.process_time() - cpu:.2f} s)")

    def _build(self, config, pages: set[str] | None) -> None:
        from mkdocs.commands import build as mkbuild
        from mkdocs.theme import Theme

        get_env = Theme.get_env
        cache = self.templates.cache

        listed = self.templates.listed if pages is not None else None

        def cached_env(theme):
            env = get_env(theme)
            env.bytecode_cache = cache  # the theme's templates compile once per session
            if listed is not None:
                # The theme's static files (thousands of icons, filtered by MkDocs)
                # only change with an edit that rebuilds the whole site.
                env.list_templates = lambda extensions=None, filter_func=None: list(listed)
            else:
                listing = env.list_templates

                def remember(extensions=None, filter_func=None):
                    names = listing(extensions=extensions, filter_func=filter_func)
                    self.templates.listed = list(names)
                    return names

                env.list_templates = remember
            return env

        Theme.get_env = cached_env
        try:
            if pages is None:
                mkbuild.build(config, serve_url=self.serve_url, dirty=False)
            else:
                self._build_pages(mkbuild, config, pages)
        finally:
            Theme.get_env = get_env

    def _build_pages(self, mkbuild, config, pages: set[str]) -> None:
        """A dirty build of `pages` only; the other pages keep their last rendering."""
        index = Path(self.site_dir) / "search" / "search_index.json"
        old_index = json.loads(index.read_text(encoding="utf-8")) if index.is_file() else None
        saved = mkbuild._populate_page, mkbuild._build_page, mkbuild._build_theme_template
        populate, build_page, _ = saved

        sources = self.sources_cache

        def populate_only(page, config, files, dirty=False):
            if page.file.src_uri in pages:
                return populate(page, config, files, False)
            # Titles and metadata for the navigation, read once per version of the file.
            key = (page.file.abs_src_path, os.stat(page.file.abs_src_path).st_mtime_ns)
            if key not in sources:
                page.read_source(config)
                sources[key] = (page.markdown, dict(page.meta))
            page.markdown, meta = sources[key]
            page.meta = dict(meta)

        def build_only(page, config, doc_files, nav, env, dirty=False, excluded=False):
            if page.file.src_uri in pages:
                return build_page(page, config, doc_files, nav, env, False, excluded)

        def keep_theme_template(*args, **kwargs):
            return None  # 404.html and sitemap.xml: no page edit changes them

        mkbuild._populate_page, mkbuild._build_page, mkbuild._build_theme_template = (
            populate_only, build_only, keep_theme_template)
        drop = _DropDirtyWarning()
        logging.getLogger("mkdocs.commands.build").addFilter(drop)
        try:
            mkbuild.build(config, serve_url=self.serve_url, dirty=True)
        finally:
            mkbuild._populate_page, mkbuild._build_page, mkbuild._build_theme_template = saved
            logging.getLogger("mkdocs.commands.build").removeFilter(drop)
        if old_index is not None and index.is_file():
            merged = merge_search_index(old_index, json.loads(index.read_text(encoding="utf-8")))
            index.write_text(json.dumps(merged, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def make_server(preview: Preview, host: str, port: int, mount_path: str):
    import watchdog.observers
    from mkdocs.livereload import LiveReloadServer

    class Server(LiveReloadServer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.build_delay = 0.05
            try:  # inotify: a save is seen at once (MkDocs polls every 0.5 s)
                self.observer = watchdog.observers.Observer()
            except OSError:
                pass

        def _serve_request(self, environ, start_response):
            path = environ["PATH_INFO"]
            is_page = path.endswith("/") or path.endswith(".html")
            if preview.errors and is_page and not path.startswith("/livereload/"):
                with self._epoch_cond:
                    epoch = self._visible_epoch
                body = super()._inject_js_into_html(page_error(preview.errors, preview.warnings).encode(), epoch)
                start_response("500 Build failed", [("Content-Type", "text/html; charset=utf-8"),
                                                    ("Content-Length", str(len(body)))])
                return [body]
            return super()._serve_request(environ, start_response)

        def _inject_js_into_html(self, content, epoch):
            if preview.warnings and b"kvmkb-build-warnings" not in content:
                m = re.search(rb"<body[^>]*>", content)
                if m:
                    content = content[: m.end()] + warning_banner(preview.warnings) + content[m.end():]
            return super()._inject_js_into_html(content, epoch)

    return Server(builder=preview.build, host=host, port=port, root=preview.site_dir, mount_path=mount_path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-a", "--dev-addr", default="127.0.0.1:8000", help="IP address and port (default 127.0.0.1:8000)")
    ap.add_argument("-f", "--config-file", default=str(ROOT / "mkdocs.yml"))
    args = ap.parse_args(argv)
    # The preview shows warnings instead of stopping at them; macro errors
    # appear in the page. make check and make build stay strict.
    os.environ.setdefault("KVMKB_STRICT", "false")
    os.environ.setdefault("KVMKB_MACROS_FAIL", "false")
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    # English only unless asked (KVMKB_ZH=true adds /zh/): the Chinese edition
    # builds a second site on every edit (measured 2026-12-01: 0.48 s -> 0.76 s
    # for a page edit, 0.54 s -> 1.03 s for an FAQ edit).
    os.environ.setdefault("KVMKB_ZH", "false")
    from mkdocs import __main__ as mkmain
    from mkdocs.config import load_config
    from mkdocs.livereload import _serve_url

    state = mkmain.State()  # MkDocs' own log format and colours  # noqa: F841

    config_file = Path(args.config_file).resolve()
    root = config_file.parent
    site_dir = tempfile.mkdtemp(prefix="kvmkb-serve-")
    host, _, port = args.dev_addr.rpartition(":")

    def get_config():
        return load_config(config_file=str(config_file), site_dir=site_dir, dev_addr=args.dev_addr)

    try:
        first = get_config()
        first.plugins.on_startup(command="serve", dirty=False)
        site_url = first.site_url
    except (Exception, SystemExit):  # noqa: BLE001 - the first build reports it
        site_url = None
    mount_path = urlsplit(site_url or "/").path
    serve_url = _serve_url(host, int(port), mount_path)
    preview = Preview(root=root, site_dir=site_dir, serve_url=serve_url, load_config=get_config)
    server = make_server(preview, host, int(port), mount_path)
    server.error_handler = lambda code: (
        (Path(site_dir) / f"{code}.html").read_bytes() if (Path(site_dir) / f"{code}.html").is_file() else None
    )
    preview.build()
    for name in WATCHED:
        if (root / name).exists():
            server.watch(str(root / name))
    try:
        server.serve()
    except KeyboardInterrupt:
        log.info("Shutting down...")
    finally:
        server.shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

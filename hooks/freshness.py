"""When each page last changed, and a change feed (MkDocs hook).

Dates come from git: one ``git log`` over the whole history gives, for every
file, the newest and the oldest commit that touched it. A page's date is the
newest commit that touched its Markdown file or a data file that feeds it
(``data/faq/<category>.yml`` for an FAQ page, ``data/glossary/`` for the
glossary, ``data/errors.yml`` for the pages with the error catalogue, and any
file it includes with ``--8<--``). Material shows the date at the foot of the
page (``page.meta.revision_date``, its "source file" block).

A shallow clone (CI's default ``actions/checkout`` depth of 1) has only the
newest commit, so every page would get that commit's date. The hook refuses
to show such dates: it prints a warning that names the fix, and the strict
build fails on it. Outside a git work tree (a tarball, a test's copy of the
project) the pages simply carry no date. ``KVMKB_GIT_DATES=false`` turns the
dates off on purpose.

The same history feeds ``feed.xml``: an Atom feed of the pages created or
changed most recently, linked from every page's footer and ``<head>``.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.plugins import event_priority
from xml.sax.saxutils import escape

log = logging.getLogger("mkdocs.hooks.freshness")

FEED = "feed.xml"
FEED_ENTRIES = 30
SNIPPET = re.compile(r"""--8<--\s+["']([^"']+)["']""")
# Data files that feed a page besides its Markdown source, by macro call.
MACRO_SOURCES = (
    (re.compile(r"faq_category\(\s*[\"']([\w-]+)[\"']"), "data/faq/{0}.yml"),
    (re.compile(r"glossary_table\(|glossary\("), "data/glossary"),
    (re.compile(r"error_catalogue\("), "data/errors.yml"),
    (re.compile(r"faq_index\("), "data/faq"),
    (re.compile(r"verified\(\s*[\"']([\w-]+)[\"']"), "data/verified/{0}.json"),
)


@dataclass
class FileHistory:
    updated: dt.datetime
    created: dt.datetime
    subject: str  # the newest commit's subject line


@dataclass
class GitHistory:
    state: str  # "ok", "shallow", "no-git", "off"
    files: dict[str, FileHistory] = field(default_factory=dict)
    detail: str = ""

    def latest(self, paths: list[str]) -> FileHistory | None:
        """Newest change among `paths` (files, or directories by prefix); created = the first path's."""
        best: FileHistory | None = None
        for p in paths:
            hits = [h for f, h in self.files.items() if f == p or f.startswith(p.rstrip("/") + "/")]
            for h in hits:
                if best is None or h.updated > best.updated:
                    best = FileHistory(h.updated, best.created if best else h.created, h.subject)
        if best and paths and paths[0] in self.files:
            best.created = self.files[paths[0]].created
        return best


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=120)


def read_history(root: Path) -> GitHistory:
    """Every file's first and last commit, or why there are none."""
    if os.environ.get("KVMKB_GIT_DATES", "true").lower() in ("0", "false", "no", "off"):
        return GitHistory("off", detail="KVMKB_GIT_DATES is false")
    try:
        top = _git(root, "rev-parse", "--show-toplevel")
    except (OSError, subprocess.TimeoutExpired) as exc:
        return GitHistory("no-git", detail=f"git cannot run: {exc}")
    if top.returncode != 0 or Path(top.stdout.strip()).resolve() != root.resolve():
        return GitHistory("no-git", detail=f"{root} is not the top of a git work tree")
    shallow = _git(root, "rev-parse", "--is-shallow-repository")
    if shallow.stdout.strip() == "true":
        return GitHistory("shallow", detail="the clone is shallow")
    # %x1e separates commits; ISO 8601 committer date, then the subject.
    proc = _git(root, "log", "--format=%x1e%cI%x1f%s", "--name-only", "--no-renames", "--", "docs", "data", "examples")
    if proc.returncode != 0:
        return GitHistory("no-git", detail=proc.stderr.strip()[:300])
    files: dict[str, FileHistory] = {}
    for chunk in proc.stdout.split("\x1e")[1:]:  # newest commit first
        head, _, names = chunk.partition("\n")
        date_s, _, subject = head.partition("\x1f")
        when = dt.datetime.fromisoformat(date_s.strip())
        for name in names.split("\n"):
            name = name.strip()
            if not name:
                continue
            if name in files:
                files[name].created = when  # older commits come later
            else:
                files[name] = FileHistory(when, when, subject.strip())
    return GitHistory("ok", files)


def page_sources(src_path: str, markdown: str) -> list[str]:
    """Repository paths whose changes change the page: its Markdown file first."""
    paths = [f"docs/{src_path}"]
    for pat, template in MACRO_SOURCES:
        for m in pat.finditer(markdown):
            paths.append(template.format(*m.groups()))
    paths += [m.group(1) for m in SNIPPET.finditer(markdown)]
    return list(dict.fromkeys(paths))


def human_date(when: dt.datetime) -> str:
    return f"{when.day} {when:%B %Y}"


# --------------------------------------------------------------------------
# MkDocs events
# --------------------------------------------------------------------------

_history: GitHistory | None = None
_changes: list[dict] = []


def on_config(config, **kwargs):
    global _history
    _changes.clear()
    root = Path(config.config_file_path).resolve().parent
    _history = read_history(root)
    if _history.state == "shallow":
        log.warning(
            "freshness: this git clone is shallow, so every page would show the clone's date as its "
            "last change; pages get no date. Fix: run `git fetch --unshallow` (in GitHub Actions: "
            "actions/checkout with fetch-depth: 0), or set KVMKB_GIT_DATES=false to build without dates."
        )
    elif _history.state != "ok":
        log.info("freshness: pages carry no last-changed date (%s)", _history.detail)
    config.extra["kb_feed"] = FEED
    return config


# After the i18n plugin (priority -100), which expects every file to come from docs/.
@event_priority(-110)
def on_files(files, config, **kwargs):
    """List the feed among the site's files (so pages may link to it); on_post_build fills it."""
    from mkdocs.structure.files import File

    files.append(File.generated(config, FEED, content=atom_feed([], config.site_url or "", config.site_name)))
    return files


def on_page_markdown(markdown, page, config, files, **kwargs):
    if _history is None or _history.state != "ok":
        return markdown
    source = page.file.content_string  # before macros ran: the macro calls name the data files
    hist = _history.latest(page_sources(page.file.src_uri, source))
    if hist is None:  # a new page not committed yet
        return markdown
    page.meta["revision_date"] = (
        f'Last changed <time datetime="{hist.updated.date().isoformat()}">{human_date(hist.updated)}</time>'
    )
    _changes.append({
        "title": page.meta.get("title") or page.title or page.file.src_uri,
        "url": page.url,
        "updated": hist.updated,
        "created": hist.created,
        "subject": hist.subject,
        "description": page.meta.get("description", ""),
    })
    return markdown


def atom_feed(changes: list[dict], site_url: str, site_name: str, limit: int = FEED_ENTRIES) -> str:
    """An Atom 1.0 document (RFC 4287) of the newest `limit` changes."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    items = sorted(changes, key=lambda c: (c["updated"], c["url"]), reverse=True)[:limit]
    newest = items[0]["updated"] if items else dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{escape(site_name)}: new and changed pages</title>",
        f"  <id>{escape(base)}</id>",
        f'  <link rel="self" type="application/atom+xml" href="{escape(base + FEED)}"/>',
        f'  <link rel="alternate" type="text/html" href="{escape(base)}"/>',
        f"  <updated>{newest.isoformat()}</updated>",
        f"  <author><name>{escape(site_name)} contributors</name></author>",
    ]
    for c in items:
        url = base + c["url"]
        new = c["created"] == c["updated"]
        kind = "New page" if new else "Changed"
        summary = f"{kind} on {human_date(c['updated'])}."
        if c["description"]:
            summary += f" {c['description']}"
        out += [
            "  <entry>",
            f"    <title>{escape(('New: ' if new else 'Changed: ') + str(c['title']))}</title>",
            f'    <link rel="alternate" type="text/html" href="{escape(url)}"/>',
            # One entry per page and version: the id changes when the page does.
            f"    <id>{escape(url)}#{c['updated'].strftime('%Y%m%dT%H%M%S')}</id>",
            f"    <published>{c['created'].isoformat()}</published>",
            f"    <updated>{c['updated'].isoformat()}</updated>",
            f'    <category term="{"new" if new else "changed"}"/>',
            f"    <summary>{escape(summary)}</summary>",
            "  </entry>",
        ]
    out.append("</feed>")
    return "\n".join(out) + "\n"


def on_post_build(config, **kwargs):
    site_url = config.site_url or "https://example.invalid/"
    Path(config.site_dir, FEED).write_text(atom_feed(_changes, site_url, config.site_name), encoding="utf-8")

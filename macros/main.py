"""mkdocs-macros module of the KVM Knowledge Base.

Everything that must stay consistent across pages is produced here, from the
data files under ``data/``:

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

Two safety measures apply to every page before Jinja sees it:

* code (fenced blocks and inline spans) is wrapped in ``{% raw %}`` so that
  shell text such as ``{{.State.Pid}}`` or ``${#arr[@]}`` renders verbatim;
* pages are rendered in Jinja's immutable sandbox, so a template cannot
  reach Python internals (``cycler.__init__.__globals__`` and friends).

Every macro raises :class:`MacroError` with the page path and the fix when
its input is wrong; the build then fails (see ``on_error_fail`` in
``mkdocs.yml``).
"""
from __future__ import annotations

import html
import json
import os
import posixpath
import re
from pathlib import Path
from typing import Any, Iterable

import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


class MacroError(Exception):
    """A macro was called with input that cannot be right."""


# --------------------------------------------------------------------------
# Data loading (pure functions, unit-tested)
# --------------------------------------------------------------------------

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

GLOSSARY_FIELDS = {"term", "expansion", "zh", "definition"}
FAQ_CATEGORIES = (
    "concepts",
    "host-setup",
    "troubleshooting",
    "networking",
    "storage",
    "performance",
    "comparisons",
    "history",
    "learning",
)


def _load_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        raise MacroError(f"{path}: not valid YAML: {exc}") from exc


def load_versions(root: Path) -> dict[str, str]:
    data = _load_yaml(root / "data" / "versions.yml") or {}
    for key in SOURCE_TREES:
        if not isinstance(data.get(key), str) or not re.fullmatch(r"\d+(\.\d+)+(-rc\d+)?", data[key]):
            raise MacroError(
                f"data/versions.yml: '{key}' must be a release number such as \"6.18\" (quoted), got {data.get(key)!r}"
            )
    return data


def load_source_files(root: Path) -> dict[str, set[str]]:
    """Union of the verified paths in data/source-files/*.yml."""
    allowed: dict[str, set[str]] = {tree: set() for tree in SOURCE_TREES}
    for path in sorted((root / "data" / "source-files").glob("*.yml")):
        data = _load_yaml(path) or {}
        for tree, paths in data.items():
            if tree not in allowed:
                raise MacroError(f"{path.relative_to(root)}: unknown tree '{tree}' (use linux, qemu or libvirt)")
            for p in paths or []:
                if not isinstance(p, str) or p.startswith("/") or ".." in p.split("/"):
                    raise MacroError(f"{path.relative_to(root)}: '{p}' must be a path inside the tree")
                allowed[tree].add(p)
    return allowed


def load_glossary(root: Path) -> list[dict[str, str]]:
    terms: dict[str, dict[str, str]] = {}
    for path in sorted((root / "data" / "glossary").glob("*.yml")):
        rel = path.relative_to(root)
        for i, entry in enumerate(_load_yaml(path) or []):
            if not isinstance(entry, dict):
                raise MacroError(f"{rel}: entry {i + 1} is not a mapping")
            missing = GLOSSARY_FIELDS - entry.keys()
            if missing:
                raise MacroError(f"{rel}: term {entry.get('term', i + 1)!r} lacks {', '.join(sorted(missing))}")
            unknown = set(entry) - GLOSSARY_FIELDS - {"link"}
            if unknown:
                raise MacroError(f"{rel}: term {entry['term']!r} has unknown fields {', '.join(sorted(unknown))}")
            term = str(entry["term"])
            key = term.lower()
            if key in terms:
                raise MacroError(
                    f"{rel}: term {term!r} is already defined in {terms[key]['_file']}; keep one definition"
                )
            terms[key] = {**{k: str(v) for k, v in entry.items()}, "_file": str(rel)}
    return sorted(terms.values(), key=lambda t: t["term"].lower())


def load_faq(root: Path) -> dict[str, dict]:
    cats: dict[str, dict] = {}
    ids: dict[str, str] = {}
    for path in sorted((root / "data" / "faq").glob("*.yml")):
        rel = path.relative_to(root)
        cat = path.stem
        if cat not in FAQ_CATEGORIES:
            raise MacroError(f"{rel}: unknown FAQ category '{cat}' (one of: {', '.join(FAQ_CATEGORIES)})")
        data = _load_yaml(path) or {}
        for field in ("title", "description", "entries"):
            if not data.get(field):
                raise MacroError(f"{rel}: missing '{field}'")
        for entry in data["entries"]:
            eid = entry.get("id", "")
            if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", str(eid)):
                raise MacroError(f"{rel}: entry {entry.get('q', '?')!r} needs an 'id' in lower-case-with-hyphens")
            if eid in ids:
                raise MacroError(f"{rel}: id '{eid}' is already used in {ids[eid]}")
            ids[eid] = str(rel)
            for field in ("q", "a"):
                if not str(entry.get(field, "")).strip():
                    raise MacroError(f"{rel}: entry '{eid}' has no '{field}'")
            if not entry.get("links"):
                raise MacroError(f"{rel}: entry '{eid}' needs at least one link deeper into the site ('links:')")
        cats[cat] = {**data, "file": str(rel)}
    return cats


def load_errors(root: Path) -> list[dict]:
    path = root / "data" / "errors.yml"
    if not path.exists():
        return []
    entries = _load_yaml(path) or []
    seen: set[str] = set()
    for entry in entries:
        for field in ("id", "message", "component", "category", "cause", "fix", "links"):
            if not entry.get(field):
                raise MacroError(f"data/errors.yml: entry {entry.get('id', entry.get('message', '?'))!r} lacks '{field}'")
        if entry["id"] in seen:
            raise MacroError(f"data/errors.yml: id '{entry['id']}' is used twice")
        seen.add(entry["id"])
    return entries


def read_front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    m = re.match(r"\A---\s*\n(.*?)\n---\s*\n", text, re.S)
    if not m:
        return {}
    try:
        return yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError:
        return {}


# --------------------------------------------------------------------------
# Protecting code from Jinja
# --------------------------------------------------------------------------

_JINJA_STARTS = ("{{", "{%", "{#")
_FENCE = re.compile(r"^(?P<indent>[ \t>]*)(?P<fence>`{3,}|~{3,})")
_INLINE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")


def _raw(text: str) -> str:
    if not any(s in text for s in _JINJA_STARTS):
        return text
    text = text.replace("{% endraw %}", "{% endraw %}{{ '{% endraw %}' }}{% raw %}")
    return "{% raw %}" + text + "{% endraw %}"


def protect_code(markdown: str) -> str:
    """Wrap fenced code blocks and inline code spans in {% raw %}.

    Only code that contains a Jinja start string is wrapped, and no line is
    added or removed, so line numbers in error messages stay right.
    """
    lines = markdown.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if m:
            fence = m.group("fence")
            j = i + 1
            while j < len(lines):
                c = _FENCE.match(lines[j])
                if (
                    c
                    and c.group("fence")[0] == fence[0]
                    and len(c.group("fence")) >= len(fence)
                    and not lines[j][c.end():].strip()
                ):
                    break
                j += 1
            block = lines[i : j + 1]
            joined = "\n".join(block)
            if any(s in joined for s in _JINJA_STARTS):
                indent = m.group("indent")
                block[0] = indent + "{% raw %}" + block[0][len(indent):]
                esc = "{% endraw %}{{ '{% endraw %}' }}{% raw %}"
                block = [block[0]] + [ln.replace("{% endraw %}", esc) for ln in block[1:]]
                # An unclosed fence runs to the end of the page, as in Markdown.
                block[-1] = block[-1] + "{% endraw %}"
            out.extend(block)
            i = j + 1
            continue
        out.append(_INLINE.sub(lambda mm: _raw(mm.group(0)), lines[i]))
        i += 1
    return "\n".join(out)


# --------------------------------------------------------------------------
# Rendering helpers (pure functions, unit-tested)
# --------------------------------------------------------------------------


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


def relative_link(from_page: str, target: str) -> str:
    """Link from docs page `from_page` to docs path `target` (both from docs/)."""
    base = posixpath.dirname(from_page)
    return posixpath.relpath(target, base or ".")


def md_escape_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def abbreviations(glossary: Iterable[dict]) -> str:
    lines = []
    for t in glossary:
        tip = t["expansion"]
        if t.get("zh"):
            tip = f"{tip} ({t['zh']})"
        lines.append(f"*[{t['term']}]: {tip}")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# The mkdocs-macros entry points
# --------------------------------------------------------------------------


def define_env(env) -> None:  # noqa: C901 - one place that wires everything
    root = Path(env.project_dir)
    docs_dir = Path(env.conf["docs_dir"])

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

    def current_page() -> str:
        page = env.variables.get("page")
        return page.file.src_uri if page is not None else "index.md"

    def fail(msg: str):
        raise MacroError(f"in docs/{current_page()}: {msg}")

    def wrap(func):
        def inner(*args, **kwargs):
            try:
                return func(*args, **kwargs)
            except MacroError as exc:
                if str(exc).startswith("in docs/"):
                    raise
                fail(str(exc))
        inner.__name__ = func.__name__
        inner.__doc__ = func.__doc__
        return inner

    # -- source links ----------------------------------------------------
    @env.macro
    @wrap
    def linux_src(path: str, text: str | None = None) -> str:
        """Link to a file in Linux at the pinned tag."""
        return source_link("linux", path, text, versions, allowed_sources)

    @env.macro
    @wrap
    def qemu_src(path: str, text: str | None = None) -> str:
        """Link to a file in QEMU at the pinned tag."""
        return source_link("qemu", path, text, versions, allowed_sources)

    @env.macro
    @wrap
    def libvirt_src(path: str, text: str | None = None) -> str:
        """Link to a file in libvirt at the pinned tag."""
        return source_link("libvirt", path, text, versions, allowed_sources)

    # -- cross links -----------------------------------------------------
    def page_title(path: str) -> str:
        fm = read_front_matter(docs_dir / path)
        return str(fm.get("title") or path)

    @env.macro
    @wrap
    def xref(target: str, text: str | None = None) -> str:
        """Link to another page by its path from docs/, optionally with #anchor."""
        path, _, anchor = target.partition("#")
        if not path.endswith(".md"):
            raise MacroError(f"xref('{target}'): give a page path from docs/, such as 'architecture/run-loop.md'")
        if not (docs_dir / path).is_file():
            raise MacroError(f"xref('{target}'): page docs/{path} does not exist")
        if anchor and not re.fullmatch(r"[A-Za-z0-9_\-.:]+", anchor):
            raise MacroError(f"xref('{target}'): '{anchor}' is not a valid anchor")
        href = relative_link(current_page(), path) + (f"#{anchor}" if anchor else "")
        # The anchor itself is checked by MkDocs' link validation (anchors: warn + strict).
        return f"[{text or page_title(path)}]({href})"

    # -- section listings ------------------------------------------------
    def nav_section_of(page: str) -> list:
        def walk(items):
            for item in items:
                if isinstance(item, dict):
                    for _title, sub in item.items():
                        if isinstance(sub, list):
                            flat = [x for x in sub if isinstance(x, str)]
                            if page in flat:
                                return sub
                            found = walk(sub)
                            if found is not None:
                                return found
            return None

        section = walk(env.conf["nav"] or [])
        if section is None:
            raise MacroError("section_index(): this page is not the index of a section in nav")
        return section

    def cards(paths: list[str], here: str) -> str:
        rows = []
        for p in paths:
            if not (docs_dir / p).is_file():
                raise MacroError(f"section_index(): nav lists {p}, which does not exist")
            fm = read_front_matter(docs_dir / p)
            # A missing description is reported, with its file, by the policy hook.
            desc = fm.get("description") or ""
            kind = fm.get("type", "")
            rows.append(
                f"-   **[{fm.get('title', p)}]({relative_link(here, p)})**"
                f"{' · <small>' + html.escape(str(kind)) + '</small>' if kind else ''}\n\n    ---\n\n    {desc}"
            )
        return '<div class="grid cards" markdown>\n\n' + "\n\n".join(rows) + "\n\n</div>"

    @env.macro
    @wrap
    def section_index() -> str:
        """The pages of the current section, with their descriptions."""
        here = current_page()
        section = nav_section_of(here)
        parts = []
        loose = [x for x in section if isinstance(x, str) and x != here]
        if loose:
            parts.append(cards(loose, here))
        for item in section:
            if isinstance(item, dict):
                for title, sub in item.items():
                    paths = [x for x in (sub if isinstance(sub, list) else [sub]) if isinstance(x, str)]
                    parts.append(f"## {title}\n\n" + cards(paths, here))
        if not parts:
            raise MacroError("section_index(): the section has no pages besides its index")
        return "\n\n".join(parts)

    # -- glossary --------------------------------------------------------
    @env.macro
    @wrap
    def glossary_table() -> str:
        """The glossary as a table, with anchors per term."""
        here = current_page()
        lines = ["| Term | Stands for | 中文 | Meaning |", "|---|---|---|---|"]
        for t in glossary:
            slug = "term-" + re.sub(r"[^a-z0-9]+", "-", t["term"].lower()).strip("-")
            meaning = md_escape_cell(t["definition"])
            if t.get("link"):
                target = t["link"]
                if not (docs_dir / target.partition("#")[0]).is_file():
                    raise MacroError(f"{t['_file']}: term {t['term']!r} links to {target}, which does not exist")
                meaning += f" [More]({relative_link(here, target)})"
            lines.append(
                f"| <span id=\"{slug}\"></span>**{md_escape_cell(t['term'])}** | {md_escape_cell(t['expansion'])} "
                f"| {md_escape_cell(t['zh'])} | {meaning} |"
            )
        return "\n".join(lines)

    # -- FAQ -------------------------------------------------------------
    def deeper_links(links: list[str], here: str, where: str) -> str:
        out = []
        for target in links:
            path = target.partition("#")[0]
            if not (docs_dir / path).is_file():
                raise MacroError(f"{where}: link '{target}' points to docs/{path}, which does not exist")
            out.append(f"[{page_title(path)}]({relative_link(here, path)}{target[len(path):]})")
        return ", ".join(out)

    @env.macro
    @wrap
    def faq_category(name: str) -> str:
        """All entries of one FAQ category."""
        if name not in faq:
            raise MacroError(f"faq_category('{name}'): no data/faq/{name}.yml")
        here = current_page()
        parts = []
        for e in faq[name]["entries"]:
            body = str(e["a"]).strip()
            since = f"\n\n<small>Applies to: {e['since']}</small>" if e.get("since") else ""
            more = deeper_links(e["links"], here, f"{faq[name]['file']} entry '{e['id']}'")
            parts.append(f"## {e['q']} {{ #{e['id']} }}\n\n{body}{since}\n\n**Go deeper:** {more}")
        return "\n\n".join(parts)

    @env.macro
    @wrap
    def faq_index() -> str:
        """Every FAQ question, grouped by category, linked to its answer."""
        here = current_page()
        parts = []
        total = 0
        for cat in FAQ_CATEGORIES:
            if cat not in faq:
                continue
            data = faq[cat]
            page = f"faq/{cat}.md"
            if not (docs_dir / page).is_file():
                raise MacroError(f"faq_index(): data/faq/{cat}.yml has no page docs/{page}")
            link = relative_link(here, page)
            items = [f"- [{e['q']}]({link}#{e['id']})" for e in data["entries"]]
            total += len(items)
            parts.append(f"## [{data['title']}]({link}) {{ #{cat} }}\n\n{data['description']}\n\n" + "\n".join(items))
        return f"{total} questions in {len(parts)} categories.\n\n" + "\n\n".join(parts)

    @env.macro
    @wrap
    def error_catalogue(brief: bool = False) -> str:
        """The error-message catalogue: in full, or as a table linking to the full entries."""
        here = current_page()
        if not errors:
            raise MacroError("error_catalogue(): data/errors.yml is missing or empty")
        full_page = "hands-on/troubleshooting.md"
        if brief:
            lines = ["| Message | Cause |", "|---|---|"]
            for e in errors:
                href = f"{relative_link(here, full_page)}#{e['id']}"
                lines.append(f"| [`{md_escape_cell(e['message'])}`]({href}) | {md_escape_cell(e['cause'])} |")
            return "\n".join(lines)
        groups: dict[str, list] = {}
        for e in errors:
            groups.setdefault(e["category"], []).append(e)
        parts = []
        for cat, items in groups.items():
            parts.append(f"## {cat.replace('-', ' ').capitalize()} {{ #cat-{cat} }}")
            for e in items:
                more = deeper_links(e["links"], here, f"data/errors.yml entry '{e['id']}'")
                src = f"\n\n<small>Where the message comes from: {e['source']}</small>" if e.get("source") else ""
                parts.append(
                    f"### `{e['message']}` {{ #{e['id']} }}\n\n"
                    f"**Printed by:** {e['component']}\n\n"
                    f"**Cause.** {str(e['cause']).strip()}\n\n"
                    f"**Fix.**\n\n{str(e['fix']).strip()}\n\n"
                    f"**Go deeper:** {more}{src}"
                )
        return "\n\n".join(parts)

    # -- verification records -------------------------------------------
    VERIFIED_LABELS = {
        "date": "Verified on",
        "distribution": "Distribution",
        "host_kernel": "Host kernel",
        "kvm_kind": "KVM",
        "kvm_modules": "KVM modules",
        "qemu": "QEMU",
        "libvirt": "libvirt",
        "python": "Python",
    }

    @env.macro
    @wrap
    def verified(name: str) -> str:
        """What the test suite verified for a hands-on page (data/verified/<name>.json)."""
        path = root / "data" / "verified" / f"{name}.json"
        if not path.is_file():
            raise MacroError(
                f"verified('{name}'): data/verified/{name}.json does not exist; run the page's test (make test) to write it"
            )
        rec = json.loads(path.read_text(encoding="utf-8"))
        rows = [f"| {label} | {md_escape_cell(rec[key])} |" for key, label in VERIFIED_LABELS.items() if rec.get(key)]
        extra = [
            f"| {md_escape_cell(k.replace('_', ' '))} | {md_escape_cell(v)} |"
            for k, v in sorted(rec.items())
            if k not in VERIFIED_LABELS and k != "checks"
        ]
        checks = "\n".join(f"    - {md_escape_cell(c)}" for c in rec.get("checks", []))
        table = "\n".join("    " + r for r in ["| Recorded | Value |", "|---|---|", *rows, *extra])
        return (
            '!!! success "Verified by the test suite"\n\n'
            "    Every command and program on this page is run by the project's tests "
            f"(`make test`). The last recorded run:\n\n{table}\n\n"
            f"    What the tests checked:\n\n{checks}\n"
        )

    # -- hooks run around every page ------------------------------------
    abbr_block = abbreviations(glossary)
    env.variables["glossary_terms"] = [t["term"] for t in glossary]
    env.variables["faq_count"] = sum(len(c["entries"]) for c in faq.values())

    env._kvmkb_abbr = abbr_block  # read by on_post_page_macros


def _sandbox(env) -> None:
    """Replace the plugin's Jinja environment by an immutable sandbox (once)."""
    current = env.env
    if isinstance(current, ImmutableSandboxedEnvironment):
        return
    sandbox = ImmutableSandboxedEnvironment(
        loader=current.loader,
        undefined=current.undefined,
        block_start_string=current.block_start_string,
        block_end_string=current.block_end_string,
        variable_start_string=current.variable_start_string,
        variable_end_string=current.variable_end_string,
        comment_start_string=current.comment_start_string,
        comment_end_string=current.comment_end_string,
        extensions=list(current.extensions),
        trim_blocks=current.trim_blocks,
        lstrip_blocks=current.lstrip_blocks,
        keep_trailing_newline=current.keep_trailing_newline,
        newline_sequence=current.newline_sequence,
    )
    sandbox.globals.update(current.globals)
    sandbox.filters.update(current.filters)
    env._env = sandbox  # the plugin renders every page with env.env


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
    """Patch Material's JavaScript bundle in the built site.

    Material's bundle loads Mermaid (and, in very old browsers, a
    ResizeObserver polyfill) from unpkg.com. Both are vendored under
    docs/assets/vendor/; rewrite the URLs to be relative to the site root
    (``__md_scope``, which Material defines on every page). It also makes
    each code block's button bar a plain toolbar instead of a navigation
    landmark. Each patch must apply, or the build fails.
    """
    site_dir = Path(env.conf["site_dir"])
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
    }
    for old, new in replacements.items():
        if old in text:
            text = text.replace(old, new)
        elif new not in text:
            raise MacroError(
                f"Material's bundle no longer contains {old}; update on_post_build in macros/main.py "
                "for the new Material release"
            )
    bundle.write_text(text, encoding="utf-8")
    sourcemap = bundle.with_name(bundle.name + ".map")
    if sourcemap.exists():
        sourcemap.unlink()
        bundle.write_text(re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", text), encoding="utf-8")

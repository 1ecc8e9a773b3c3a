"""The error atlas: checks and rendering for data/errors.yml (pure functions, unit-tested).

data/errors.yml is the one source of truth for error messages. Each entry
names the program that prints the message, its layer, the symptoms it
belongs to, what it means, its causes (most likely first), the fix and
links deeper into the site. data/errors-provenance.yml, written by
scripts/error_provenance.py from real source trees, records for each
message the source line that prints it; ``message_matches`` checks that an
entry's message is still what that line prints.

This module has no MkDocs dependency, so the tests and the provenance
script use it directly.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

# libyaml's parser where PyYAML has it (as macros/data.py): the atlas is large.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

from macros.sources import source_line_url

LAYERS = {
    # id: (title, one-line description)
    "host-firmware": ("Host and firmware", "The machine's firmware, CPU and the BIOS or UEFI inside the VM"),
    "kernel": ("Kernel and modules", "KVM, vfio and the IOMMU in the host kernel, and loading their modules"),
    "qemu": ("QEMU", "The user-space VMM, one process per VM"),
    "libvirt": ("libvirt and its tools", "The libvirt daemons, virsh and virt-install"),
    "guest": ("Guest", "What the guest's own kernel or display shows"),
}

SYMPTOMS = {
    "wont-start": "The VM will not start",
    "slow": "The VM is slow",
    "no-network": "No network",
    "migration-fails": "Migration or snapshot fails",
    "stops": "The VM stops, pauses or hangs",
    "passthrough": "Device passthrough fails",
    "cannot-connect": "virsh cannot connect",
    "warning": "Only a warning",
}

REQUIRED = ("id", "message", "component", "layer", "symptoms", "category", "meaning", "causes", "fix", "links", "emit")

# Source trees the provenance script reads whose links use another tree's URLs.
TREE_LINKS = {"linux-old": "linux", "libvirt-old": "libvirt"}

TREE_NAMES = {
    "linux": "Linux",
    "linux-old": "Linux",
    "qemu": "QEMU",
    "libvirt": "libvirt",
    "libvirt-old": "libvirt",
    "virt-manager": "virt-manager",
    "kmod": "kmod",
    "seabios": "SeaBIOS",
}


class AtlasError(Exception):
    """data/errors.yml or data/errors-provenance.yml is inconsistent."""


# --------------------------------------------------------------------------
# Format strings
# --------------------------------------------------------------------------

_CONV = re.compile(
    r"%(?:(\d+)\$)?(?:\((\w+)\))?([-+ #0]*)(\d+|\*)?(?:\.(\d+|\*))?(hh|h|ll|l|L|q|j|z|t)?([diouxXeEfgGcspm%])"
)


def format_regex(fmt: str) -> str:
    """A regular expression for what a printf-style format string can print.

    Conversions become the values they can produce; runs of white space
    (including the newlines some programs put into long messages) match any
    white space, so that a message pasted on one line still matches.
    """
    fmt = fmt.rstrip("\n")
    out: list[str] = []
    pos = 0
    for m in _CONV.finditer(fmt):
        out.append(_literal(fmt[pos : m.start()]))
        conv = m.group(7)
        if conv == "%":
            out.append("%")
        elif conv in "di":
            out.append(r"-?\d+")
        elif conv == "u":
            out.append(r"\d+")
        elif conv in "xX":
            out.append(r"[0-9a-fA-F]+")
        elif conv == "o":
            out.append(r"[0-7]+")
        elif conv in "eEfgG":
            out.append(r"-?[0-9.eE+-]+")
        elif conv == "c":
            out.append(".")
        elif conv == "p":
            out.append(r"(?:0x[0-9a-f]+|\(nil\))")
        else:  # s, m: any text
            out.append(r".+?")
        pos = m.end()
    out.append(_literal(fmt[pos:]))
    return "".join(out)


def _literal(text: str) -> str:
    parts = re.split(r"\s+", text)
    return r"\s+".join(re.escape(p) for p in parts)


def format_display(fmt: str) -> str:
    """The format string with its variable parts shown as ‹…› markers."""
    def repl(m: re.Match) -> str:
        conv = m.group(7)
        if conv == "%":
            return "%"
        kind = {"d": "number", "i": "number", "u": "number", "x": "hex", "X": "hex", "o": "octal",
                "c": "char", "p": "address", "m": "errno text"}.get(conv, "text")
        if m.group(2):
            kind = m.group(2)
        return f"‹{kind}›"
    return re.sub(r"\s+", " ", _CONV.sub(repl, fmt.rstrip("\n")))


def message_matches(entry: dict, record: dict) -> bool:
    """True if the entry's message is prefix + (what the format prints) + suffix."""
    emit = entry.get("emit") or {}
    pattern = re.escape(emit.get("prefix", "")) + format_regex(record["format"]) + re.escape(emit.get("suffix", ""))
    return re.fullmatch(pattern, entry["message"], re.S) is not None


# --------------------------------------------------------------------------
# Loading and checking
# --------------------------------------------------------------------------


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise AtlasError(f"{path.name}: not valid YAML: {exc}") from exc


def load_atlas(root: Path) -> tuple[list[dict], dict]:
    """The entries of data/errors.yml and the provenance data, checked against each other."""
    path = root / "data" / "errors.yml"
    if not path.exists():
        return [], {}
    entries = _load_yaml(path) or []
    prov_path = root / "data" / "errors-provenance.yml"
    prov = _load_yaml(prov_path) if prov_path.exists() else {}
    records = (prov or {}).get("messages", {})
    seen: set[str] = set()
    for e in entries:
        name = e.get("id", e.get("message", "?"))
        for field in REQUIRED:
            if not e.get(field):
                raise AtlasError(f"data/errors.yml: entry {name!r} lacks '{field}'")
        if e["id"] in seen:
            raise AtlasError(f"data/errors.yml: id '{e['id']}' is used twice")
        seen.add(e["id"])
        if e["layer"] not in LAYERS:
            raise AtlasError(
                f"data/errors.yml: entry '{e['id']}': layer '{e['layer']}' is not one of {', '.join(LAYERS)}"
            )
        bad = [s for s in e["symptoms"] if s not in SYMPTOMS]
        if bad:
            raise AtlasError(
                f"data/errors.yml: entry '{e['id']}': symptom '{bad[0]}' is not one of {', '.join(SYMPTOMS)}"
            )
        if not isinstance(e["causes"], list):
            raise AtlasError(f"data/errors.yml: entry '{e['id']}': 'causes' must be a list, most likely first")
        if e["emit"] == "none":
            if not e.get("emit_reason"):
                raise AtlasError(f"data/errors.yml: entry '{e['id']}': 'emit: none' needs an 'emit_reason'")
            continue
        if not isinstance(e["emit"], dict) or not {"tree", "file", "find"} <= set(e["emit"]):
            raise AtlasError(
                f"data/errors.yml: entry '{e['id']}': 'emit' needs tree, file and find (or 'emit: none' with 'emit_reason')"
            )
        rec = records.get(e["id"])
        if rec is None:
            raise AtlasError(
                f"data/errors.yml: entry '{e['id']}' has no record in data/errors-provenance.yml; "
                "run scripts/error_provenance.py (see its --help) to trace it in a source tree"
            )
        if rec["tree"] != e["emit"]["tree"] or rec["file"] != e["emit"]["file"]:
            raise AtlasError(
                f"data/errors.yml: entry '{e['id']}': 'emit' names {e['emit']['tree']}:{e['emit']['file']} but "
                f"data/errors-provenance.yml recorded {rec['tree']}:{rec['file']}; run scripts/error_provenance.py again"
            )
        if e["emit"]["find"].replace("\\n", "\n") not in rec["text"] and e["emit"]["find"] not in rec["text"]:
            # find may span the rest of the statement; its first line must be on the recorded line
            first = e["emit"]["find"].split("\\n")[0].split("\n")[0]
            if first not in rec["text"]:
                raise AtlasError(
                    f"data/errors.yml: entry '{e['id']}': 'find' is not on the recorded source line; "
                    "run scripts/error_provenance.py again"
                )
        if not message_matches(e, rec):
            raise AtlasError(
                f"data/errors.yml: entry '{e['id']}': message {e['message']!r} is not what the source prints: "
                f"{e['emit'].get('prefix', '')}{rec['format'].rstrip()!r}{e['emit'].get('suffix', '')} "
                f"({rec['tree']} {rec['file']}:{rec['line']}). Fix the message, or 'prefix'/'suffix' in 'emit'"
            )
    stale = set(records) - seen
    if stale:
        raise AtlasError(
            f"data/errors-provenance.yml: records for ids no longer in data/errors.yml: {', '.join(sorted(stale))}; "
            "run scripts/error_provenance.py again"
        )
    return entries, prov or {}


def provenance_line(entry: dict, prov: dict) -> str:
    """Markdown: where the message is printed, at the version that was checked, and older versions checked."""
    if entry["emit"] == "none":
        return f"Not traced to a source line: {entry['emit_reason']}"
    rec = prov["messages"][entry["id"]]
    tree = rec["tree"]
    version = prov["trees"][tree]["version"]
    url = source_line_url(TREE_LINKS.get(tree, tree), rec["file"], rec["line"], version)
    name = TREE_NAMES[tree]
    text = f"[`{rec['file']}` line {rec['line']}]({url}) in {name} {version}"
    also = rec.get("also_in")
    if also:
        text += f"; the same format string is in {name} {', '.join(also)}"
    return text


# --------------------------------------------------------------------------
# Rendering (the error_catalogue macro)
# --------------------------------------------------------------------------

def entry_page(e: dict) -> str:
    """The page (from docs/) that shows an entry in full: one page per layer,
    so that no page carries all 150-odd entries (the single page was the
    site's heaviest, and slow on phones)."""
    return f"hands-on/errors/{e['layer']}.md"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def _code(text: str) -> str:
    """Inline code that survives backticks inside the text."""
    text = str(text)
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render_entry(e: dict, prov: dict, more: str, last: bool = False) -> str:
    causes = "\n".join(f"{i}. {str(c).strip()}" for i, c in enumerate(e["causes"], 1))
    symptoms = ", ".join(SYMPTOMS[s] for s in e["symptoms"])
    fmt = ""
    if e["emit"] != "none":
        rec = prov["messages"][e["id"]]
        shown = e["emit"].get("prefix", "") + format_display(rec["format"]) + e["emit"].get("suffix", "")
        fmt = f"**Format:** {_code(shown)} (‹…› marks the parts that vary)\n\n"
    since = f" Applies to: {str(e['since']).rstrip('.')}." if e.get("since") else ""
    notes = f"\n\n**Notes on the source:** {str(e['source']).strip()}" if e.get("source") else ""
    # The body sits in a box the browser may skip laying out while it is far
    # from the viewport (extra.css, .kb-entry): the heading stays outside it,
    # so Material's table of contents can read every heading's position
    # without laying out every entry (README, Benchmark). The last entry is
    # always laid out: a skipped box reports made-up positions for its links,
    # which then seemed to touch the links of the sections after it
    # (Lighthouse's target-size audit).
    box = "kb-entry kb-entry--last" if last else "kb-entry"
    return (
        f"## {_code(e['message'])} {{ #{e['id']} }}\n\n"
        f'<div class="{box}" markdown>\n\n'
        f"**Printed by:** {e['component']} · **Layer:** {LAYERS[e['layer']][0]} · **Symptom:** {symptoms}\n\n"
        f"{fmt}"
        f"**What it means.** {str(e['meaning']).strip()}\n\n"
        f"**Causes, most likely first.**\n\n{causes}\n\n"
        f"**Fix.**\n\n{str(e['fix']).strip()}\n\n"
        f"**Go deeper:** {more}\n\n"
        f"**Where it is printed:** {provenance_line(e, prov).rstrip('.')}.{since}{notes}\n\n"
        "</div>"
    )


def catalogue_layer(entries: list[dict], layer: str, prov: dict, deeper) -> str:
    """Every entry of one layer, in full."""
    items = [e for e in entries if e["layer"] == layer]
    parts = [f"{LAYERS[layer][1]}. {len(items)} messages."]
    parts += [render_entry(e, prov, deeper(e), last=i == len(items) - 1) for i, e in enumerate(items)]
    return "\n\n".join(parts)


def catalogue_counts(entries: list[dict], layer_href) -> str:
    rows = ["| Layer | Messages |", "|---|---|"]
    for layer, (title, _desc) in LAYERS.items():
        n = sum(1 for e in entries if e["layer"] == layer)
        rows.append(f"| [{title}]({layer_href(layer)}) | {n} |")
    traced = sum(1 for e in entries if e["emit"] != "none")
    rows.append(f"| **All** | **{len(entries)}** ({traced} traced to the source line that prints them) |")
    return "\n".join(rows)


def symptom_index(entries: list[dict], href, heading_level: int = 2) -> str:
    """For each symptom, the messages that belong to it, linked to their entries."""
    hashes = "#" * heading_level
    parts = []
    for sym, title in SYMPTOMS.items():
        items = [e for e in entries if sym in e["symptoms"]]
        if not items:
            continue
        lines = [f"{hashes} {title} {{ #symptom-{sym} }}", ""]
        lines.append("| Message | Printed by | Layer |")
        lines.append("|---|---|---|")
        for e in items:
            lines.append(
                f"| [{_code(_cell(e['message']))}]({href(e)}) | {_cell(e['component'])} | "
                f"{LAYERS[e['layer']][0]} |"
            )
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def load_provenance(root: Path) -> dict:
    path = root / "data" / "errors-provenance.yml"
    return (_load_yaml(path) or {}) if path.exists() else {}


def error_catalogue(ctx, entries: list[dict], prov: dict, brief: bool = False, layer: str | None = None) -> str:
    """The error atlas. ``layer=...``: that layer's entries in full (the pages
    hands-on/errors/<layer>.md); no layer: the counts and the index by symptom,
    linking to the entries; ``brief=True``: the index by symptom alone."""
    from macros.errors import MacroError
    from macros.faq import deeper_links
    from macros.render import relative_link

    here = ctx.current_page()
    if not entries:
        raise MacroError("error_catalogue(): data/errors.yml is missing or empty")

    def href(e: dict) -> str:
        return f"{relative_link(here, entry_page(e))}#{e['id']}"

    if brief:
        return catalogue_counts_brief(entries) + "\n\n" + symptom_index(entries, href, 3)
    if layer is None:
        def layer_href(name: str) -> str:
            return relative_link(here, entry_page({"layer": name}))
        return catalogue_counts(entries, layer_href) + "\n\n" + symptom_index(entries, href, heading_level=3)
    if layer not in LAYERS:
        raise MacroError(f"error_catalogue(layer={layer!r}): unknown layer; use one of {', '.join(LAYERS)}")
    if here != entry_page({"layer": layer}):
        raise MacroError(f"error_catalogue(layer={layer!r}) belongs on {entry_page({'layer': layer})}, "
                         f"not {here}: entries are linked there")

    def deeper(e: dict) -> str:
        return deeper_links(ctx, e["links"], here, f"data/errors.yml entry '{e['id']}'")

    return catalogue_layer(entries, layer, prov, deeper)


def catalogue_counts_brief(entries: list[dict]) -> str:
    layers = ", ".join(
        f"{LAYERS[layer][0]} {sum(1 for e in entries if e['layer'] == layer)}" for layer in LAYERS
    )
    return f"{len(entries)} messages by layer: {layers}. Each symptom below lists the messages that go with it."

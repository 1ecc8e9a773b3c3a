"""``verified``: what the test suite verified for a hands-on page (``data/verified/``)."""
from __future__ import annotations

import re

from macros.data import load_verified
from macros.errors import MacroError
from macros.pages import PageContext
from macros.render import md_plain

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


def verified(ctx: PageContext, name: str) -> str:
    """What the test suite verified for a hands-on page (data/verified/<name>.json)."""
    path = ctx.root / "data" / "verified" / f"{name}.json"
    if not path.is_file():
        raise MacroError(
            f"verified('{name}'): data/verified/{name}.json does not exist; run `make verify` on a machine that can run the "
            "page's test, and commit the file it writes (see data/README.md)"
        )
    rec = load_verified(ctx.root, name)
    rows = [f"| {label} | {md_plain(rec[key])} |" for key, label in VERIFIED_LABELS.items() if rec.get(key)]
    extra = [
        f"| {md_plain(k.replace('_', ' '))} | {md_plain(v)} |"
        for k, v in sorted(rec.items())
        if k not in VERIFIED_LABELS and k != "checks"
    ]
    checks = "\n".join(f"    - {md_plain(c)}" for c in rec.get("checks", []))
    table = "\n".join("    " + r for r in ["| Recorded | Value |", "|---|---|", *rows, *extra])
    # One line the reader sees first; the record itself is behind it. The record
    # stays out of the search index: result snippets should show the page's
    # answer, not the test run's table (issue 16).
    return (
        '<div class="kb-verified" data-search-exclude markdown>\n\n'
        f'??? success "{summary(rec)}"\n\n'
        "    Every command and program on this page is run by the project's tests "
        f"(`make test`). The last recorded run:\n\n{table}\n\n"
        f"    What the tests checked:\n\n{checks}\n\n</div>\n"
    )


def summary(rec: dict) -> str:
    """'Verified 2026-11-25 on Debian 12 (bookworm), software KVM: QEMU 7.2.22, libvirt 9.0.0'."""
    host = [str(rec[k]) for k in ("distribution", "kvm_kind") if rec.get(k)]
    host = [re.sub(r" GNU/Linux", "", h).split(" (kvm")[0].split(":")[0].strip() for h in host]
    tools = [f"{label} {rec[key]}" for key, label in (("qemu", "QEMU"), ("libvirt", "libvirt")) if rec.get(key)]
    text = f"Verified {rec.get('date', '(no date)')}"
    if host:
        text += " on " + ", ".join(host)
    if tools:
        text += ": " + ", ".join(tools)
    return text.replace('"', "'")

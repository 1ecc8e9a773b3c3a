"""``verified``: what the test suite verified for a hands-on page (``data/verified/``)."""
from __future__ import annotations

import json

from macros.errors import MacroError
from macros.pages import PageContext
from macros.render import md_escape_cell

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
    # The record stays out of the search index: result snippets should show
    # the page's answer, not the test run's table (issue 16).
    return (
        '<div class="kb-verified" data-search-exclude markdown>\n\n'
        '!!! success "Verified by the test suite"\n\n'
        "    Every command and program on this page is run by the project's tests "
        f"(`make test`). The last recorded run:\n\n{table}\n\n"
        f"    What the tests checked:\n\n{checks}\n\n</div>\n"
    )

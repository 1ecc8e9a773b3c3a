"""The error atlas (data/errors.yml): schema, and messages checked against their source lines.

data/errors-provenance.yml is written by scripts/error_provenance.py from
real source trees (Debian source packages and one git tag). These tests need
no source tree: they check every message against the format string recorded
from the line that prints it, so an edited message that no longer matches
its source fails here.
"""
from __future__ import annotations

import copy
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from macros import atlas, sources

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def loaded():
    return atlas.load_atlas(ROOT)


def test_catalogue_size_and_layers(loaded):
    entries, _prov = loaded
    assert len(entries) >= 120
    layers = Counter(e["layer"] for e in entries)
    assert set(layers) == set(atlas.LAYERS), layers  # every layer has messages
    symptoms = Counter(s for e in entries for s in e["symptoms"])
    for s in ("wont-start", "slow", "no-network", "migration-fails"):
        assert symptoms[s] >= 5, (s, symptoms[s])


def test_every_traced_message_matches_its_source_line(loaded):
    entries, prov = loaded
    traced = [e for e in entries if e["emit"] != "none"]
    assert len(traced) >= 120
    for e in traced:
        rec = prov["messages"][e["id"]]
        assert atlas.message_matches(e, rec), e["id"]
        # the recorded line is the source line on which the 'find' text was found
        assert e["emit"]["find"].split("\n")[0] in rec["text"], e["id"]


def test_trees_have_versions_and_origins(loaded):
    _entries, prov = loaded
    for name, tree in prov["trees"].items():
        assert re.fullmatch(r"\d+(\.\d+)*", str(tree["version"])), name
        assert tree["origin"], f"tree {name} has no origin"


def test_a_drifted_message_fails(loaded, tmp_path):
    """Change one message so it no longer matches its source line: loading must fail and say so."""
    entries, prov = loaded
    bad = copy.deepcopy(entries)
    target = next(e for e in bad if e["id"] == "kvm-entry-failed")
    target["message"] = target["message"].replace("hardware error", "hardware failure")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "errors.yml").write_text(yaml.safe_dump(bad, sort_keys=False), encoding="utf-8")
    (tmp_path / "data" / "errors-provenance.yml").write_text(yaml.safe_dump(prov, sort_keys=False), encoding="utf-8")
    with pytest.raises(atlas.AtlasError, match="kvm-entry-failed.*is not what the source prints"):
        atlas.load_atlas(tmp_path)


def test_an_untraced_entry_fails(loaded, tmp_path):
    entries, prov = loaded
    prov = copy.deepcopy(prov)
    del prov["messages"]["vfio-group-not-viable"]
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "errors.yml").write_text(yaml.safe_dump(entries, sort_keys=False), encoding="utf-8")
    (tmp_path / "data" / "errors-provenance.yml").write_text(yaml.safe_dump(prov, sort_keys=False), encoding="utf-8")
    with pytest.raises(atlas.AtlasError, match="vfio-group-not-viable.*run scripts/error_provenance.py"):
        atlas.load_atlas(tmp_path)


@pytest.mark.parametrize(
    ("fmt", "text", "ok"),
    [
        ("KVM: entry failed, hardware error 0x%llx\n", "KVM: entry failed, hardware error 0x80000021", True),
        ("KVM: entry failed, hardware error 0x%llx\n", "KVM: entry failed, hardware error 0xzz", False),
        ("group %d is not viable", "group 12 is not viable", True),
        ("group %d is not viable", "group x is not viable", False),
        ("Emulator '%1$s' does not support virt type '%2$s'", "Emulator '/usr/bin/q' does not support virt type 'kvm'", True),
        ("OS name is required, but no value was\nset or detected.", "OS name is required, but no value was set or detected.", True),
        ("%(path)s may not be accessible", "/x may not be accessible", True),
        ("100%% done", "100% done", True),
    ],
)
def test_format_regex(fmt, text, ok):
    assert (re.fullmatch(atlas.format_regex(fmt), text) is not None) is ok


def test_format_display_marks_variables():
    assert atlas.format_display("group %d is not viable") == "group ‹number› is not viable"
    assert atlas.format_display("Could not open '%s': %m") == "Could not open '‹text›': ‹errno text›"
    assert atlas.format_display("%(path)s may not") == "‹path› may not"


def test_source_line_urls():
    assert sources.source_line_url("qemu", "a/b.c", 12, "10.0.2").endswith("/-/blob/v10.0.2/a/b.c#L12")
    linux = sources.source_line_url("linux", "virt/kvm/kvm_main.c", 5, "6.12.95")
    assert "/stable/linux.git/" in linux and linux.endswith("?h=v6.12.95#n5")
    assert "/torvalds/" in sources.source_line_url("linux", "x.c", 5, "6.18")
    with pytest.raises(Exception, match="positive line number"):
        sources.source_line_url("qemu", "a.c", 0, "10.0.2")


def test_provenance_line_names_the_checked_version(loaded):
    entries, prov = loaded
    e = next(e for e in entries if e["id"] == "vfio-group-not-viable")
    line = atlas.provenance_line(e, prov)
    assert "QEMU 10.0.2" in line and "hw/vfio/container.c" in line and "#L" in line


def test_schema_errors_name_the_entry(tmp_path):
    (tmp_path / "data").mkdir()
    entry = {k: "x" for k in atlas.REQUIRED}
    entry.update(id="demo", layer="cloud", symptoms=["slow"], causes=["a"], links=["index.md"], emit="none",
                 emit_reason="r")
    (tmp_path / "data" / "errors.yml").write_text(yaml.safe_dump([entry]), encoding="utf-8")
    with pytest.raises(atlas.AtlasError, match="entry 'demo': layer 'cloud' is not one of"):
        atlas.load_atlas(tmp_path)


def test_catalogue_layers_render_only_on_their_own_page():
    """error_catalogue(layer=...) renders a layer's entries on hands-on/errors/<layer>.md
    and nowhere else (the indexes link entries there); an unknown layer is refused."""
    from macros import atlas
    from macros.errors import MacroError

    entries, prov = atlas.load_atlas(ROOT)

    class Ctx:
        docs_dir = ROOT / "docs"

        def __init__(self, page):
            self.page = page

        def page_title(self, path):
            return path

        def current_page(self):
            return self.page

    qemu = atlas.error_catalogue(Ctx("hands-on/errors/qemu.md"), entries, prov, layer="qemu")
    assert "{ #kvm-permission-denied }" in qemu and "{ #libvirt-swtpm-setup-failed }" not in qemu
    with pytest.raises(MacroError, match="belongs on hands-on/errors/qemu.md"):
        atlas.error_catalogue(Ctx("hands-on/troubleshooting.md"), entries, prov, layer="qemu")
    with pytest.raises(MacroError, match="unknown layer"):
        atlas.error_catalogue(Ctx("hands-on/errors/qemu.md"), entries, prov, layer="firmware")
    overview = atlas.error_catalogue(Ctx("hands-on/troubleshooting.md"), entries, prov)
    assert "(errors/qemu.md#kvm-permission-denied)" in overview and "{ #kvm-permission-denied }" not in overview


def test_entry_body_is_boxed_below_its_heading(loaded):
    # extra.css lets the browser skip laying out .kb-entry boxes far from the
    # viewport; the heading must stay outside the box, or Material's table of
    # contents forces a layout of every entry when it reads heading positions.
    entries, prov = loaded
    e = next(e for e in entries if e["id"] == "vfio-group-not-viable")
    out = atlas.render_entry(e, prov, "[x](y.md)")
    heading, rest = out.split("\n\n", 1)
    assert heading.startswith("## ") and heading.endswith("{ #vfio-group-not-viable }")
    assert rest.startswith('<div class="kb-entry" markdown>\n\n') and out.endswith("\n\n</div>")
    assert out.count("<div") == 1 and "## " not in rest
    css = (ROOT / "docs" / "assets" / "stylesheets" / "extra.css").read_text(encoding="utf-8")
    assert re.search(r"\.kb-entry \{\s*content-visibility: auto;", css)
    # The last entry of a page is always laid out (its skipped box gave its
    # links made-up positions next to the links after it: Lighthouse target-size).
    assert re.search(r"\.kb-entry--last \{ content-visibility: visible; \}", css)
    page = atlas.catalogue_layer(entries, "guest", prov, lambda e: "[x](y.md)")
    assert page.count('<div class="kb-entry" markdown>') == 8
    assert page.rstrip().endswith("</div>") and page.count('<div class="kb-entry kb-entry--last" markdown>') == 1

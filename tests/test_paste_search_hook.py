"""The search-worker patch of hooks/paste_search.py: it applies to the installed
Material release, fails loudly when it cannot, and its query functions behave
as CONTRIBUTING.md describes (run with node, no browser needed)."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

import material

from hooks import paste_search

WORKERS = Path(material.__file__).parent / "templates" / "assets" / "javascripts" / "workers"


def site_with_worker(tmp_path: Path, text: str | None = None) -> Path:
    dest = tmp_path / "assets" / "javascripts" / "workers"
    dest.mkdir(parents=True)
    worker = next(WORKERS.glob("search.*.min.js"))
    (dest / worker.name).write_text(text if text is not None else worker.read_text(encoding="utf-8"))
    return dest / worker.name


def test_patch_applies_to_the_installed_material(tmp_path):
    worker = site_with_worker(tmp_path)
    paste_search.patch_worker(tmp_path)
    text = worker.read_text()
    assert text.startswith("function kbPlainQuery(q)")
    assert paste_search.PATCHED_METHOD in text and paste_search.SEARCH_METHOD not in text
    paste_search.patch_worker(tmp_path)          # a second run changes nothing
    assert worker.read_text() == text


def test_patch_fails_loudly_when_material_changes(tmp_path):
    site_with_worker(tmp_path, "class U{find(e){return e}}")
    with pytest.raises(PluginError, match="hooks/paste_search.py: .*no longer contains"):
        paste_search.patch_worker(tmp_path)


def node(script: str):
    if not shutil.which("node"):
        pytest.skip("node is not installed")
    js = paste_search.PLAIN_QUERY_JS + ";" + paste_search.RERANK_JS + ";" + script
    out = subprocess.run(["node", "-e", js], capture_output=True, text=True, timeout=30, check=True)
    return json.loads(out.stdout)


def test_plain_query_removes_lunr_syntax():
    got = node('console.log(JSON.stringify(['
               'kbPlainQuery("qemu-system-x86_64: -device vfio-pci: group 1 is not viable"),'
               'kbPlainQuery(\'Failed to get "write" lock\'), kbPlainQuery("memslot")]))')
    assert got == ["qemu system x86_64 device vfio pci group 1 is not viable", "Failed to get write lock", "memslot"]


def test_rerank_puts_the_exact_title_first_and_leaves_short_queries_alone():
    docs = ('[{"location":"a","title":"<code>Failed to get shared &quot;write&quot; lock</code>"},'
            '{"location":"b","title":"<code>Failed to get &quot;write&quot; lock</code>"}]')
    got = node(f'const r1=kbRerank(\'Failed to get "write" lock\',{{items:[{docs}]}});'
               f'const r2=kbRerank("write lock",{{items:[{docs}]}});'
               'console.log(JSON.stringify([r1.items[0][0].location, r2.items[0][0].location]))')
    assert got == ["b", "a"]

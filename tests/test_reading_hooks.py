"""Unit tests of the reader-layout hooks: hooks/code.py, scripts.py, tags.py,
onthispage.py and the verification summary (macros/verified.py)."""
from __future__ import annotations

from types import SimpleNamespace

from hooks.code import LONG, mark_long
from hooks.headerlinks import name_headerlinks
from hooks.onthispage import on_page_content
from hooks.scripts import label
from hooks.tags import add_meanings
from macros.verified import summary


def test_long_inline_code_may_wrap_short_code_and_blocks_stay():
    short, long_ = "KVM_GET_API_VERSION", "Documentation/virt/kvm/x86/running-nested-guests.rst"
    assert len(short) <= LONG < len(long_)
    out = mark_long(f"<p><code>{short}</code> <code>{long_}</code></p><pre><code>{long_}</code></pre>")
    assert f"<code>{short}</code>" in out
    assert f'<code class="kb-long">{long_}</code>' in out
    assert f"<pre><code>{long_}</code></pre>" in out
    assert mark_long("<code>accel/kvm/kvm-all.c</code> <code>kvm-intel.ko</code>") == (
        '<code class="kb-path">accel/kvm/kvm-all.c</code> <code>kvm-intel.ko</code>')


def test_whole_file_includes_get_a_title_and_a_run_line():
    md = '```sh\n--8<-- "examples/first-vm/ssh.sh"\n```\n\n=== "Tab"\n\n    ```python\n    --8<-- "examples/x/y.py"\n    ```\n'
    out = label(md, "../../")
    assert '```sh title="ssh.sh"\n--8<-- "examples/first-vm/ssh.sh"\n```' in out
    assert "<a href=\"../../examples/first-vm/ssh.sh\" download>" in out and "`sh ssh.sh`" in out
    assert '    ```python title="y.py"\n    --8<-- "examples/x/y.py"\n    ```' in out
    assert out.count("{: .kb-run }") == 1  # no run line for a Python module


def test_partial_includes_and_titled_blocks_are_left_alone():
    md = '```python\n--8<-- "examples/t/a.py:section"\n```\n```sh title="x"\n--8<-- "examples/a.sh"\n```\n'
    assert label(md) == md


def test_tags_page_says_what_each_tag_means():
    page = '<h2 id="tag:cpu">\n<span class="md-tag">cpu</span></h2>\n<ul></ul><h2 id="tag:zz">zz</h2>'
    out = add_meanings(page, {"cpu": "CPU virtualization (VMX, SVM) & <exits>"})
    assert '</h2>\n<p class="kb-tag-meaning">CPU virtualization (VMX, SVM) &amp; &lt;exits&gt;</p>' in out
    assert out.endswith('<h2 id="tag:zz">zz</h2>')


def _toc(n):
    child = [SimpleNamespace(id=f"s{i}", title=f"Section {i}", level=2, children=[]) for i in range(n)]
    return [SimpleNamespace(id="t", title="T", level=1, children=child)]


def test_on_this_page_only_for_pages_with_enough_sections():
    html = "<h1>T</h1><p>x</p>"
    page = SimpleNamespace(toc=_toc(3), file=SimpleNamespace(src_uri="a/b.md"))
    assert on_page_content(html, page, None, None) == html
    out = on_page_content(html, SimpleNamespace(toc=_toc(5), file=page.file), None, None)
    assert out.startswith('<h1>T</h1>\n<nav class="kb-onthispage" aria-label="On this page" data-search-exclude>')
    assert out.count("<li>") == 5 and '<a href="#s4">Section 4</a>' in out
    zh = on_page_content(html, SimpleNamespace(toc=_toc(5), file=SimpleNamespace(src_uri="a/b.zh.md")), None, None)
    assert 'aria-label="本页目录"' in zh and "本页目录（5 节）" in zh


def test_verification_summary_is_one_line():
    rec = {"date": "2026-11-25", "distribution": "Debian GNU/Linux 12 (bookworm)",
           "kvm_kind": "software KVM (kvm-pvm: no VT-x/AMD-V)", "qemu": "7.2.22", "libvirt": "9.0.0"}
    assert summary(rec) == "Verified 2026-11-25 on Debian 12 (bookworm), software KVM: QEMU 7.2.22, libvirt 9.0.0"
    assert summary({"date": "2026-11-25"}) == "Verified 2026-11-25"


def test_run_line_inside_a_tab_stays_in_the_tab():
    out = label('=== "Debian"\n\n    ```sh\n    --8<-- "examples/a/b.sh"\n    ```\n')
    assert out.endswith("run `sh b.sh`.\n    {: .kb-run }\n")


def test_section_links_get_a_name_and_no_title():
    html = '<h2 id="a">A<a class="headerlink" href="#a">&para;</a></h2>'
    assert name_headerlinks(html) == '<h2 id="a">A<a class="headerlink" href="#a" aria-label="Link to this section">&para;</a></h2>'
    assert 'aria-label="本节链接"' in name_headerlinks(html, "zh")
    named = '<a class="headerlink" href="#a" aria-label="x">'
    assert name_headerlinks(named) == named

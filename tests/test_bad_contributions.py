"""Bad contributions fail the build with a message naming the file (the page, or the data entry).

Each case copies the project to a temporary directory, adds one bad page
(listed in nav unless the case is about nav), builds with --strict, and
checks that the build fails and that the output names the page and the
problem. The builds run two at a time.
"""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sitebuild import build, copy_project

pytestmark = pytest.mark.slow  # a build per case; make test runs them, make check does not

PAGE = "architecture/bad-page.md"

FRONT = """---
title: A bad page
description: A page that a test adds to check the build's error messages.
type: explanation
tags: [architecture]
---

# A bad page

"""
SOURCES = "\n\n## Sources\n\n- Nothing.\n"

# name: (page text, in nav?, regex the output must match; {page} is the page path)
CASES = {
    "broken link": (FRONT + "See [the page](no-such-page.md)." + SOURCES, True,
                    r"Doc file '{page}' contains a link 'no-such-page\.md', but the target .* is not found"),
    "broken anchor": (FRONT + "See [the loop](run-loop.md#no-such-anchor)." + SOURCES, True,
                      r"Doc file '{page}' contains a link 'run-loop\.md#no-such-anchor', but the doc .* does not contain an anchor"),
    "unknown tag": (FRONT.replace("[architecture]", "[architecture, made-up-tag]") + "Text." + SOURCES, True,
                    r"docs/{page}: tag 'made-up-tag' is not allowed"),
    "missing description": (FRONT.replace("description: A page that a test adds to check the build's error messages.\n", "")
                            + "Text." + SOURCES, True, r"docs/{page}: front matter: missing 'description'"),
    "undefined macro variable": (FRONT + "Linux {{ versions.linuz }} is pinned." + SOURCES, True,
                                 r"`{page}`[\s\S]*UndefinedError[\s\S]*linuz"),
    "unclosed Jinja tag": (FRONT + "Pinned: {{ versions.linux " + SOURCES, True,
                           r"Macro Syntax Error[\s\S]*`{page}`[\s\S]*Line \d+ in Markdown file"),
    "template-injection payload": (FRONT + "{{ cycler.__init__.__globals__.os.popen('id').read() }}" + SOURCES, True,
                                   r"`{page}`[\s\S]*SecurityError[\s\S]*unsafe"),
    "page missing from the nav": (FRONT + "Text." + SOURCES, False,
                                  r"not included in the \"nav\" configuration:\s*\n\s*- {page}"),
    "snippet of a missing file": (FRONT + "```sh\n--8<-- \"examples/no-such-file.sh\"\n```\n" + SOURCES, True,
                                  r"Error reading page '{page}'.*Snippet at path '?examples/no-such-file\.sh'? could not be found"),
    "snippet from outside the repo": (FRONT + "```text\n--8<-- \"../../../../../../etc/passwd\"\n```\n" + SOURCES, True,
                                      r"Error reading page '{page}'.*Snippet at path .*etc/passwd'? could not be found"),
    "placeholder text": (FRONT + "The details are TBD." + SOURCES, True, r"docs/{page}: placeholder text 'TBD'"),
    "no sources section": (FRONT + "Text without sources.\n", True, r"docs/{page}: has no '## Sources' section"),
    "unverified source path": (FRONT + "See {{ linux_src('virt/kvm/not_a_real_file.c') }}." + SOURCES, True,
                               r"`{page}`[\s\S]*source path 'virt/kvm/not_a_real_file\.c' is not listed"),
    "keywords_zh without Chinese": (FRONT.replace("tags: [architecture]\n", "tags: [architecture]\nkeywords_zh: [memory]\n")
                                    + "Text." + SOURCES, True,
                                    r"docs/{page}: front matter 'keywords_zh' must be a list of Chinese terms"),
    "hand-written source link": (FRONT + "See [x](https://elixir.bootlin.com/linux/v6.1/source/virt/kvm/kvm_main.c)."
                                 + SOURCES, True, r"docs/{page}: hand-written source-tree link"),
}


def replace_in(rel: str, pattern: str, repl: str):
    """A data-file edit: the first match of `pattern` in `rel` replaced."""
    def edit(project: Path) -> None:
        path = project / rel
        text = path.read_text()
        new = re.sub(pattern, repl, text, count=1, flags=re.M)
        assert new != text, f"{rel}: {pattern!r} not found"
        path.write_text(new)
    return edit


# name: (edit of a data file, regex the output must match). The message names
# the data file and the entry by its id, not a generated page.
DATA_CASES = {
    "misspelt FAQ field": (replace_in("data/faq/storage.yml", r"^(\s+)links:", r"\1linkz:"),
                           r"data/faq/storage\.yml: entry 'qcow2-or-raw': unknown field 'linkz' \(did you mean 'links'\?\)"),
    "bad anchor in an FAQ link": (
        replace_in("data/faq/storage.yml", r"^(\s+links:\s*\n\s+- |\s+links: \[)([^\]\n#,]+)", r"\1\2#no-such-anchor"),
        r"data/faq/storage\.yml: entry 'qcow2-or-raw': link '[^']+#no-such-anchor': the doc '[^']+' does not "
        r"contain an anchor '#no-such-anchor'"),
    "misspelt error-catalogue field": (replace_in("data/errors.yml", r"^(\s+)meaning:", r"\1meanign:"),
                                       r"data/errors\.yml: entry '[a-z0-9-]+': unknown field 'meanign' \(did you mean 'meaning'\?\)"),
    "source path listed twice": (replace_in("data/source-files/core.yml", r"^(linux:\n)(  - (\S+)\n)", r"\1\2\2"),
                                 r"data/source-files/core\.yml: linux: '\S+' is listed twice; remove one"),
}


def add_page(project: Path, text: str, in_nav: bool) -> None:
    (project / "docs" / PAGE).write_text(text)
    if in_nav:
        config = project / "mkdocs.yml"
        src = config.read_text()
        anchor = "      - architecture/myths.md\n"
        assert anchor in src
        config.write_text(src.replace(anchor, anchor + f"      - {PAGE}\n", 1))


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    def run(name):
        text, in_nav, _ = CASES[name]
        project = copy_project(tmp_path_factory.mktemp("bad") / "project")
        add_page(project, text, in_nav)
        return name, build(project, project / "site", timeout=900)

    def run_data(name):
        project = copy_project(tmp_path_factory.mktemp("bad-data") / "project")
        DATA_CASES[name][0](project)
        return name, build(project, project / "site", timeout=900)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return {**dict(pool.map(run, CASES)), **dict(pool.map(run_data, DATA_CASES))}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_page_fails_with_clear_message(case, results):
    result = results[case]
    pattern = CASES[case][2].format(page=re.escape(PAGE))
    assert result.returncode != 0, f"{case}: the build passed\n{result.output[-3000:]}"
    assert re.search(pattern, result.output, re.S), f"{case}: message not found\n{result.output[-4000:]}"
    # One line the closing report can quote: the case and the first matching message line.
    line = next((ln for ln in result.output.splitlines() if PAGE in ln or "bad-page" in ln), "")
    print(f"\n[{case}] {line.strip()[:200]}")


@pytest.mark.parametrize("case", list(DATA_CASES))
def test_bad_data_fails_naming_the_data_file_and_entry(case, results):
    result = results[case]
    assert result.returncode != 0, f"{case}: the build passed\n{result.output[-3000:]}"
    assert re.search(DATA_CASES[case][1], result.output), f"{case}: message not found\n{result.output[-4000:]}"
    assert "Traceback" not in result.output, f"{case}: a traceback instead of a message\n{result.output[-4000:]}"
    line = next((ln for ln in result.output.splitlines() if re.search(DATA_CASES[case][1], ln)), "")
    print(f"\n[{case}] {line.strip()[:200]}")


def test_shell_text_renders_verbatim(tmp_path):
    project = copy_project(tmp_path / "project")
    shell = [
        "docker inspect --format '{{.State.Pid}}' web",
        'echo "${#arr[@]} items"',
        "{% if x %}not a template{% endif %}",
        "{# not a comment #}",
    ]
    body = FRONT + "```sh\n" + "\n".join(shell) + "\n```\n\nInline: `{{.State.Pid}}`.\n\nProse: ${#arr[@]} stays.\n" + SOURCES
    add_page(project, body, True)
    result = build(project, project / "site")
    assert result.returncode == 0, result.output[-4000:]
    html = (project / "site" / "architecture" / "bad-page" / "index.html").read_text()
    text = re.sub(r"<[^>]+>", "", html).replace("&#39;", "'").replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    for line in shell + ["{{.State.Pid}}", "${#arr[@]} stays"]:
        assert line in text, line

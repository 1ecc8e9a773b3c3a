"""make serve (scripts/serve.py): the preview follows every edit, shows errors, recovers.

MkDocs' live-reload script long-polls /livereload/<epoch>/<request-id>; the
server answers with a new epoch once a rebuild after a file change is done,
and the page then reloads. The live tests play the browser's part against one
server on a copy of the project; each leaves the copy as it found it. The
unit tests check which pages an edit rebuilds.
"""
from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from sitebuild import ROOT, copy_project, free_port, stop

_spec = importlib.util.spec_from_file_location("kvmkb_serve", ROOT / "scripts" / "serve.py")
serve = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = serve  # dataclasses look their module up
_spec.loader.exec_module(serve)


# -- which pages an edit rebuilds (unit) --------------------------------------------

FM = "---\ntitle: T\ndescription: D.\n---\n"
SOURCES = {
    "a.md": FM + "Text of a.",
    "faq/concepts.md": FM + '{{ faq_category("concepts") }}',
    "faq/index.md": FM + "{{ faq_index() }}",
    "faq/storage.md": FM + "{{ faq_category('storage') }}",
    "hands-on/lab.md": FM + '--8<-- "examples/lab/run.sh"\n{{ verified("lab") }}',
    "hands-on/trouble.md": FM + "{{ error_catalogue() }}",
    "reference/tags.md": FM + "<!-- material/tags -->",
}
FRONT = {k: serve.front_matter(v) for k, v in SOURCES.items()}


def plan(*changed, added=()):
    return serve.plan_rebuild(set(changed), set(added), SOURCES, FRONT)


def test_page_text_edit_rebuilds_that_page_only():
    assert plan("docs/a.md") == {"a.md"}


def test_front_matter_edit_rebuilds_everything():
    sources = {**SOURCES, "a.md": FM.replace("title: T", "title: New") + "Text of a."}
    assert serve.plan_rebuild({"docs/a.md"}, set(), sources, FRONT) is None


@pytest.mark.parametrize(
    "changed, pages",
    [
        ("data/faq/concepts.yml", {"faq/concepts.md", "faq/index.md"}),
        ("data/errors.yml", {"hands-on/trouble.md"}),
        ("data/verified/lab.json", {"hands-on/lab.md"}),
        ("examples/lab/run.sh", {"hands-on/lab.md"}),
        ("docs/assets/stylesheets/extra.css", set()),
    ],
)
def test_data_and_example_edits_rebuild_the_pages_that_use_them(changed, pages):
    assert plan(changed) == pages


@pytest.mark.parametrize(
    "changed", ["mkdocs.yml", "data/versions.yml", "data/glossary/core.yml", "macros/faq.py",
                "hooks/policy.py", "overrides/main.html", "docs/reference/tags.md"],
)
def test_edits_that_can_change_every_page_rebuild_everything(changed):
    assert plan(changed) is None


def test_added_page_rebuilds_everything():
    assert plan(added={"docs/new.md"}) is None


def test_search_index_merge_replaces_rebuilt_pages_only():
    old = {"config": {}, "docs": [{"location": "a/", "text": "old"}, {"location": "a/#x", "text": "old"},
                                  {"location": "b/", "text": "b"}]}
    new = {"config": {"lang": ["en"]}, "docs": [{"location": "a/", "text": "new"}]}
    merged = serve.merge_search_index(old, new)
    assert merged["config"] == {"lang": ["en"]}
    assert sorted((d["location"], d["text"]) for d in merged["docs"]) == [("a/", "new"), ("b/", "b")]


# -- the live server -------------------------------------------------------------------


def get(url: str, timeout: float = 60) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("serve") / "project")
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1",
           "KVMKB_ZH": os.environ.get("KVMKB_ZH", "false")}  # as make serve: English only unless asked
    env.pop("KVMKB_STRICT", None)
    env.pop("KVMKB_MACROS_FAIL", None)
    log = open(project.parent / "serve.log", "w+")  # noqa: SIM115 - read by the tests
    proc = subprocess.Popen(
        [sys.executable, "scripts/serve.py", "-a", f"127.0.0.1:{port}"],
        cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}/kvm-knowledge-base/"
    deadline = time.monotonic() + 300
    while True:
        try:
            get(base, timeout=5)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                stop(proc)
                log.seek(0)
                pytest.fail(f"make serve did not start:\n{log.read()[-3000:]}")
            time.sleep(0.5)
    yield project, base, f"http://127.0.0.1:{port}", log
    stop(proc)
    log.close()


def epoch_of(base: str, page: str) -> tuple[str, str]:
    status, html = get(base + page)
    m = re.search(r"livereload\((\d+),\s*(\d+)\)", html)
    assert m, f"the served page ({status}) has no live-reload script"
    return m.group(1), m.group(2)


def wait_for_new_epoch(origin: str, epoch: str, request_id: str, limit: float = 180) -> str:
    """Poll like the browser does until the server reports a newer build."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        new = get(f"{origin}/livereload/{epoch}/{request_id}", timeout=90)[1].strip()
        if new != epoch:
            return new
    pytest.fail("the server never reported a rebuild")


def edit_and_wait(server, page: str, path: str, change) -> tuple[int, str]:
    """Apply `change` to the file `path` of the project; return the page after the reload."""
    project, base, origin, _ = server
    epoch, request_id = epoch_of(base, page)
    target = project / path
    target.write_text(change(target.read_text(encoding="utf-8")), encoding="utf-8")
    wait_for_new_epoch(origin, epoch, request_id)
    return get(base + page)


@pytest.fixture
def restore(server):
    """Put back every file a test changed, and wait until the site builds cleanly again."""
    project, base, origin, _ = server
    saved: dict[Path, str] = {}

    def keep(path: str) -> str:
        saved[project / path] = (project / path).read_text(encoding="utf-8")
        return path

    yield keep
    epoch, request_id = epoch_of(base, "")
    for p, text in saved.items():
        p.write_text(text, encoding="utf-8")
    wait_for_new_epoch(origin, epoch, request_id)
    assert get(base)[0] == 200


@pytest.mark.slow
def test_page_edit_is_shown(server, restore):
    marker = f"Live reload marker {time.time_ns()}"
    status, html = edit_and_wait(server, "reference/", restore("docs/reference/index.md"),
                                 lambda t: t + f"\n{marker}\n")
    assert status == 200 and marker in html


@pytest.mark.slow
def test_data_edit_is_shown(server, restore):
    """data/ is watched: an FAQ answer edited in YAML appears on its page."""
    marker = f"Data edit marker {time.time_ns()}"
    path = restore("data/faq/storage.yml")
    status, html = edit_and_wait(
        server, "faq/storage/", path,
        lambda t: re.sub(r"^(\s+)a: \|\n", lambda m: f"{m.group(0)}{m.group(1)}  {marker}\n\n", t, count=1, flags=re.M),
    )
    assert status == 200 and marker in html


@pytest.mark.slow
def test_example_edit_is_shown(server, restore):
    """examples/ is watched: a change to an included program appears on the page that includes it."""
    project, base, *_ = server
    page = project / "docs" / "hands-on" / "check-host.md"
    included = re.findall(r'--8<-- "(examples/[^":]+)', page.read_text(encoding="utf-8"))
    assert included, "check-host.md includes no example"
    marker = f"example_edit_marker_{time.time_ns()}"
    status, html = edit_and_wait(server, "hands-on/check-host/", restore(included[0]),
                                 lambda t: t + f"\n# {marker}\n")
    assert status == 200 and marker in html


@pytest.mark.slow
def test_asset_edit_is_served(server, restore):
    """A stylesheet edit rebuilds no page but is copied to the served site."""
    project, base, origin, _ = server
    marker = f"/* asset marker {time.time_ns()} */"
    epoch, request_id = epoch_of(base, "")
    path = project / restore("docs/assets/stylesheets/extra.css")
    path.write_text(path.read_text() + marker + "\n")
    wait_for_new_epoch(origin, epoch, request_id)
    status, css = get(base + "assets/stylesheets/extra.css")
    assert status == 200 and marker in css


@pytest.mark.slow
def test_macro_error_is_shown_in_the_page(server, restore):
    status, html = edit_and_wait(server, "reference/", restore("docs/reference/index.md"),
                                 lambda t: t + "\nBroken: {{ versions.nope }}\n")
    assert "Macro Rendering Error" in html and "reference/index.md" in html and "nope" in html


@pytest.mark.slow
def test_bad_faq_entry_shows_an_error_page_and_the_server_recovers(server, restore):
    """A data error fails the build: every page shows it, nothing hangs, the fix brings the site back."""
    project, base, origin, log = server
    path = restore("data/faq/concepts.yml")
    original = (project / path).read_text(encoding="utf-8")
    status, html = edit_and_wait(server, "faq/concepts/", path, lambda t: re.sub(r"^(\s+)links:", r"\1linkz:", t, count=1, flags=re.M))
    assert status == 500, "a failed build is served as an error page"
    assert "data/faq/concepts.yml" in html and "linkz" in html
    assert get(base + "architecture/", timeout=20)[0] == 500, "the server answers at once, it does not hang"
    log.seek(0)
    assert "data/faq/concepts.yml" in log.read(), "the terminal shows the message too"
    # The error page carries the live-reload script: fixing the file reloads it.
    epoch, request_id = epoch_of(base, "faq/concepts/")
    (project / path).write_text(original, encoding="utf-8")
    wait_for_new_epoch(origin, epoch, request_id)
    status, html = get(base + "faq/concepts/")
    assert status == 200 and "The build failed" not in html


@pytest.mark.slow
def test_unknown_tag_shows_allowed_tags(server, restore):
    project, base, origin, _ = server
    path = restore("docs/architecture/run-loop.md")
    status, html = edit_and_wait(server, "architecture/run-loop/", path,
                                 lambda t: re.sub(r"^tags:\s*\n", "tags:\n  - nope\n", t, count=1, flags=re.M)
                                 if re.search(r"^tags:\s*$", t, re.M)
                                 else re.sub(r"^tags: \[", "tags: [nope, ", t, count=1, flags=re.M))
    assert "tag &#x27;nope&#x27; is not allowed" in html or "tag 'nope' is not allowed" in html
    assert "architecture, " in html and "docs/architecture/run-loop.md" in html

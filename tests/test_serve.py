"""make serve: the development server rebuilds and the browser reloads on edit.

MkDocs' live-reload script long-polls /livereload/<epoch>/<request-id>; the
server answers with a new epoch once a rebuild after a file change is done,
and the page then reloads. This test plays the browser's part.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request

import pytest

from sitebuild import copy_project, free_port, stop


def get(url: str, timeout: float = 60) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return resp.read().decode()


@pytest.fixture
def server(tmp_path):
    project = copy_project(tmp_path / "project")
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "KVMKB_STRICT": "false", "KVMKB_MACROS_FAIL": "false",
           "KVMKB_ZH": os.environ.get("KVMKB_ZH", "false")}  # as make serve: English only unless asked
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-a", f"127.0.0.1:{port}"],
        cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}/kvm-knowledge-base/"
    deadline = time.monotonic() + 180
    while True:
        try:
            get(base, timeout=5)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                stop(proc)
                pytest.fail(f"mkdocs serve did not start:\n{proc.stdout.read()[-3000:]}")
            time.sleep(0.5)
    yield project, base, f"http://127.0.0.1:{port}"
    stop(proc)


def wait_for_new_epoch(origin: str, epoch: str, request_id: str, limit: float = 180) -> str:
    """Poll like the browser does until the server reports a newer build."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        new = get(f"{origin}/livereload/{epoch}/{request_id}", timeout=90).strip()
        if new != epoch:
            return new
    pytest.fail("the server never reported a rebuild")


def test_edit_triggers_rebuild_and_reload(server):
    project, base, origin = server
    page = base + "reference/"
    html = get(page)
    m = re.search(r"livereload\((\d+),\s*(\d+)\)", html)
    assert m, "the served page has no live-reload script"
    epoch, request_id = m.groups()
    target = project / "docs" / "reference" / "index.md"
    marker = f"Live reload marker {time.time_ns()}"
    target.write_text(target.read_text() + f"\n{marker}\n")
    start = time.monotonic()
    # The long poll returns the new epoch once the rebuild is done.
    new_epoch = wait_for_new_epoch(origin, epoch, request_id)
    latency = time.monotonic() - start
    assert new_epoch != epoch
    assert marker in get(page)
    print(f"\nlive reload: rebuilt and signalled in {latency:.1f} s")


def test_macro_error_is_shown_and_server_keeps_running(server):
    project, base, origin = server
    target = project / "docs" / "reference" / "index.md"
    html = get(base + "reference/")
    epoch, request_id = re.search(r"livereload\((\d+),\s*(\d+)\)", html).groups()
    target.write_text(target.read_text() + "\nBroken: {{ versions.nope }}\n")
    wait_for_new_epoch(origin, epoch, request_id)
    html = get(base + "reference/")
    assert "Macro Rendering Error" in html and "reference/index.md" in html
    assert "nope" in html

"""make sources (scripts/sources.py): listed source paths checked against a release tree.

This machine cannot reach kernel.org, qemu.org or libvirt.org, so these tests
build small stand-in trees (a git clone with a release tag, an unpacked
release, a release tarball) and check that the command finds present paths,
reports missing ones with their list file, and refuses a tree of another
release.
"""
from __future__ import annotations

import importlib.util
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from sitebuild import ROOT

_spec = importlib.util.spec_from_file_location("kvmkb_sources", ROOT / "scripts" / "sources.py")
sources = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = sources
_spec.loader.exec_module(sources)

FILES = ["Makefile", "virt/kvm/kvm_main.c", "arch/x86/kvm/x86.c", "include/uapi/linux/kvm.h"]
MAKEFILE = "VERSION = 6\nPATCHLEVEL = 18\nSUBLEVEL = 0\nEXTRAVERSION =\n"


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    (root / "data" / "source-files").mkdir(parents=True)
    (root / "data" / "versions.yml").write_text('linux: "6.18"\nqemu: "10.1.0"\nlibvirt: "11.10.0"\n')
    (root / "data" / "source-files" / "core.yml").write_text(
        "linux:\n  - virt/kvm/kvm_main.c\n  - arch/x86/kvm/\n  - virt/kvm/made_up.c\n")
    return root


def make_tree(top: Path, makefile: str = MAKEFILE) -> Path:
    for f in FILES:
        (top / f).parent.mkdir(parents=True, exist_ok=True)
        (top / f).write_text(makefile if f == "Makefile" else "/* */\n")
    return top


def run(project, capsys, *args):
    status = sources.main(["--root", str(project), *args])
    return status, capsys.readouterr().out


def test_git_clone_is_read_at_the_pinned_tag(project, tmp_path, capsys):
    repo = make_tree(tmp_path / "linux")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "release"], check=True)
    subprocess.run([*git, "tag", "v6.18"], check=True)
    # Files removed after the tag do not matter: the tag is what is checked.
    subprocess.run([*git, "rm", "-q", "virt/kvm/kvm_main.c"], check=True)
    status, out = run(project, capsys, "--linux", str(repo))
    assert status == 1
    assert ("data/source-files/core.yml: linux: 'virt/kvm/made_up.c' does not exist at v6.18" in out)
    assert "kvm_main.c' does not" not in out and "arch/x86/kvm/' does not" not in out
    assert "2 of 3 listed paths found" in out


def test_unpacked_release_of_the_pinned_version(project, tmp_path, capsys):
    top = make_tree(tmp_path / "linux-6.18")
    (project / "data" / "source-files" / "core.yml").write_text("linux:\n  - virt/kvm/kvm_main.c\n  - arch/x86/kvm/\n")
    assert run(project, capsys, "--linux", str(top))[0] == 0


def test_tree_of_another_release_is_refused(project, tmp_path, capsys):
    top = make_tree(tmp_path / "linux-6.12", MAKEFILE.replace("18", "12"))
    with pytest.raises(SystemExit, match="release 6.12, not the pinned 6.18"):
        run(project, capsys, "--linux", str(top))


def test_release_tarball(project, tmp_path, capsys):
    top = make_tree(tmp_path / "src" / "linux-6.18")
    tarball = tmp_path / "linux-6.18.tar.gz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(top, arcname="linux-6.18")
    status, out = run(project, capsys, "--linux", str(tarball))
    assert status == 1 and "'virt/kvm/made_up.c' does not exist" in out


def test_tree_not_given_is_reported_not_passed(project, capsys):
    status, out = run(project, capsys)
    assert status == 2 and "linux: 3 listed paths NOT checked" in out


def test_release_urls():
    assert sources.release_url("linux", "6.18") == "https://cdn.kernel.org/pub/linux/kernel/v6.x/linux-6.18.tar.xz"
    assert sources.release_url("qemu", "10.1.0") == "https://download.qemu.org/qemu-10.1.0.tar.xz"
    assert sources.release_url("libvirt", "11.10.0") == "https://download.libvirt.org/libvirt-11.10.0.tar.xz"

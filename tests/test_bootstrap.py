"""scripts/bootstrap: the backports suite is added when missing and the
packages of deps/apt/backports.txt are installed from it, the rest from the
main suite (checked with `scripts/bootstrap plan` on fake APT files)."""
import os
import subprocess

from kbtest import ROOT


def plan(tmp_path, os_release):
    (tmp_path / "os-release").write_text(os_release)
    apt = tmp_path / "apt"
    (apt / "sources.list.d").mkdir(parents=True, exist_ok=True)
    (apt / "sources.list.d" / "debian.sources").write_text(
        "Types: deb\nURIs: http://mirror.invalid/debian\nSuites: bookworm bookworm-updates\nComponents: main\n")
    env = dict(os.environ, OS_RELEASE=str(tmp_path / "os-release"), APT_ETC=str(apt))
    proc = subprocess.run([ROOT / "scripts" / "bootstrap", "plan"], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stderr, apt


def backported():
    lines = (ROOT / "deps" / "apt" / "backports.txt").read_text().splitlines()
    return {w for line in lines for w in line.split("#")[0].split()}


def test_backports_list_names_qemu_and_libvirt():
    assert {"qemu-system-x86", "qemu-utils", "libvirt-daemon-system", "libvirt-clients"} <= backported()


def test_bookworm_adds_the_suite_once(tmp_path):
    out, apt = plan(tmp_path, "ID=debian\nVERSION_CODENAME=bookworm\n")
    added = apt / "sources.list.d" / "bookworm-backports.sources"
    assert added.is_file(), out
    text = added.read_text()
    assert "Suites: bookworm-backports" in text and "URIs: http://mirror.invalid/debian" in text
    assert "backports suite: bookworm-backports" in out
    main = out.split("from the main suite:", 1)[1].split()
    assert not backported() & set(main), "backported packages must not also come from the main suite"
    assert "virtinst" in main and "ovmf" in main
    out2, _ = plan(tmp_path, "ID=debian\nVERSION_CODENAME=bookworm\n")
    assert "adding" not in out2, "the suite was added a second time"


def test_no_backports_elsewhere(tmp_path):
    out, apt = plan(tmp_path, "ID=ubuntu\nVERSION_CODENAME=noble\n")
    assert "backports suite: none" in out
    assert not list((apt / "sources.list.d").glob("*backports*"))
    assert "qemu-system-x86" in out.split("from the main suite:", 1)[1].split()

"""Shared helpers and fixtures for the hands-on guide and lab tests.

The tests run the very scripts that the pages include (examples/...), with
environment variables that swap in local stand-ins where a reader's step
needs what CI cannot have (see the stand-in notes on each page):

* a downloaded cloud image -> an empty qcow2 file with the same name, plus
  direct kernel boot of the host's Debian cloud kernel and a BusyBox
  initramfs built by examples/common/make-standin.sh;
* hardware KVM for a Linux guest -> TCG (ACCEL=tcg); the tiny multiboot
  kernel of the boot lab does run under KVM here;
* libvirt's NAT network or a real bridge -> no network, or a bridge inside a
  network namespace that the test creates.

Every fixture cleans up (processes, domains, files) in a finalizer, so a
failing test leaves nothing running.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from kbtest import (  # noqa: F401  (shared helpers, see tests/kbtest.py)
    IN_CI,
    ROOT,
    check_transcript,
    missing,
    record_verified,
    require_cmd,
    require_kvm,
    require_root,
)

EXAMPLES = ROOT / "examples"
CACHE = Path(os.environ.get("KVMKB_CACHE", "/var/tmp/kvmkb"))


def run(argv, *, timeout=60, check=True, env=None, cwd=None, input=None):
    """Run a command with a time bound; return the CompletedProcess."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    full_env.setdefault("LC_ALL", "C")
    proc = subprocess.run(
        [str(a) for a in argv], capture_output=True, text=True, timeout=timeout,
        env=full_env, cwd=cwd, input=input if input is not None else "",
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, argv))} exited with {proc.returncode}\n"
            f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
        )
    return proc


def sh(script, *args, **kw):
    """Run one of the example shell scripts with /bin/sh."""
    return run(["sh", EXAMPLES / script, *args], **kw)


class Background:
    """A process started in its own process group, killed on close()."""

    def __init__(self, argv, *, env=None, cwd=None, stdout=None):
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.out = stdout
        self.proc = subprocess.Popen(
            [str(a) for a in argv], env=full_env, cwd=cwd, stdin=subprocess.DEVNULL,
            stdout=stdout or subprocess.DEVNULL, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def close(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


def wait_for(predicate, timeout, what, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def cloud_kernel() -> Path:
    kernels = sorted(Path("/boot").glob("vmlinuz-*-cloud-amd64"))
    if not kernels:
        missing("no /boot/vmlinuz-*-cloud-amd64: install linux-image-cloud-amd64")
    return kernels[-1]


@pytest.fixture(scope="session")
def standin():
    """The stand-in guest (kernel + BusyBox initramfs), built once and cached."""
    require_cmd("busybox", "cpio", "gzip", "qemu-system-x86_64")
    kernel = cloud_kernel()
    out = CACHE / "standin"
    script = EXAMPLES / "common" / "make-standin.sh"
    initrd = out / "initrd.gz"
    stale = (not initrd.exists() or initrd.stat().st_mtime < script.stat().st_mtime
             or not (out / "vmlinuz").exists()
             or (out / "vmlinuz").stat().st_size != kernel.stat().st_size)
    if stale:
        sh("common/make-standin.sh", out, env={"KERNEL": str(kernel)}, timeout=120)
    os.chmod(CACHE, 0o755)
    os.chmod(out, 0o755)
    return {"kernel": out / "vmlinuz", "initrd": initrd}


@pytest.fixture(scope="session")
def hello_elf(tmp_path_factory):
    """The boot lab's multiboot kernel, assembled with GNU as/ld."""
    require_cmd("as", "ld")
    out = tmp_path_factory.mktemp("hello")
    sh("boot-kernel/build.sh", env={"OUT": str(out)})
    return out / "hello.elf"


def _pids(name: str) -> set[int]:
    proc = run(["pgrep", "-x", name], check=False)
    return {int(p) for p in proc.stdout.split()}


@pytest.fixture(scope="session")
def libvirt_daemons():
    """virtlogd + libvirtd started by the example script; stopped afterwards
    if this fixture started them (by PID, never by name)."""
    require_root()
    require_cmd("libvirtd", "virtlogd", "virsh", "virt-install", "virt-xml-validate")
    before = _pids("libvirtd") | _pids("virtlogd")
    out = sh("libvirt/start-daemons-nosystemd.sh", timeout=120).stdout
    started = (_pids("libvirtd") | _pids("virtlogd")) - before
    # Network rule: tests never run a libvirt network.  If the daemon we just
    # started autostarted one (a host configured that way), stop it and fail.
    active = virsh("net-list", "--name", check=False).stdout.split()
    if active and started:
        for net in active:
            virsh("net-destroy", net, check=False)
        pytest.fail(f"libvirtd autostarted network(s) {active}; stopped them. Run "
                    f"'virsh net-autostart --disable' for them on this machine.", pytrace=False)
    yield out
    for pid in started:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


SWTPM_CA = "/var/lib/swtpm-localca"


@pytest.fixture(scope="session")
def swtpm_ready():
    """libvirt can create a TPM's state: windows/swtpm-check.sh passes.

    If it fails because the local CA's directory is not the swtpm user's
    (the commonest cause of "Could not run '/usr/bin/swtpm_setup'"), the
    page's own fix, windows/swtpm-fix-localca.sh, is applied once and said
    so; any other failure stops the TPM tests with swtpm_setup's log."""
    require_root()
    require_cmd("swtpm", "swtpm_setup", "runuser")
    first = sh("windows/swtpm-check.sh", check=False, timeout=120)
    if first.returncode == 0:
        return first.stdout
    if "Need read/write rights on" in first.stdout:
        user = re.search(r"swtpm user \(from [^)]*\): (\S+)", first.stdout).group(1)
        fixed = sh("windows/swtpm-fix-localca.sh", env={"SWTPM_USER": user}, timeout=60)
        print(f"\nswtpm: {SWTPM_CA} was not writable by {user}; swtpm-fix-localca.sh gave it back "
              f"({fixed.stdout.strip()})")
        again = sh("windows/swtpm-check.sh", check=False, timeout=120)
        if again.returncode == 0:
            return again.stdout
        first = again
    pytest.fail("libvirt cannot create TPM state on this machine: windows/swtpm-check.sh printed\n"
                f"{first.stdout}{first.stderr}", pytrace=False)


def virsh(*args, check=True, timeout=60):
    return run(["virsh", "--connect", "qemu:///system", *args], check=check, timeout=timeout)


def remove_domain(name: str):
    """Destroy and undefine a libvirt domain if it exists (cleanup helper)."""
    if virsh("domstate", name, check=False).returncode != 0:
        return
    virsh("destroy", name, check=False, timeout=30)
    virsh("undefine", name, check=False, timeout=30)


def validate_xml(path: Path, kind: str):
    proc = run(["virt-xml-validate", path, kind])
    assert "validates" in proc.stdout + proc.stderr, proc.stdout + proc.stderr


IMAGES = Path("/var/lib/libvirt/images")


def claim_domain(name: str):
    """Tests use the page's own names (demo, lab) so transcripts match what a
    reader sees.  Refuse to touch a domain of that name that the test did not
    create."""
    if virsh("domstate", name, check=False).returncode == 0:
        missing(f"a libvirt domain named '{name}' already exists on this host; "
                "the test will not touch it (remove it or run on a clean machine)")


def claim_pool(name: str):
    if virsh("pool-info", name, check=False).returncode == 0:
        missing(f"a libvirt storage pool named '{name}' already exists; the test will not touch it")


def remove_pools_for(directory: Path):
    """virt-install defines a storage pool for every directory that holds a
    disk it is given; remove those pools again (they are only metadata)."""
    listing = virsh("pool-list", "--all", "--name", check=False).stdout.split()
    for pool in listing:
        xml = virsh("pool-dumpxml", pool, check=False).stdout
        if f"<path>{directory}</path>" in xml:
            virsh("pool-destroy", pool, check=False)
            virsh("pool-undefine", pool, check=False)

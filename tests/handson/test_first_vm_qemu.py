"""Runs every step of docs/hands-on/first-vm-qemu.md.

Stand-ins (the page states them): the "cloud image" is an empty qcow2 file
named like Debian's, so prepare.sh builds a real overlay and a real seed;
run-qemu.sh boots with ACCEL=tcg CPU=max and, through KERNEL/INITRD/APPEND,
the host's Debian cloud kernel with a BusyBox initramfs whose init reports
the disks it sees and answers on port 22 with a banner instead of sshd."""
import os
import re
import socket
import subprocess
import time

import pytest

from handson_common import IN_CI, check_transcript, record_verified, require_cmd
from handson_common import EXAMPLES, Background, run, sh, standin, wait_for  # noqa: F401

pytestmark = pytest.mark.system
T = EXAMPLES / "first-vm" / "transcripts"
IMAGE = "debian-12-genericcloud-amd64.qcow2"
RESULTS = {}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    require_cmd("qemu-img", "ssh-keygen", "cloud-localds", "xorriso")
    d = tmp_path_factory.mktemp("first-vm")
    run(["qemu-img", "create", "-q", "-f", "qcow2", d / IMAGE, "2G"])
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "reader@laptop", "-f", d / "id_ed25519"])
    return d


def test_install_scripts_parse():
    for name in ("install-debian.sh", "install-fedora.sh", "install-arch.sh", "download-image.sh", "ssh.sh"):
        run(["sh", "-n", EXAMPLES / "first-vm" / name])
    RESULTS["install"] = ("install-*.sh, download-image.sh and ssh.sh: syntax checked (sh -n) only, since CI has no "
                          "internet and no sshd in the stand-in guest; the Debian packages install-debian.sh names "
                          "are installed on the test machine from deps/apt")


def test_prepare(workdir):
    out = sh("first-vm/prepare.sh", cwd=workdir, env={"PUBKEY": str(workdir / "id_ed25519.pub")}).stdout
    assert f"backing file: {IMAGE}" in out and "virtual size: 10 GiB" in out
    check_transcript(out, T / "prepare.txt", [(r"disk size: .*", "disk size: S")])
    user_data = (workdir / "user-data").read_text()
    assert user_data.startswith("#cloud-config\n") and "ssh-ed25519 " in user_data
    label = (workdir / "seed.iso").read_bytes()[32808:32808 + 32].decode().strip()
    assert label == "cidata"
    # The fallback branch: no cloud-localds on PATH, xorriso builds the seed.
    shim = workdir / "shim"
    shim.mkdir()
    for tool in ("qemu-img", "xorriso", "cat", "printf"):
        os.symlink(run(["sh", "-c", f"command -v {tool}"]).stdout.strip(), shim / tool)
    alt = workdir / "alt"
    alt.mkdir()
    run(["qemu-img", "create", "-q", "-f", "qcow2", alt / IMAGE, "2G"])
    run(["/bin/sh", EXAMPLES / "first-vm" / "prepare.sh"], cwd=alt,
        env={"PATH": str(shim), "PUBKEY": str(workdir / "id_ed25519.pub")})
    assert (alt / "seed.iso").read_bytes()[32808:32808 + 32].decode().strip() == "cidata"
    RESULTS["prepare"] = ("prepare.sh: a 10 GiB qcow2 overlay backed by the image, user-data with the SSH key, "
                          "and seed.iso with ISO 9660 label 'cidata' (cloud-localds; xorriso fallback also checked)")


def test_boot_ssh_port_and_exit(workdir, standin):
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", 2222)) == 0:
            pytest.fail("port 2222 on 127.0.0.1 is in use; the page's hostfwd needs it") if IN_CI else \
                pytest.skip("port 2222 on 127.0.0.1 is in use")
    log = open(workdir / "console.log", "wb")
    env = {"ACCEL": "tcg", "CPU": "max", "MEM": "256", "SMP": "1", "KERNEL": str(standin["kernel"]),
           "INITRD": str(standin["initrd"]), "APPEND": "console=ttyS0 quiet"}
    full = dict(os.environ, **env)
    proc = subprocess.Popen(["sh", EXAMPLES / "first-vm" / "run-qemu.sh"], cwd=workdir, env=full,
                            stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        t0 = time.monotonic()
        wait_for(lambda: b"kvmkb: ready" in (workdir / "console.log").read_bytes(), 90, "the guest to boot")
        booted = time.monotonic() - t0
        with socket.create_connection(("127.0.0.1", 2222), timeout=10) as s:
            banner = s.recv(100).decode()
        assert banner.startswith("SSH-2.0-")
        # The page's way out of the serial console: Ctrl-a x.
        proc.stdin.write(b"\x01x")
        proc.stdin.flush()
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 9)
            proc.wait(timeout=10)
        log.close()
    text = (workdir / "console.log").read_bytes().decode(errors="replace")
    guest = "\n".join(re.findall(r"kvmkb: [^\r\n]*", text))
    assert "kvmkb: disk vda 10485760 KiB" in guest
    assert "iso9660 label cidata" in guest
    assert "QEMU: Terminated" in text
    check_transcript(guest, T / "standin-console.txt", [(r"kernel \S+-cloud-amd64", "kernel VERSION-cloud-amd64"),
                                                                       (r"vdb \d+ KiB", "vdb N KiB")])
    RESULTS["boot"] = (f"run-qemu.sh with ACCEL=tcg and the stand-in kernel: the guest saw vda (10 GiB overlay) and "
                       f"vdb (label cidata); 127.0.0.1:2222 reached the guest's port 22 "
                       f"through hostfwd (banner {banner.strip()!r}); Ctrl-a x ended QEMU with status 0")


def test_install_from_iso_starts(workdir):
    iso = workdir / "seed.iso"
    d = workdir / "iso"
    d.mkdir()
    proc = run(["timeout", "5", "sh", EXAMPLES / "first-vm" / "install-from-iso.sh"], cwd=d, check=False,
               env={"ISO": str(iso), "ACCEL": "tcg", "CPU": "max", "DISPLAY_OPT": "none"}, timeout=30)
    assert proc.returncode == 124, proc.stderr      # still running when timeout stopped it
    assert (d / "disk.qcow2").exists()
    RESULTS["iso"] = ("install-from-iso.sh with ACCEL=tcg, DISPLAY_OPT=none and a small data ISO: QEMU accepted the "
                      "command line, created the 20 GiB disk and ran until stopped after 5 s (no installation)")


def test_cleanup(workdir):
    sh("first-vm/cleanup.sh", cwd=workdir)
    for f in ("vm.qcow2", "seed.iso", "user-data", "meta-data"):
        assert not (workdir / f).exists()
    assert (workdir / IMAGE).exists()
    RESULTS["cleanup"] = "cleanup.sh removed the overlay, seed and cloud-init files and kept the image"


def test_record():
    order = ("install", "prepare", "boot", "iso", "cleanup")
    assert all(k in RESULTS for k in order), f"earlier steps failed: {sorted(RESULTS)}"
    record_verified("first-vm-qemu", [RESULTS[k] for k in order],
                    standin=("empty 2 GiB qcow2 named debian-12-genericcloud-amd64.qcow2 as the image; direct boot of "
                             "the Debian cloud kernel + BusyBox initramfs under TCG; a banner on port 22 instead of sshd"))

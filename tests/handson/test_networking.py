"""Runs or validates every step of docs/hands-on/networking.md.

Network rule: nothing here touches the host's real networks.  libvirt's
NAT network is only validated (virt-xml-validate), never started.  The
bridge recipe runs inside a network namespace that the test creates, with a
veth pair standing in for the uplink NIC; a stand-in guest on a tap port of
that bridge is reached from inside the namespace.  macvtap is validated and
attached with --config only (this CI kernel has no macvtap module)."""
import os
import subprocess
import time

import pytest

from handson_common import check_transcript, record_verified, require_cmd, require_root
from handson_common import (EXAMPLES, claim_domain, libvirt_daemons, remove_domain, run, sh,  # noqa: F401
                            standin, validate_xml, virsh, wait_for)

pytestmark = pytest.mark.system
LV = EXAMPLES / "libvirt"
T = LV / "transcripts"
RESULTS = {}


def test_validate_network_xml(libvirt_daemons):
    validate_xml(LV / "net-default.xml", "network")
    run(["sh", "-n", LV / "net-default.sh"])
    RESULTS["nat"] = ("net-default.xml passed virt-xml-validate (network schema); net-default.sh: syntax checked "
                      "only, because tests must not start a NAT network")


def test_interfaces_attach(libvirt_daemons, standin, tmp_path):
    claim_domain("demo")
    dom = tmp_path / "demo.xml"
    dom.write_text(f"""<domain type='qemu'>
  <name>demo</name><memory unit='MiB'>256</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>{standin['kernel']}</kernel></os>
  <devices><memballoon model='none'/></devices>
</domain>
""")
    try:
        virsh("define", dom)
        outs = []
        for name in ("iface-network.xml", "iface-bridge.xml", "iface-macvtap.xml"):
            outs.append(sh("libvirt/attach-nic.sh", "demo", LV / name).stdout)
        last = outs[-1]
        assert "default" in last
        assert "br0" in last and "eth0" in last and "direct" in last
        run(["sh", "-c", f"virsh -c qemu:///system dumpxml demo > {tmp_path}/with-nics.xml"])
        validate_xml(tmp_path / "with-nics.xml", "domain")
        check_transcript(last, T / "attach-nic.txt", [(r"([0-9a-f]{2}:){5}[0-9a-f]{2}", "MAC")])
    finally:
        remove_domain("demo")
    RESULTS["attach"] = ("attach-nic.sh added iface-network.xml, iface-bridge.xml and iface-macvtap.xml to a "
                         "shut-off domain's definition (--config); domiflist listed all three and the resulting "
                         "domain XML passed virt-xml-validate")


@pytest.fixture
def netns():
    require_root()
    require_cmd("ip", "bridge")
    name = f"kvmkb-{os.getpid()}"
    run(["ip", "netns", "add", name])
    try:
        yield name
    finally:
        run(["ip", "netns", "del", name], check=False)


def test_bridge_in_netns(netns, standin, tmp_path):
    ns = ["ip", "netns", "exec", netns]
    run(ns + ["ip", "link", "add", "veth-up", "type", "veth", "peer", "name", "veth-far"])
    out = run(ns + ["env", "UPLINK=veth-up", "sh", EXAMPLES / "libvirt" / "make-bridge.sh"]).stdout
    assert "veth-up" in out and "master br0" in out
    tap = run(ns + ["env", "OWNER=root", "sh", EXAMPLES / "first-vm" / "make-tap.sh"]).stdout
    assert "tap0" in tap and "master br0" in tap
    # The stand-in guest configures 10.0.2.15/24 on eth0; give the bridge an
    # address in that subnet, inside the namespace only.
    run(ns + ["ip", "addr", "add", "10.0.2.1/24", "dev", "br0"])
    run(["qemu-img", "create", "-q", "-f", "qcow2", tmp_path / "vm.qcow2", "64M"])
    run(["qemu-img", "create", "-q", "-f", "raw", tmp_path / "seed.iso", "1M"])
    log = open(tmp_path / "console.log", "wb")
    env = dict(os.environ, ACCEL="tcg", CPU="max", MEM="256", SMP="1", KERNEL=str(standin["kernel"]),
               INITRD=str(standin["initrd"]), APPEND="console=ttyS0 quiet")
    proc = subprocess.Popen(ns + ["sh", str(EXAMPLES / "first-vm" / "run-qemu-tap.sh")], cwd=tmp_path, env=env,
                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(lambda: b"kvmkb: ready" in (tmp_path / "console.log").read_bytes(), 90, "the guest to boot")
        probe = ("import socket,time\n"
                 "for i in range(50):\n"
                 "    try:\n"
                 "        s=socket.create_connection(('10.0.2.15',22),timeout=2); print(s.recv(100).decode()); break\n"
                 "    except OSError: time.sleep(0.2)\n")
        banner = run(ns + ["python3", "-c", probe], timeout=60).stdout
        assert banner.startswith("SSH-2.0-"), banner
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 15)
            proc.wait(timeout=20)
        log.close()
    RESULTS["bridge"] = ("make-bridge.sh and make-tap.sh ran inside a private network namespace (a veth end as "
                         "the uplink); run-qemu-tap.sh booted the stand-in guest on tap0, and a TCP connection "
                         "from the namespace to the guest's 10.0.2.15:22 on the bridge got its banner")


def test_user_mode():
    RESULTS["user"] = ("user-mode networking with hostfwd=tcp:127.0.0.1:2222-:22 is exercised by the "
                       "first-VM test (run-qemu.sh): a TCP connection to 127.0.0.1:2222 reached the guest")


def test_record():
    order = ("user", "nat", "attach", "bridge")
    assert all(k in RESULTS for k in order), f"earlier steps failed: {sorted(RESULTS)}"
    record_verified("networking", [RESULTS[k] for k in order],
                    standin="a network namespace with a veth pair instead of a real NIC; TCG guest with the BusyBox initramfs")

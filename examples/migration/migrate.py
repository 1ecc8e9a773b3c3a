#!/usr/bin/env python3
"""Live-migrate the QEMU of start-vm.sh src into the one of start-vm.sh dst.

Usage: migrate.py DIR PORT [--postcopy]

Speaks QMP to both processes (the same protocol libvirt uses):
  precopy:  migrate, then poll query-migrate until "completed";
  postcopy: set the postcopy-ram capability on BOTH sides first, start
            like precopy, then migrate-start-postcopy to switch over.
"""
import json
import socket
import sys
import time


class QMP:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(path)
        self.stream = self.sock.makefile("rw", encoding="utf-8")
        json.loads(self.stream.readline())          # greeting
        self.call("qmp_capabilities")

    def call(self, name, **args):
        msg = {"execute": name, **({"arguments": args} if args else {})}
        self.stream.write(json.dumps(msg) + "\n")
        self.stream.flush()
        while True:
            reply = json.loads(self.stream.readline())
            if "event" in reply:
                continue
            if "error" in reply:
                raise SystemExit(f"{name}: {reply['error']['desc']}")
            return reply["return"]


def main():
    if len(sys.argv) not in (3, 4) or sys.argv[3:] not in ([], ["--postcopy"]):
        raise SystemExit(__doc__)
    d, port, postcopy = sys.argv[1], sys.argv[2], sys.argv[3:] == ["--postcopy"]
    src, dst = QMP(f"{d}/src.qmp"), QMP(f"{d}/dst.qmp")
    print("source:", src.call("query-status")["status"],
          "| destination:", dst.call("query-status")["status"])
    if postcopy:
        for side in (src, dst):
            side.call("migrate-set-capabilities",
                      capabilities=[{"capability": "postcopy-ram", "state": True}])
        print("postcopy-ram enabled on both sides")
    src.call("migrate", uri=f"tcp:127.0.0.1:{port}")
    if postcopy:
        while src.call("query-migrate").get("status") == "setup":
            time.sleep(0.05)
        src.call("migrate-start-postcopy")
        print("migrate-start-postcopy sent")
    while True:
        info = src.call("query-migrate")
        if info["status"] in ("completed", "failed", "cancelled"):
            break
        time.sleep(0.1)
    if info["status"] != "completed":
        raise SystemExit(f"migration {info['status']}: {info.get('error-desc', '')}")
    ram = info["ram"]
    print(f"migration completed: {info['total-time']} ms in all, guest paused for "
          f"{info.get('downtime', '-')} ms, {ram['transferred'] // 1024} KiB of RAM sent")
    if postcopy:
        print(f"after the switch: {ram.get('postcopy-bytes', 0) // 1024} KiB pushed in postcopy, "
              f"{ram.get('postcopy-requests', 0)} pages requested by the destination")
    # The source is done once it has sent everything; the destination resumes
    # the guest after it has loaded the last of it.
    for _ in range(300):
        if dst.call("query-status")["status"] != "inmigrate":
            break
        time.sleep(0.1)
    print("source:", src.call("query-status")["status"],
          "| destination:", dst.call("query-status")["status"])


if __name__ == "__main__":
    main()

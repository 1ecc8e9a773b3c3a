#!/usr/bin/env python3
"""Send one QMP command to a running QEMU and print the reply.

Usage: qmp.py SOCKET COMMAND [ARGUMENTS-AS-JSON]

    qmp.py /tmp/kvmkb-lab/qmp.sock query-kvm
    qmp.py /tmp/kvmkb-lab/qmp.sock human-monitor-command '{"command-line": "info cpus"}'

QMP is QEMU's JSON control protocol. A session starts with a greeting from
QEMU; the client must send qmp_capabilities before any other command.
"""
import json
import socket
import sys


def qmp(path: str, command: str, arguments: dict | None = None):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        sock.connect(path)
        stream = sock.makefile("rw", encoding="utf-8")

        def call(name, args=None):
            msg = {"execute": name}
            if args:
                msg["arguments"] = args
            stream.write(json.dumps(msg) + "\n")
            stream.flush()
            while True:
                line = stream.readline()
                if not line:
                    # QEMU closes the socket after "quit".
                    return None
                reply = json.loads(line)
                if "event" in reply:        # asynchronous events: skip
                    continue
                if "error" in reply:
                    raise SystemExit(f"{name}: {reply['error']['desc']}")
                return reply["return"]

        json.loads(stream.readline())       # the greeting
        call("qmp_capabilities")
        return call(command, arguments)


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        raise SystemExit(__doc__)
    args = json.loads(sys.argv[3]) if len(sys.argv) == 4 else None
    result = qmp(sys.argv[1], sys.argv[2], args)
    if isinstance(result, str):
        print(result, end="")                # human-monitor-command output
    elif result is not None:
        print(json.dumps(result, indent=2, sort_keys=True))

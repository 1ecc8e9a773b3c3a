#!/bin/sh
# Log in to the VM through QEMU's port forward (host 127.0.0.1:2222 ->
# guest port 22) as the user that user-data created.
exec ssh -p 2222 -o StrictHostKeyChecking=accept-new tux@127.0.0.1 "$@"

#!/bin/sh
# Host side of virtio-net multiqueue: a multi-queue tap and a QEMU that
# opens one tap queue per virtqueue pair.  Everything lives in a network
# namespace (NS) so no host interface is touched.  QUEUES pairs; MSI-X
# vectors = 2 * QUEUES + 2 (one per virtqueue, one for config, one for the
# control queue).  VHOST=on adds one vhost worker per queue pair (needs the
# vhost_net module and /dev/vhost-net).
set -eu
NS=${NS:-perf-mq}
QUEUES=${QUEUES:-2}
VHOST=${VHOST:-off}
LAB=${LAB:-/tmp/perf-mq}
KERNEL=${KERNEL:-hello.elf}
mkdir -p "$LAB"
ip netns add "$NS"
ip netns exec "$NS" ip tuntap add dev tap0 mode tap multi_queue
ip netns exec "$NS" qemu-system-x86_64 \
    -name perf-mq,debug-threads=on \
    -accel "${ACCEL:-kvm}" -M pc -m 64 -smp "$QUEUES" \
    -bios /usr/share/qemu/qboot.rom -kernel "$KERNEL" \
    -netdev tap,id=n0,ifname=tap0,script=no,downscript=no,queues="$QUEUES",vhost="$VHOST" \
    -device virtio-net-pci,netdev=n0,mq=on,vectors=$((2 * QUEUES + 2)) \
    -display none -serial none -monitor none \
    -pidfile "$LAB/qemu.pid" -daemonize
pid=$(cat "$LAB/qemu.pid")
echo "tap queue file descriptors held by QEMU: $(ls -l /proc/"$pid"/fd | grep -c /dev/net/tun)"
echo "vhost-net file descriptors held by QEMU: $(ls -l /proc/"$pid"/fd | grep -c /dev/vhost-net || true)"

#!/bin/sh
# Build the local stand-in guest that the hands-on tests boot instead of a
# downloaded cloud image: the host's Debian cloud kernel plus a tiny BusyBox
# initramfs.  Needs the Debian packages linux-image-cloud-amd64,
# busybox-static and cpio.
#
# Usage: make-standin.sh OUTDIR
# Writes OUTDIR/vmlinuz and OUTDIR/initrd.gz and prints their paths.
set -eu

out=${1:?usage: make-standin.sh OUTDIR}
kernel=${KERNEL:-$(ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -n 1)}
[ -n "$kernel" ] && [ -r "$kernel" ] || {
    echo "no cloud kernel in /boot: install linux-image-cloud-amd64" >&2; exit 1; }
kver=${kernel#*/vmlinuz-}
moddir=/lib/modules/$kver/kernel
busybox=$(command -v busybox) || { echo "install busybox-static" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/mod" \
         "$root/etc/acpi/PWRF" "$root/tmp"
cp "$busybox" "$root/bin/busybox"
for applet in sh mount insmod ip nc cat echo dd uname sleep poweroff acpid ls grep tr; do
    ln -s busybox "$root/bin/$applet"
done

# Modules, in load order: virtio_ring and virtio first (virtio needs
# symbols from virtio_ring), then the PCI transport, then the devices.
mods="drivers/virtio/virtio_ring.ko drivers/virtio/virtio.ko
drivers/virtio/virtio_pci_modern_dev.ko drivers/virtio/virtio_pci_legacy_dev.ko
drivers/virtio/virtio_pci.ko drivers/block/virtio_blk.ko net/core/failover.ko
drivers/net/net_failover.ko drivers/net/virtio_net.ko
drivers/input/evdev.ko drivers/acpi/button.ko"
: > "$root/mod/order"
for m in $mods; do
    if [ -e "$moddir/$m" ]; then
        cp "$moddir/$m" "$root/mod/"
        basename "$m" >> "$root/mod/order"
    fi
done

# The power button (virsh shutdown, QMP system_powerdown) runs this script.
cat > "$root/etc/acpi/PWRF/00000080" <<'SCRIPT'
#!/bin/sh
echo "kvmkb: power button pressed, powering off"
poweroff -f
SCRIPT
chmod +x "$root/etc/acpi/PWRF/00000080"

cat > "$root/init" <<'INIT'
#!/bin/sh
# PID 1 of the stand-in guest.
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /mod/order); do insmod /mod/$m 2>/dev/null; done
sleep 1
echo "kvmkb: guest up, kernel $(uname -r)"
for d in /sys/block/vd*; do
    [ -e "$d" ] || continue
    n=${d##*/}
    sectors=$(cat $d/size)
    label=$(dd if=/dev/$n bs=1 skip=32808 count=32 2>/dev/null | tr -d ' \0')
    echo "kvmkb: disk $n $((sectors / 2)) KiB${label:+ iso9660 label $label}"
done
acpid -l /tmp/acpid.log -c /etc/acpi        # the power button runs /etc/acpi/PWRF/00000080
if [ -e /sys/class/net/eth0 ]; then
    ip link set lo up
    ip link set eth0 up
    ip addr add 10.0.2.15/24 dev eth0
    ip route add default via 10.0.2.2
    echo "kvmkb: eth0 10.0.2.15, listening on port 22"
    # Not an SSH server: a banner on port 22 is enough to prove the port forward.
    nc -ll -p 22 -e echo SSH-2.0-kvmkb-standin &
fi
case " $(cat /proc/cmdline) " in
    *" kvmkb.poweroff "*) echo "kvmkb: powering off"; poweroff -f ;;
esac
echo "kvmkb: ready"
while :; do sleep 3600; done
INIT
chmod +x "$root/init"

mkdir -p "$out"
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -9 > "$out/initrd.gz"
cp "$kernel" "$out/vmlinuz"
echo "$out/vmlinuz"
echo "$out/initrd.gz"

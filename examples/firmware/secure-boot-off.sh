#!/bin/sh
# Turn Secure Boot off for an existing VM: ask for firmware without
# secure-boot, drop the recorded <loader> and <nvram> so that libvirt selects
# again, and recreate the variable store from the new template.
set -eu
VM=${VM:-fw-uefi}
export LIBVIRT_DEFAULT_URI=qemu:///system
xml=$(mktemp)
trap 'rm -f "$xml"' EXIT

virsh destroy "$VM" 2>/dev/null || true
virsh dumpxml --inactive "$VM" \
    | sed -e '/<loader /d' -e '/<nvram /d' \
          -e '/<feature .*name=.enrolled-keys.\/>/d' \
          -e "s/<feature enabled='yes' name='secure-boot'\/>/<feature enabled='no' name='secure-boot'\/>/" \
    > "$xml"
virsh define "$xml"
virsh start "$VM" --reset-nvram       # a fresh NVRAM from the non-Secure-Boot template

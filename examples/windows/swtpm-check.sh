#!/bin/sh
# Can libvirt's TPM emulator start?  Before it starts a VM with an emulated
# TPM for the first time, libvirt runs swtpm_setup as the user in qemu.conf's
# swtpm_user to create the TPM's state and its certificates, which the local
# CA in /var/lib/swtpm-localca signs.  This runs the same step, as the same
# user, into a scratch directory, and prints the end of swtpm_setup's log
# when it fails.  Run as root.
set -eu
conf=/etc/libvirt/qemu.conf
ca=/var/lib/swtpm-localca
# swtpm_user as qemu.conf sets it; tss, libvirt's default, when it does not.
user=$(sed -n 's/^ *swtpm_user *= *"\([^"]*\)".*/\1/p' "$conf" | tail -n 1)
user=${user:-tss}
echo "swtpm user (from $conf): $user"
if [ -d "$ca" ]; then
    echo "local CA directory: $ca, owner $(stat -c %U "$ca")," \
         "$(find "$ca" ! -user "$user" | wc -l) entries not owned by $user"
else
    echo "local CA directory: $ca is missing"
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
chown "$user" "$scratch"
if runuser -u "$user" -- swtpm_setup --tpm2 --tpmstate "$scratch" \
        --create-ek-cert --create-platform-cert --lock-nvram \
        --logfile "$scratch/setup.log" >/dev/null 2>&1; then
    echo "swtpm_setup as $user: OK"
else
    echo "swtpm_setup as $user: FAILED; the end of its log:"
    grep -v -e '^  Invoking' -e '^Successfully' -e 'vTPM manufacturing' "$scratch/setup.log" | tail -n 5
    exit 1
fi

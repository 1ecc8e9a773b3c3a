#!/bin/sh
# Remove what prepare.sh created.  The downloaded image stays untouched.
set -eu
rm -f vm.qcow2 seed.iso user-data meta-data

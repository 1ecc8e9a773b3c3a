"""Ask KVM how many vCPUs it recommends and allows per VM (KVM_CHECK_EXTENSION)."""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "minivmm"))
from kvm import ioctl, KVM_CHECK_EXTENSION  # noqa: E402

# KVM_CAP_* numbers from include/uapi/linux/kvm.h
CAPS = {"KVM_CAP_NR_VCPUS": 9, "KVM_CAP_MAX_VCPUS": 66, "KVM_CAP_MAX_VCPU_ID": 128}

fd = os.open("/dev/kvm", os.O_RDWR)
for name, number in CAPS.items():
    print(f"{name:<20} {ioctl(fd, KVM_CHECK_EXTENSION, number)}")
os.close(fd)
print(f"online host CPUs     {os.cpu_count()}")

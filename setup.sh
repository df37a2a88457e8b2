#!/usr/bin/env bash
# Installs what building and testing need on Debian 12 (run as root). Safe to rerun.
# The .NET 10 SDK is expected to be installed already (it is on our build machines).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(
    bubblewrap            # every stage runs in a bubblewrap container
    debootstrap           # org.osbuild.debootstrap, the Debian base trees of the tests
    mmdebstrap apt-utils eatmydata   # org.osbuild.debs: install pinned .debs offline (apt-ftparchive, no fsync)
    debian-archive-keyring           # osbuild depsolve-deb checks the archive's signature with it
    fdisk                 # sfdisk: partition tables (org.osbuild.qemu) and their checks
    e2fsprogs xfsprogs dosfstools mtools   # mkfs.ext4 -d, mkfs.xfs, mkfs.vfat and FAT without mounting
    qemu-utils            # qemu-img convert/info
    qemu-system-x86       # the boot test
    grub-pc-bin grub2-common   # BIOS GRUB core and modules
    rpm createrepo-c dnf gnupg # package stages and their local test repository
    policycoreutils       # setfiles for org.osbuild.selinux
    systemd               # systemd-firstboot, systemctl --root
    tar gzip bzip2 xz-utils lzip lzop zstd   # tar assembler compressions
    python3 curl ca-certificates   # test servers and the Python plugin example
    util-linux            # losetup, mount (used by tests to check our results)
    dpkg-dev groff-base   # packaging/build-deb.sh (dpkg-shlibdeps) and its tests (the man page through groff)
    postgresql            # the build service's shared queue: its tests start a server of their own
)
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
else
    echo "setup: all ${#packages[@]} packages are installed"
fi
modprobe loop 2>/dev/null || true

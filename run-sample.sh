#!/usr/bin/env bash
# Sets up this machine (Debian 12), builds the engine, and builds the bootable Debian bookworm
# image of samples/debian-bookworm-qcow2.json with it (pinned .debs; pass
# samples/debian-bookworm-qcow2-unpinned.json for the debootstrap + apt one). Prints where the image
# is and the qemu command that boots it. A second run reuses the store and finishes in seconds.
# Needs root (apt-get, bubblewrap mounts, chroot): a user who is not root is asked for sudo.
set -euo pipefail
cd "$(dirname "$0")"
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        exec sudo --preserve-env=OSBUILD_STORE -- "$PWD/run-sample.sh" "$@"
    fi
    echo "run-sample.sh: needs root and sudo is not installed: run it as root (su -c $PWD/run-sample.sh)" >&2
    exit 1
fi
bash ./setup.sh
bash ./build.sh
store=${OSBUILD_STORE:-$PWD/.osbuild}
manifest=${1:-samples/debian-bookworm-qcow2.json}
out/bin/osbuild --store "$store" "$manifest"
# The main pipeline's output id is the last one --inspect prints (build pipelines come first).
output_id=$(out/bin/osbuild --inspect "$manifest" | grep -o '"output_id": "[0-9a-f]*"' | tail -n 1 | cut -d'"' -f4)
image_dir=$store/refs/$output_id
image=$(find -L "$image_dir" -maxdepth 1 -type f | head -n 1)
echo
echo "image: $image"
case "$image" in
    *.qcow2) echo "boot:  qemu-system-x86_64 -m 1024 -nographic -serial mon:stdio -drive file=$image,format=qcow2,if=virtio,snapshot=on" ;;
esac

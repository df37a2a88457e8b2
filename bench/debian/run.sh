#!/usr/bin/env bash
# The Debian sample image, three ways, in one run (docs/performance.md, "Debian image"):
#   pinned    samples/debian-bookworm-qcow2.json: .debs pinned by depsolve-deb, fetched by the host,
#             installed offline by org.osbuild.debs (mmdebstrap), qcow2 compressed with zstd
#   unpinned  samples/debian-bookworm-qcow2-unpinned.json: org.osbuild.debootstrap + org.osbuild.apt
#             from the mirror, qcow2 compressed with zlib (osbuild's default)
#   by hand   the same packages with debootstrap + chroot apt-get, then mkfs.ext4 -d into a partition
#             of a raw disk and qemu-img convert -c (zlib); no GRUB (it costs ~1 s in ours)
# For each: cold (empty store, empty sources cache), warm-sources (empty store, the sources cache of
# the cold build kept; for unpinned and by hand there is no such cache, so it is a second cold
# build) and a hostname change (the manifest with another hostname, on the store of the warm build).
# Prints wall seconds: the median of REPEAT runs, and every run's figure after it.
#
# Nothing is deleted until every build has run: a store or tree that is no longer needed is moved
# aside and removed at the end. On a file system without a journal (this machine's ext4), inodes
# freed in the last minute (six while their inode table block is dirty) are passed over by every
# new allocation, one buffer lookup each, so a build started right after the previous build's store
# was deleted took about 7 s longer (docs/performance.md, "From 45.6 s to 33.0 s"); that is the cost
# of the clean-up, not of the build. DEFER_DELETE=0 deletes at once, as the script did before.
#
# Usage: sudo bench/debian/run.sh [OSBUILD]     REPEAT=1   BENCH_DIR=/var/tmp/engine-bench-debian
#        WHAT="pinned unpinned hand"   which cases to run
# Needs root, network access to the Debian archive, the packages of setup.sh, python3.
set -euo pipefail
export LC_ALL=C
repo=$(cd "$(dirname "$0")/../.." && pwd)
osbuild=${1:-$repo/out/bin/osbuild}
reps=${REPEAT:-1}
work=${BENCH_DIR:-/var/tmp/engine-bench-debian}
log=$work.log
mirror=${MIRROR:-http://deb.debian.org/debian}
[ "$(id -u)" -eq 0 ] || { echo "bench/debian/run.sh: needs root" >&2; exit 1; }
if [ -e "$work" ]; then
    # The leftovers of an interrupted run go with this run's clean-up.
    mv "$work" "$work.old.$$"
fi
mkdir -p "$work"
: > "$log"

# retire DIR: out of the way now, deleted at the end (see the top).
retire() {
    [ -e "$1" ] || return 0
    if [ "${DEFER_DELETE:-1}" = 1 ]; then
        mkdir -p "$work/retired"
        mv "$1" "$work/retired/$(date +%s%N)"
    else
        rm -rf --one-file-system "$1"
    fi
}

# A copy of MANIFEST with another hostname.
rename_host() {
    python3 - "$1" "$2" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
for s in m["pipeline"]["stages"]:
    if s["name"] == "org.osbuild.hostname":
        s["options"]["hostname"] = "renamed"
json.dump(m, open(sys.argv[2], "w"), indent=2)
PY
}

seconds() { local start=$1; python3 -c "import time,sys; print(f'{time.time()-float(sys.argv[1]):.1f}')" "$start"; }
now() { python3 -c 'import time; print(time.time())'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# figures VALUE...: "M s" for one run, "M s [v1 v2 v3]" for several (median, then each run in order).
figures() {
    local m; m=$(printf '%s\n' "$@" | median)
    if [ "$#" -gt 1 ]; then echo "$m s [$*]"; else echo "$m s"; fi
}

# build STORE MANIFEST: wall seconds of one osbuild build. The tree of the last package stage
# (org.osbuild.debs, or org.osbuild.apt after debootstrap) is checkpointed, as a user who rebuilds
# an image with small changes would do: osbuild keeps only the final tree otherwise, and a hostname
# change would install every package again.
build() {
    local t checkpoint; checkpoint=$(package_stage_id "$2"); t=$(now)
    "$osbuild" --store "$1" --checkpoint "$checkpoint" "$2" >> "$log" 2>&1
    seconds "$t"
}

package_stage_id() {
    "$osbuild" --inspect "$1" | python3 -c '
import json, sys
stages = json.load(sys.stdin)["pipeline"]["stages"]
print([s["id"] for s in stages if s["name"] in ("org.osbuild.debs", "org.osbuild.debootstrap", "org.osbuild.apt")][-1])'
}

engine_case() {
    local name=$1 manifest=$2 renamed=$work/$1-renamed.json
    rename_host "$manifest" "$renamed"
    local cold=() warm=() host=()
    for _ in $(seq "$reps"); do
        retire "$work/store"
        cold+=("$(build "$work/store" "$manifest")")
        # Keep the sources cache, drop everything built.
        mkdir -p "$work/store/sources" && mv "$work/store/sources" "$work/sources-kept"
        retire "$work/store" && mkdir -p "$work/store" && mv "$work/sources-kept" "$work/store/sources"
        warm+=("$(build "$work/store" "$manifest")")
        host+=("$(build "$work/store" "$renamed")")
    done
    retire "$work/store"
    printf '%-10s cold %s   warm-sources %s   hostname change %s\n' "$name" \
        "$(figures "${cold[@]}")" "$(figures "${warm[@]}")" "$(figures "${host[@]}")"
}

# The image by hand: what the unpinned manifest does, in shell.
by_hand() {
    local dir=$work/hand hostname=$1
    retire "$dir"; mkdir -p "$dir"
    debootstrap --variant=minbase --include=systemd-sysv bookworm "$dir/tree" "$mirror" >> "$log" 2>&1
    mount -t proc proc "$dir/tree/proc"; mount -t sysfs sysfs "$dir/tree/sys"; mount --bind /dev "$dir/tree/dev"
    local status=0
    DEBIAN_FRONTEND=noninteractive chroot "$dir/tree" apt-get install -y --no-install-recommends \
        linux-image-amd64 dbus libpam-systemd systemd-timesyncd libnss-myhostname sudo >> "$log" 2>&1 || status=$?
    umount "$dir/tree/dev" "$dir/tree/sys" "$dir/tree/proc"
    [ "$status" -eq 0 ] || { echo "by hand: apt-get install failed (see $log)" >&2; return 1; }
    echo "$hostname" > "$dir/tree/etc/hostname"
    truncate -s 2G "$dir/disk.raw"
    echo 'start=2048, type=83, bootable' | sfdisk -q "$dir/disk.raw" >> "$log" 2>&1
    mkfs.ext4 -q -E offset=$((2048 * 512)) -d "$dir/tree" "$dir/disk.raw" $(((2147483648 - 2048 * 512) / 1024))k >> "$log" 2>&1
    qemu-img convert -O qcow2 -c "$dir/disk.raw" "$dir/disk.qcow2" >> "$log" 2>&1
}

hand_case() {
    local cold=() host=()
    for _ in $(seq "$reps"); do
        local t; t=$(now); by_hand debian; cold+=("$(seconds "$t")")
        # By hand, a hostname change is the last steps again on the kept tree.
        t=$(now)
        echo renamed > "$work/hand/tree/etc/hostname"
        rm -f "$work/hand/disk.raw" "$work/hand/disk.qcow2"
        truncate -s 2G "$work/hand/disk.raw"
        echo 'start=2048, type=83, bootable' | sfdisk -q "$work/hand/disk.raw" >> "$log" 2>&1
        mkfs.ext4 -q -E offset=$((2048 * 512)) -d "$work/hand/tree" "$work/hand/disk.raw" $(((2147483648 - 2048 * 512) / 1024))k >> "$log" 2>&1
        qemu-img convert -O qcow2 -c "$work/hand/disk.raw" "$work/hand/disk.qcow2" >> "$log" 2>&1
        host+=("$(seconds "$t")")
    done
    retire "$work/hand"
    printf '%-10s cold %s   warm-sources %s   hostname change %s\n' "by hand" \
        "$(figures "${cold[@]}")" "(none)" "$(figures "${host[@]}")"
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
what=${WHAT:-pinned unpinned hand}
for case in $what; do
    case $case in
        pinned) engine_case pinned "$repo/samples/debian-bookworm-qcow2.json" ;;
        unpinned) engine_case unpinned "$repo/samples/debian-bookworm-qcow2-unpinned.json" ;;
        hand) hand_case ;;
    esac
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf --one-file-system "$work" "$work.old.$$"

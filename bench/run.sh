#!/usr/bin/env bash
# Whole-build benchmarks of the installed host, each figure printed beside a reference measured in
# the same run on the same data, as a ratio (docs/performance.md explains every row):
#   noop      1, 10 and 30 org.osbuild.noop stages on a fresh store, then the same fully cached;
#             per-stage overhead = (t30 - t1) / 29; reference: `bwrap --ro-bind / / true`
#   tree      a ~330 MB tree of 5000 files written by bench/plugins/stages/org.osbuild.bench.tree,
#             then 3 trivial stages: with and without --checkpoint, from a cached base, and the tar
#             assembler on it; references: `cp -a`, `tar -cf`, `openssl dgst -sha256` of the tree
# Every figure is the median of REPEAT runs (wall clock); CPU is user+sys of the command and all
# its children (less sensitive to other load on the machine than wall time). Peak memory is the
# largest max RSS of the command or any child (/usr/bin/time), which is the host's in practice.
#
# Usage: sudo bench/run.sh [noop|tree|all] [OSBUILD]
#   REPEAT=5   runs per figure          FILES=5000   files in the big tree
#   BENCH_DIR=/var/tmp/engine-bench     work directory (store, manifests); removed at the end, the
#                                       commands' output is kept in $BENCH_DIR.log
#   BENCH_TMPFS=1                       mount a private tmpfs (4 GiB) on BENCH_DIR first: takes the
#                                       disk out of the figures (other writers on the machine make
#                                       cp and commit times swing by 10x), leaving CPU costs
# Needs root, bubblewrap, python3 (the tree stage), openssl, tar, GNU time (apt-get install time).
set -euo pipefail
export LC_ALL=C

repo=$(cd "$(dirname "$0")/.." && pwd)
what=${1:-all}
osbuild=${2:-$repo/out/bin/osbuild}
reps=${REPEAT:-5}
files=${FILES:-5000}
work=${BENCH_DIR:-/var/tmp/engine-bench}
plugins=$repo/bench/plugins
log=$work.log

die() { echo "run.sh: $*" >&2; exit 2; }
case $what in noop|tree|all) ;; *) die "unknown section '$what' (noop, tree or all)" ;; esac
[ "$(id -u)" = 0 ] || die "building needs root: sudo $0"
[ -x "$osbuild" ] || die "$osbuild is not executable; run ./build.sh or pass the host's path"
for tool in bwrap python3 openssl tar; do
    command -v "$tool" >/dev/null || die "$tool is missing (apt-get install bubblewrap python3 openssl tar)"
done
[ -x /usr/bin/time ] || die "GNU time is missing: apt-get install time"

cleanup() {
    # The host unmounts what it mounts; this only guards against a crash leaving a mount behind
    # (and removes our own tmpfs).
    if [ -d "$work" ]; then
        awk -v w="$work" '$5 == w || index($5, w "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r |
            while read -r m; do umount -l "$m" || true; done
        rm -rf --one-file-system "$work"
    fi
}
trap cleanup EXIT INT TERM
cleanup
mkdir -p "$work"
if [ "${BENCH_TMPFS:-0}" = 1 ]; then
    # Not nodev: the host makes device nodes for the containers' /dev in the store.
    mount -t tmpfs -o size=4g,mode=0755 engine-bench "$work"
fi
: >"$log"

# --- measuring --------------------------------------------------------------------------------

# run CMD...: runs CMD with its output in the log; sets $wall (s), $cpu (user+sys, s), $rss (KiB).
# A failed run is retried (ATTEMPTS in all, default 6) and counted: its time would not be comparable.
failures=0
attempts=${ATTEMPTS:-6}
run() {
    local start end attempt
    for ((attempt = 1; attempt <= attempts; attempt++)); do
        echo "+ $*" >>"$log"
        start=$EPOCHREALTIME
        /usr/bin/time -f '%U %S %M' -o "$work/time" "$@" >>"$log" 2>&1 && break
        failures=$((failures + 1))
        echo "run.sh: failed (attempt $attempt): $*" >&2
        grep -E 'FAILED|error' "$log" | tail -n 3 >&2
        if [ "$attempt" = "$attempts" ]; then
            exit 1
        fi
        [ -z "${retry_setup:-}" ] || eval "$retry_setup"
    done
    end=$EPOCHREALTIME
    wall=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.4f", e - s }')
    read -r user sys rss <"$work/time"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')
}

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.4f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# measure N SETUP CMD...: median $wall, $cpu over N runs (SETUP is eval'd, untimed, before each
# run; $i is the run number) and the largest $rss; sets $m_wall, $m_cpu, $m_rss.
measure() {
    local n=$1 setup=$2 walls=() cpus=()
    shift 2
    m_rss=0
    for ((i = 0; i < n; i++)); do
        eval "$setup"
        retry_setup=$setup run "$@"
        walls+=("$wall")
        cpus+=("$cpu")
        ((rss > m_rss)) && m_rss=$rss
    done
    m_wall=$(printf '%s\n' "${walls[@]}" | median)
    m_cpu=$(printf '%s\n' "${cpus[@]}" | median)
}

ms() { awk -v s="$1" 'BEGIN { printf "%.1f ms", s * 1000 }'; }
secs() { awk -v s="$1" 'BEGIN { printf "%.3f s", s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", a - b }'; }

# row FIGURE VALUE CPU REFERENCE-NAME REFERENCE RATIO TARGET
row() { printf '%-44s %12s %10s   %-30s %11s %7s   %s\n' "$@"; }
header() {
    echo
    echo "== $1 (load: $(cut -d' ' -f1-3 /proc/loadavg))"
    row figure "wall" "cpu" reference "ref wall" ratio target
}

fresh_store() { rm -rf --one-file-system "$work/store"; }

# Before each timed run of the big-tree section: no dirty pages left by the previous run, so that
# the host and the references each pay for their own writes only.
settle() { sync; }

# manifest FILE STAGE-JSON...: a manifest with those stages (and ASSEMBLER if set).
manifest() {
    local file=$1 stages
    shift
    stages=$(IFS=,; echo "$*")
    printf '{"pipeline": {"stages": [%s]%s}}\n' "$stages" "${ASSEMBLER:+, \"assembler\": $ASSEMBLER}" >"$file"
}

noop() { printf '{"name": "org.osbuild.noop", "options": {"bench": "%s"}}' "$1"; }

# stage_id MANIFEST INDEX: the id of a stage, from the host's own --inspect.
stage_id() {
    "$osbuild" --inspect "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["pipeline"]["stages"][int(sys.argv[1])]["id"])' "$2"
}

build=("$osbuild" --store "$work/store" --plugin-path "$plugins")

# --- the machine --------------------------------------------------------------------------------

echo "engine benchmarks: $(date -u '+%Y-%m-%d %H:%M UTC'), host $osbuild"
echo "commit: $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$repo" diff --quiet 2>/dev/null || echo ' (with local changes)')"
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r), $work on $(findmnt -n -o FSTYPE -T "$work")"
echo ".NET: $(dotnet --list-runtimes 2>/dev/null | awk '/Microsoft.NETCore.App/ { v = $2 } END { print v }'), runs per figure: $reps"

header "references"
measure 20 : bwrap --ro-bind / / true
bwrap_wall=$m_wall
row "container start: bwrap --ro-bind / / true" "$(ms "$m_wall")" "$(ms "$m_cpu")" "" "" "" ""
measure "$reps" : "$osbuild" --help
help_wall=$m_wall
row "host start: osbuild --help" "$(ms "$m_wall")" "$(ms "$m_cpu")" "" "" "" ""
# Hosts built before one binary (bench/compare-hosts.sh compares them) had a NativeAOT front end
# that handed container work to a ReadyToRun host in libexec/; that one starts like this:
full_host=$(dirname "$osbuild")/../libexec/osbuild/osbuild
if [ -x "$full_host" ]; then
    measure "$reps" : "$full_host" --help
    row "full host start (libexec) --help" "$(ms "$m_wall")" "$(ms "$m_cpu")" "" "" "" ""
fi

# --- trivial pipelines ----------------------------------------------------------------------------

if [ "$what" != tree ]; then
    header "trivial pipelines (org.osbuild.noop)"
    declare -A fresh cached fresh_cpu
    for n in 1 10 30; do
        stages=()
        for ((s = 0; s < n; s++)); do stages+=("$(noop "$s")"); done
        manifest "$work/noop$n.json" "${stages[@]}"
        measure "$reps" fresh_store "${build[@]}" "$work/noop$n.json"
        fresh[$n]=$m_wall
        fresh_cpu[$n]=$m_cpu
        [ "$n" = 30 ] && rss30=$m_rss
        row "$n stage(s), fresh store" "$(secs "$m_wall")" "$(secs "$m_cpu")" "" "" "" ""
        # The last run left the store filled: now nothing runs.
        measure "$reps" : "${build[@]}" "$work/noop$n.json"
        cached[$n]=$m_wall
        row "$n stage(s), fully cached" "$(ms "$m_wall")" "$(ms "$m_cpu")" "osbuild --help" "$(ms "$help_wall")" "$(ratio "$m_wall" "$help_wall")" "$([ "$n" = 30 ] && echo '<= 60 ms')"
    done
    per_stage=$(awk -v a="${fresh[30]}" -v b="${fresh[1]}" 'BEGIN { printf "%.4f", (a - b) / 29 }')
    per_stage_cpu=$(awk -v a="${fresh_cpu[30]}" -v b="${fresh_cpu[1]}" 'BEGIN { printf "%.4f", (a - b) / 29 }')
    row "per-stage overhead (t30 - t1) / 29" "$(ms "$per_stage")" "$(ms "$per_stage_cpu")" "bwrap --ro-bind / / true" "$(ms "$bwrap_wall")" "$(ratio "$per_stage" "$bwrap_wall")" "<= 15 ms"
    row "peak memory, 30 stages fresh (max RSS)" "$((rss30 / 1024)) MiB" "" "" "" "" "<= 100 MiB"
fi

# --- a big tree -----------------------------------------------------------------------------------

if [ "$what" != noop ]; then
    header "a big tree ($files files), then 3 trivial stages"
    tree_stage=$(printf '{"name": "org.osbuild.bench.tree", "options": {"files": %d}}' "$files")
    manifest "$work/tree.json" "$tree_stage"
    manifest "$work/tree3.json" "$tree_stage" "$(noop a)" "$(noop b)" "$(noop c)"
    tree_id=$(stage_id "$work/tree.json" 0)

    # Everything, fresh store, without and with a checkpoint of the big tree.
    measure "$reps" "fresh_store; settle" "${build[@]}" "$work/tree3.json"
    plain_wall=$m_wall
    plain_rss=$m_rss
    row "tree + 3 stages, fresh store" "$(secs "$m_wall")" "$(secs "$m_cpu")" "" "" "" ""
    measure "$reps" "fresh_store; settle" "${build[@]}" --checkpoint "$tree_id" "$work/tree3.json"
    checkpoint_wall=$m_wall
    ((m_rss > plain_rss)) && plain_rss=$m_rss
    row "same, --checkpoint on the tree stage" "$(secs "$m_wall")" "$(secs "$m_cpu")" "" "" "" ""

    # References on the committed tree (page cache warm, as it is for the host).
    object=$(readlink -f "$work/store/refs/$tree_id")
    row "  (the tree: $(find "$object" -type f | wc -l) files, $(du -sm "$object" | cut -f1) MB)" "" "" "" "" "" ""
    measure "$reps" 'rm -rf --one-file-system "$work/copy"; settle' cp -a "$object" "$work/copy"
    cp_wall=$m_wall
    row "reference: cp -a of the tree" "$(secs "$m_wall")" "$(secs "$m_cpu")" "" "" "" ""
    find "$object" -type f -print0 | sort -z >"$work/files"
    measure "$reps" settle sh -c 'xargs -0 openssl dgst -sha256 <"$1" >/dev/null' sh "$work/files"
    openssl_wall=$m_wall
    row "reference: openssl dgst -sha256 of the files" "$(secs "$m_wall")" "$(secs "$m_cpu")" "" "" "" ""
    measure "$reps" 'rm -f "$work/ref.tar"; settle' tar -cf "$work/ref.tar" -C "$object" .
    tar_wall=$m_wall
    rm -f "$work/ref.tar" && rm -rf --one-file-system "$work/copy"
    row "reference: tar -cf of the tree" "$(secs "$m_wall")" "$(secs "$m_cpu")" "" "" "" ""

    # What the host does on its own: treesum is measured by the Engine.Benchmarks project; here the
    # checkpoint as a whole, against the copy and hash it cannot avoid today.
    checkpoint_cost=$(sub "$checkpoint_wall" "$plain_wall")
    copy_and_hash=$(awk -v a="$cp_wall" -v b="$openssl_wall" 'BEGIN { printf "%.4f", a + b }')
    row "checkpoint cost (with - without)" "$(secs "$checkpoint_cost")" "" "cp -a + openssl dgst" "$(secs "$copy_and_hash")" "$(ratio "$checkpoint_cost" "$copy_and_hash")" "<= 1.00x"

    # From a cached base: the tree is in the store, 3 new stages run over it (an overlay mount;
    # OSBUILD_BASE=copy makes the host copy it as before, for comparison in the same run). Each
    # run's stages are new (their options name the run), so only the base is cached.
    fresh_store
    "${build[@]}" "$work/tree.json" >>"$log" 2>&1
    # from_base LABEL STAGE-MAKER [ENV...]: median wall of REPEAT builds of base + new stages.
    from_base() {
        local label=$1 maker=$2 walls=() i
        shift 2
        for ((i = 0; i < reps; i++)); do
            manifest "$work/base-$label-$i.json" "$tree_stage" "$($maker "$label$i")"
            settle
            run env "$@" "${build[@]}" "$work/base-$label-$i.json"
            walls+=("$wall")
        done
        printf '%s\n' "${walls[@]}" | median
    }
    three_noops() { printf '%s,%s,%s' "$(noop "a$1")" "$(noop "b$1")" "$(noop "c$1")"; }
    one_touch() { printf '{"name":"org.osbuild.bench.touch","options":{"run":"%s"}}' "$1"; }
    base_wall=$(from_base overlay three_noops OSBUILD_BASE=overlay)
    base_copy_wall=$(from_base copy three_noops OSBUILD_BASE=copy)
    # The same 3 stages on an empty tree: what is left is the cost of starting from the base
    # (and of storing the result: nothing when the stages left the base as it was).
    manifest "$work/empty3.json" "$(noop x)" "$(noop y)" "$(noop z)"
    measure "$reps" "fresh_store; settle" "${build[@]}" "$work/empty3.json"
    base_cost=$(sub "$base_wall" "$m_wall")
    base_copy_cost=$(sub "$base_copy_wall" "$m_wall")
    row "cached tree + 3 new stages (overlay)" "$(secs "$base_wall")" "" "" "" "" ""
    row "  3 stages on an empty tree" "$(secs "$m_wall")" "$(secs "$m_cpu")" "" "" "" ""
    row "  start from cached base (difference)" "$(secs "$base_cost")" "" "cp -a of the tree" "$(secs "$cp_wall")" "$(ratio "$base_cost" "$cp_wall")" "<= 0.10x"
    row "  same with OSBUILD_BASE=copy" "$(secs "$base_copy_cost")" "" "cp -a of the tree" "$(secs "$cp_wall")" "$(ratio "$base_copy_cost" "$cp_wall")" ""
    # A stage that changes one file: now the result is a new object (hard links to the base's
    # files plus the change, then the treesum that names it), against copy + treesum. (The
    # empty-tree runs above started from fresh stores: store the base again.)
    "${build[@]}" "$work/tree.json" >>"$log" 2>&1
    touch_wall=$(from_base touch one_touch OSBUILD_BASE=overlay)
    touch_copy_wall=$(from_base touchcopy one_touch OSBUILD_BASE=copy)
    row "cached tree + 1 stage changing a file" "$(secs "$touch_wall")" "" "same, OSBUILD_BASE=copy" "$(secs "$touch_copy_wall")" "$(ratio "$touch_wall" "$touch_copy_wall")" ""

    # The tar assembler on the cached tree: only the assembler runs; the host's own time for a
    # fully cached build of the same tree is subtracted.
    fresh_store
    "${build[@]}" "$work/tree3.json" >>"$log" 2>&1
    measure "$reps" settle "${build[@]}" "$work/tree3.json"
    cached_tree=$m_wall
    walls=()
    for ((i = 0; i < reps; i++)); do
        ASSEMBLER=$(printf '{"name": "org.osbuild.tar", "options": {"filename": "tree%d.tar"}}' "$i") \
            manifest "$work/tar$i.json" "$tree_stage" "$(noop a)" "$(noop b)" "$(noop c)"
        settle
        run "${build[@]}" "$work/tar$i.json"
        walls+=("$wall")
    done
    tar_build=$(printf '%s\n' "${walls[@]}" | median)
    tar_cost=$(sub "$tar_build" "$cached_tree")
    row "tar assembler on the tree (incl. commit)" "$(secs "$tar_cost")" "" "tar -cf of the tree" "$(secs "$tar_wall")" "$(ratio "$tar_cost" "$tar_wall")" "<= 1.10x"
    reported=$(grep -o 'org.osbuild.tar in [0-9.]* s' "$log" | awk '{ print $3 }' | median)
    row "  as the host reports it (container only)" "$(secs "$reported")" "" "tar -cf of the tree" "$(secs "$tar_wall")" "$(ratio "$reported" "$tar_wall")" ""
    row "peak memory, tree builds (max RSS)" "$((plain_rss / 1024)) MiB" "" "" "" "" "<= 100 MiB"
fi

echo
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg); output of every command: $log"
if [ "$failures" != 0 ]; then
    echo "warning: $failures run(s) failed and were repeated; see $log" >&2
fi

#!/usr/bin/env bash
# Two builds of the host side by side, in one run: bench/run.sh's figures for each, taken in
# alternating rounds (A B A B …) so that load on the machine falls on both alike, and the ratio
# new/old of each figure's median over the rounds. For a change that touches every build (the host's
# structure, its start, the protocol), recorded in docs/performance.md.
#
# Usage: sudo bench/compare-hosts.sh OLD-OSBUILD NEW-OSBUILD [noop|tree|all]
#   ROUNDS=2   rounds of A then B; REPEAT, BENCH_TMPFS, FILES as for bench/run.sh
# An old host is built from an older commit in a worktree of its own:
#   git worktree add --detach /var/tmp/engine-old COMMIT && /var/tmp/engine-old/build.sh
set -euo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 2 ] || { sed -n '2,12p' "$0" >&2; exit 2; }
old=$1 new=$2 what=${3:-noop}
rounds=${ROUNDS:-2}
out=$(mktemp -d)
trap 'rm -rf --one-file-system "$out"' EXIT

for ((r = 1; r <= rounds; r++)); do
    for side in old new; do
        host=${!side}
        echo "round $r/$rounds: $side ($host)" >&2
        BENCH_DIR=/var/tmp/engine-bench-$side "$here/run.sh" "$what" "$host" >"$out/$side.$r"
    done
done

# A figure row of run.sh: name (44 columns), wall (12), cpu (10); units ms, s or MiB.
# Prints "name<TAB>wall-in-ms<TAB>cpu-in-ms" for each row with a number.
figures() {
    awk '
        function value(text,   v) {
            gsub(/^ +| +$/, "", text)
            if (text !~ /^[0-9.]+ (ms|s|MiB)$/) return ""
            split(text, v, " ")
            return v[2] == "s" ? v[1] * 1000 : v[1]
        }
        /^== / { section = $2 }
        length($0) > 60 && !/^figure/ {
            name = substr($0, 1, 44); gsub(/ +$/, "", name)
            wall = value(substr($0, 45, 13)); cpu = value(substr($0, 58, 11))
            if (wall != "") printf "%s\t%s\t%s\n", name, wall, cpu
        }' "$@"
}

median_of() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo "host comparison: $(date -u '+%Y-%m-%d %H:%M UTC'), $rounds rounds, load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "old: $old"
echo "new: $new"
printf '%-44s %12s %12s %7s   %12s %12s %7s\n' figure "old wall" "new wall" ratio "old cpu" "new cpu" ratio
figures "$out"/old.1 | cut -f1 | while IFS= read -r name; do
    pick() { for f in "$out"/"$1".*; do figures "$f"; done | awk -F'\t' -v n="$name" -v c="$2" '$1 == n && $c != "" { print $c }' | median_of; }
    ow=$(pick old 2) nw=$(pick new 2) oc=$(pick old 3) nc=$(pick new 3)
    fmt() { [ -n "$1" ] && printf '%.1f' "$1" || printf '-'; }
    ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b != "" && b > 0) printf "%.2fx", a / b; else print "-" }'; }
    unit=ms; case $name in *memory*) unit=MiB ;; esac
    printf '%-44s %12s %12s %7s   %12s %12s %7s\n' "$name" "$(fmt "$ow") $unit" "$(fmt "$nw") $unit" "$(ratio "$nw" "$ow")" \
        "$(fmt "$oc")" "$(fmt "$nc")" "$(ratio "$nc" "$oc")"
done

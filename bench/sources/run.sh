#!/bin/sh
# Throughput of the org.osbuild.files source against plain curl, on one machine, in one run:
# N files of 1 MiB served by python3's http.server on 127.0.0.1, fetched
#   1. by org.osbuild.files with an empty cache (cold: download, hash, verify, publish, copy out),
#   2. by org.osbuild.files again with the cache filled (warm: no network, copy out only),
#   3. by one `curl --fail -o` process per file, one after another (what osbuild's source did,
#      minus its hashing and copying),
#   4. by one curl process for all files, one after another on one connection (what the server
#      and loopback can deliver to a single sequential client).
# Usage: bench/sources/run.sh [osbuild-builtin]   (default: $OSBUILD_BUILTIN, else out/lib/osbuild/osbuild-builtin)
#        N=500 bench/sources/run.sh               (number of files)
set -eu

repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-${OSBUILD_BUILTIN:-$repo/out/lib/osbuild/osbuild-builtin}}
n=${N:-200}
[ -x "$bin" ] || { echo "run.sh: $bin is not an executable; build it (./build.sh) or pass its path" >&2; exit 2; }
command -v python3 >/dev/null || { echo "run.sh: needs python3 (the HTTP server) and curl" >&2; exit 2; }

work=$(mktemp -d /tmp/bench-sources.XXXXXX)
server=
cleanup() {
    set +e # the server's exit status after kill must not stop the cleanup
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null
        wait "$server" 2>/dev/null
    fi
    rm -rf --one-file-system "$work"
}
trap cleanup EXIT INT TERM

# Payload and request
mkdir "$work/www"
i=1
while [ "$i" -le "$n" ]; do
    head -c 1048576 /dev/urandom > "$work/www/f$i"
    i=$((i + 1))
done
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$work/www" "$port" >/dev/null 2>&1 &
server=$!
tries=0
until curl -sf -o /dev/null "http://127.0.0.1:$port/f1"; do
    tries=$((tries + 1)); [ "$tries" -lt 100 ] || { echo "run.sh: the HTTP server did not start" >&2; exit 1; }
    sleep 0.1
done
python3 - "$work" "$port" "$n" <<'PY'
import hashlib, json, sys
work, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
urls = {}
for i in range(1, n + 1):
    with open(f"{work}/www/f{i}", "rb") as f:
        urls["sha256:" + hashlib.sha256(f.read()).hexdigest()] = f"http://127.0.0.1:{port}/f{i}"
for run in ("cold", "warm"):
    with open(f"{work}/request-{run}.json", "w") as f:
        json.dump({"options": {"urls": urls}, "secrets": {}, "cache": f"{work}/cache",
                   "output": f"{work}/output-{run}", "checksums": list(urls)}, f)
PY
ln -s "$bin" "$work/org.osbuild.files"

now() { date +%s%N; }
report() { # label, start ns, end ns
    awk -v label="$1" -v t0="$2" -v t1="$3" -v n="$n" \
        'BEGIN { s = (t1 - t0) / 1e9; printf "%-34s %7.3f s  %8.1f MiB/s\n", label, s, n / s }'
}

sync
t0=$(now); "$work/org.osbuild.files" < "$work/request-cold.json" > "$work/reply-cold"; t1=$(now)
t2=$(now); "$work/org.osbuild.files" < "$work/request-warm.json" > "$work/reply-warm"; t3=$(now)
for run in cold warm; do
    [ "$(cat "$work/reply-$run")" = "{}" ] || { echo "run.sh: $run run failed: $(cat "$work/reply-$run")" >&2; exit 1; }
done
mkdir "$work/curl"
t4=$(now)
i=1
while [ "$i" -le "$n" ]; do
    curl --silent --show-error --fail --location --output "$work/curl/f$i" "http://127.0.0.1:$port/f$i"
    i=$((i + 1))
done
t5=$(now)
set --
i=1
while [ "$i" -le "$n" ]; do
    set -- "$@" --output "$work/curl/g$i" "http://127.0.0.1:$port/f$i"
    i=$((i + 1))
done
t6=$(now); curl --silent --show-error --fail "$@"; t7=$(now)

echo "$n files of 1 MiB from python3 http.server on 127.0.0.1 ($(nproc) CPUs)"
report "org.osbuild.files, cold cache" "$t0" "$t1"
report "org.osbuild.files, warm cache" "$t2" "$t3"
report "curl, one process per file" "$t4" "$t5"
report "curl, one process for all files" "$t6" "$t7"
awk -v a="$t0" -v b="$t1" -v c="$t4" -v d="$t5" \
    'BEGIN { printf "cold source / curl throughput ratio: %.2fx\n", (d - c) / (b - a) }'

#!/usr/bin/env bash
# Benchmark of osbuild-service (docs/performance.md, "Build service"). Not a test: it prints figures.
#   jobs per minute for 50 trivial builds submitted at once, with 1 and with 2 workers (PostgreSQL queue);
#   the service's added latency per job: (finished_at - submitted_at) of builds submitted one at a time,
#   against the wall time of the same kind of build run directly with osbuild.
# Needs root, ./build.sh done, the PostgreSQL server (setup.sh), python3 and curl.
# Environment: JOBS (default 50), SEQUENTIAL (builds for the latency figures, default 15).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
jobs=${JOBS:-50}
sequential=${SEQUENTIAL:-15}
osbuild=$repo/out/bin/osbuild
[ "$(id -u)" -eq 0 ] || { echo "run.sh: builds need root" >&2; exit 1; }
[ -x "$osbuild" ] || { echo "run.sh: $osbuild is missing: run ./build.sh first" >&2; exit 1; }
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort | tail -n 1)
[ -x "$pgbin/initdb" ] || { echo "run.sh: the PostgreSQL server is missing: apt-get install postgresql (setup.sh)" >&2; exit 1; }

work=$(mktemp -d /var/tmp/engine-bench-service.XXXXXX)
chmod 0755 "$work"   # the PostgreSQL server runs as postgres, below it
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    [ -f "$work/pg/data/postmaster.pid" ] && runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null || true
    if findmnt -rn -o TARGET | grep -qF "$work/"; then echo "run.sh: mounts left below $work; not removing it" >&2; return; fi
    rm -rf --one-file-system "$work"
}
trap cleanup EXIT

dotnet build src/Service -c Release -o "$work/service" --nologo -v quiet >/dev/null
service=$work/service/osbuild-service
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
manifest() { printf '{"stages": [{"name": "org.osbuild.noop", "options": {"tag": "%s"}}], "assembler": {"name": "org.osbuild.tar", "options": {"filename": "out.tar"}}}' "$1"; }
wait_for() { for _ in $(seq 1 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "run.sh: $1 never said '$2'" >&2; cat "$1" >&2; exit 1; }

# PostgreSQL of our own, on a free port.
mkdir -p "$work/pg" && chown postgres "$work/pg"
pgport=$(free_port)
runuser -u postgres -- "$pgbin/initdb" -D "$work/pg/data" -A trust -U postgres --no-sync >/dev/null
runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w -o "-p $pgport -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
client=bench-client-token; worker=bench-worker-token
sha() { printf %s "$1" | sha256sum | cut -d' ' -f1; }
printf '{"clients": [{"name": "bench", "sha256": "%s"}], "workers": [{"name": "bench-workers", "sha256": "%s"}]}\n' "$(sha $client)" "$(sha $worker)" > "$work/tokens.json"
echo "$worker" > "$work/worker-token"

# Submits $1 builds tagged $2 at once (or one after the other with $3=sequential) and prints, for
# each, submitted_at and finished_at in seconds since the epoch, and its state.
submit_and_wait() {
    local count=$1 tag=$2 mode=${3:-parallel} ids=()
    if [ "$mode" = parallel ]; then
        for i in $(seq 1 "$count"); do
            curl -sf -X POST "$api/api/v1/builds" -H "Authorization: Bearer $client" -d "{\"manifest\": $(manifest "$tag-$i")}" > "$work/submit-$tag-$i" &
        done
        wait $(jobs -p | grep -v -F -x -f <(printf '%s\n' "${pids[@]}")) 2>/dev/null || true
        for i in $(seq 1 "$count"); do ids+=("$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/submit-$tag-$i")"); done
    fi
    python3 - "$api" "$client" "$count" "$tag" "$mode" "${ids[@]}" <<'PY'
import json, sys, time, urllib.request
from datetime import datetime
api, token, count, tag, mode, ids = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6:]
def call(method, path, body=None):
    req = urllib.request.Request(api + path, method=method, data=body, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req) as r: return json.load(r)
def manifest(t): return {"stages": [{"name": "org.osbuild.noop", "options": {"tag": t}}], "assembler": {"name": "org.osbuild.tar", "options": {"filename": "out.tar"}}}
def final(i):
    while True:
        s = call("GET", "/api/v1/builds/" + i)
        if s["state"] in ("succeeded", "failed", "cancelled"): return s
        time.sleep(0.02)
ts = lambda v: datetime.fromisoformat(v).timestamp()
if mode == "sequential":
    for n in range(count):
        i = call("POST", "/api/v1/builds", json.dumps({"manifest": manifest(f"{tag}-{n}")}).encode())["id"]
        s = final(i); print(ts(s["submitted_at"]), ts(s["finished_at"]), s["state"], s["worker"])
else:
    for i in ids:
        s = final(i); print(ts(s["submitted_at"]), ts(s["finished_at"]), s["state"], s["worker"])
PY
}

start_farm() { # $1: number of workers; sets api
    local port; port=$(free_port); api=http://127.0.0.1:$port
    "$service" api --data "$work/api-$1" --listen "$api" --tokens "$work/tokens.json" --postgres "Host=127.0.0.1;Port=$pgport;Username=postgres;Database=postgres" --osbuild "$osbuild" > "$work/api-$1.log" 2>&1 &
    pids+=($!)
    wait_for "$work/api-$1.log" "Application started"
    for w in $(seq 1 "$1"); do
        "$service" worker --api "$api" --token-file "$work/worker-token" --postgres "Host=127.0.0.1;Port=$pgport;Username=postgres;Database=postgres" \
            --store "$work/farm$1-w$w/store" --name "w$w" --osbuild "$osbuild" > "$work/farm$1-w$w.log" 2>&1 &
        pids+=($!)
        wait_for "$work/farm$1-w$w.log" "Application started"
    done
}
stop_farm() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done; pids=(); }

summary() { # stdin: lines of submitted finished state worker
    python3 -c '
import sys, statistics
rows = [l.split() for l in sys.stdin if l.strip()]
sub = [float(r[0]) for r in rows]; fin = [float(r[1]) for r in rows]
bad = [r for r in rows if r[2] != "succeeded"]
lat = sorted(f - s for s, f in zip(sub, fin))
span = max(fin) - min(sub)
workers = sorted(set(r[3] for r in rows))
print(f"{len(rows)} builds, {len(bad)} not succeeded, workers {workers}: span {span:.2f} s = {len(rows) / span * 60:.0f} jobs/min; latency median {statistics.median(lat):.3f} s, p90 {lat[int(len(lat) * 0.9) - 1]:.3f} s")
'
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)"

# Direct osbuild: the same builds, one after the other, on a fresh store.
direct=()
for i in $(seq 1 "$sequential"); do
    manifest "direct-$i" > "$work/direct.json"
    t0=$(date +%s.%N); "$osbuild" --store "$work/direct-store" --json "$work/direct.json" > /dev/null; t1=$(date +%s.%N)
    direct+=("$(python3 -c "print($t1 - $t0)")")
done
direct_median=$(printf '%s\n' "${direct[@]}" | sort -g | python3 -c 'import sys, statistics; print(f"{statistics.median(float(l) for l in sys.stdin):.3f}")')
echo "osbuild directly, $sequential builds one after the other: median $direct_median s per build"

for workers in 1 2; do
    start_farm "$workers"
    submit_and_wait 3 "warmup$workers" > /dev/null   # JIT and connection pools warm
    echo -n "PostgreSQL, $workers worker(s), $jobs builds at once: "
    submit_and_wait "$jobs" "burst$workers" | summary
    if [ "$workers" = 1 ]; then
        echo -n "PostgreSQL, 1 worker, $sequential builds one after the other: "
        submit_and_wait "$sequential" "seq" sequential | tee "$work/seq.txt" | summary
        python3 -c "
import statistics
lat = [float(b) - float(a) for a, b, *_ in (l.split() for l in open('$work/seq.txt'))]
print(f'added latency per job (median service latency - median direct osbuild): {statistics.median(lat) - $direct_median:.3f} s')"
    fi
    stop_farm
done

# One machine, one process, the queue in memory.
port=$(free_port); api=http://127.0.0.1:$port
"$service" --data "$work/embedded" --listen "$api" --osbuild "$osbuild" > "$work/embedded.log" 2>&1 &
pids+=($!)
wait_for "$work/embedded.log" "Application started"
client=$(cat "$work/embedded/client-token")
submit_and_wait 3 "warmupe" > /dev/null
echo -n "embedded (in-memory queue, 1 worker), $sequential builds one after the other: "
submit_and_wait "$sequential" "seqe" sequential | tee "$work/seqe.txt" | summary
python3 -c "
import statistics
lat = [float(b) - float(a) for a, b, *_ in (l.split() for l in open('$work/seqe.txt'))]
print(f'added latency per job, embedded: {statistics.median(lat) - $direct_median:.3f} s')"
echo -n "embedded, $jobs builds at once: "
submit_and_wait "$jobs" "burste" | summary
stop_farm

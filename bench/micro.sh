#!/bin/sh
# Micro-benchmarks of the host's hot code (bench/Engine.Benchmarks, BenchmarkDotNet, short runs):
# canonical JSON and ids of every osbuild sample manifest, treesum of a 5000-file tree against
# `openssl dgst -sha256` of the same files, checksum verification while reading a 128 MiB file.
# Usage: bench/micro.sh [BenchmarkDotNet arguments]     default: --filter '*'
#   ARTIFACTS=/tmp/art-bench   build output (kept out of the repository's bin/obj folders)
#   BENCH_DIR=/var/tmp/engine-bench-micro   generated test data, reused between runs (~400 MB)
#   BENCH_SAMPLES=tests/data/osbuild/samples  manifests for the JSON benchmarks
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
artifacts=${ARTIFACTS:-/tmp/art-bench}
command -v openssl >/dev/null || { echo "micro.sh: openssl is needed for the reference figures" >&2; exit 2; }
dotnet build -c Release "$repo/bench/Engine.Benchmarks" --artifacts-path "$artifacts" --nologo -v quiet
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
[ $# -gt 0 ] || set -- --filter '*'
BENCH_ARTIFACTS=${BENCH_ARTIFACTS:-$artifacts/results} "$artifacts/bin/Engine.Benchmarks/release/Engine.Benchmarks" "$@"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"

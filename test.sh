#!/usr/bin/env bash
# Runs every test (unit and integration) against the install tree made by ./build.sh, and prints
# one summary line "N passed, N failed, N skipped". Integration tests need root: a user who is not
# root is asked for sudo (without sudo, they are skipped, each saying so).
set -uo pipefail
cd "$(dirname "$0")"
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
    exec sudo --preserve-env=ENGINE_SAMPLE_STORE,ENGINE_STAGE_DIFF_STORE,CONFIGURATION -- "$PWD/test.sh" "$@"
elif [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: not root and sudo is not installed: the tests that need root will be skipped (as root: su -c $PWD/test.sh)" >&2
fi
[ -x out/bin/osbuild ] || ./build.sh
results=$(mktemp -d)
trap 'rm -rf --one-file-system "$results"' EXIT
status=0
for project in tests/Protocol.Tests tests/Host.Tests tests/Integration.Tests tests/Service.Tests; do
    log=$results/$(basename "$project").log
    dotnet test "$project" -c Release --nologo --blame-hang-timeout 15m "$@" 2>&1 | tee "$log" || status=1
done
passed=0 failed=0 skipped=0 unrun=""
for log in "$results"/*.log; do
    grep -qE 'Failed: *[0-9]+, Passed:' "$log" || unrun="$unrun $(basename "$log" .log)"
    while read -r f p s; do
        failed=$((failed + f)); passed=$((passed + p)); skipped=$((skipped + s))
    done < <(sed -nE 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\1 \2 \3/p' "$log")
done
echo "$passed passed, $failed failed, $skipped skipped"
# A project that did not compile runs no test at all: say so, or the summary looks green.
[ -z "$unrun" ] || echo "did not run (build failed?):$unrun" >&2
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]

#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer, with AddressSanitizer) of TaskKit's JSON, cron, duration and config parsers.
#   scripts/fuzz-lib.sh [SECONDS_PER_TARGET]     (default 60; FUZZ_SEED seeds libFuzzer)
# TaskKit is built with -sanitize=fuzzer,address in its own build directory (.build/fuzz), then fuzz/Harness.swift is
# linked against its objects. Findings (crash-*, timeout-*) are kept in .build/fuzz/findings and fail the run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
seed=${FUZZ_SEED:-13}
build=.build/fuzz
flags=(-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xcc -fsanitize=fuzzer-no-link,address)
swift build --build-path "$build" --target TaskKit "${flags[@]}" >/dev/null
bin=$(swift build --build-path "$build" --show-bin-path "${flags[@]}")
objects=$(find "$bin" -name '*.o' \( -path '*TaskKit.build/*' -o -path '*CBackendLoader.build/*' -o -path '*CTaskqSupport.build/*' \
    -o -path '*TaskqMigrations.build/*' -o -path '*Logging.build/*' \))
maps=()
for map in "$bin"/CBackendLoader.build/module.modulemap "$bin"/CTaskqSupport.build/module.modulemap "$bin"/TaskqMigrations.build/include/module.modulemap; do
    [ -f "$map" ] && maps+=(-Xcc "-fmodule-map-file=$map")
done
swiftc -sanitize=fuzzer,address -parse-as-library -g -I "$bin/Modules" -I Sources/CSQLite -I Sources/CLibPQ -I Sources/CHiredis \
    -I Sources/CBackendLoader/include -I Sources/CTaskqSupport/include -I /usr/include/postgresql "${maps[@]}" \
    fuzz/Harness.swift $objects -lsqlite3 -ldl -o "$build/taskkit-fuzz" 2>&1 | grep -v "Cannot export local symbol" >&2 || true
rm -rf "$build/findings"; mkdir -p "$build/findings"
status=0
for target in json cron duration config; do
    corpus="$build/corpus-$target"
    mkdir -p "$corpus"
    cp fuzz/seeds/$target/* "$corpus/" 2>/dev/null || true
    echo "fuzz-lib: $target for ${seconds}s"
    if ! SWIFT_BACKTRACE=enable=no FUZZ_TARGET=$target "$build/taskkit-fuzz" "$corpus" -seed="$seed" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -artifact_prefix="$build/findings/$target-" -print_final_stats=1 2>"$build/$target.log"; then
        echo "fuzz-lib: $target FOUND A DEFECT: see $build/$target.log and $build/findings/" >&2
        status=1
    fi
    grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+.*DONE" "$build/$target.log" | tr '\n' ' '; echo
done
exit $status

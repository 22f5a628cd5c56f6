#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in a separate build directory, writes a seed corpus of
# valid files, and runs each parser's fuzzer for N seconds. Exits non-zero on any finding (crash, sanitizer
# report, leak, out-of-memory, timeout) or build failure.
#
#   tests/fuzz/run_fuzzers.sh [SECONDS=60] [BUILD_DIR=build/fuzz]
#
# Environment: CXX (default clang++), FUZZ_JOBS for the build (default 2), FUZZ_RSS_MB (default 2048: an input
# that makes a parser allocate more is a finding).
set -euo pipefail
seconds=${1:-60}
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${2:-$source_dir/build/fuzz}
export CXX=${CXX:-clang++}
jobs=${FUZZ_JOBS:-2}
rss=${FUZZ_RSS_MB:-2048}

cmake -S "$source_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTMS_BUILD_FUZZERS=ON -DTMS_BUILD_TESTS=ON \
  -DTMS_BUILD_TOOLS=OFF -DTMS_BUILD_EXAMPLES=OFF -DTMS_BUILD_BENCHMARKS=OFF -DTMS_INSTALL=OFF >/dev/null
cmake --build "$build_dir" --target fuzz_npy fuzz_npz fuzz_checkpoint fuzz_make_seed_corpus -j "$jobs"

fuzz_dir=$build_dir/tests/fuzz
work=$build_dir/fuzz_runs
rm -rf "$work"
mkdir -p "$work"
"$fuzz_dir/fuzz_make_seed_corpus" "$work/seeds" >/dev/null

status=0
for parser in npy npz checkpoint; do
  corpus=$work/corpus_$parser
  mkdir -p "$corpus" "$work/artifacts_$parser"
  cp "$work/seeds/$parser"/* "$corpus"/
  log=$work/$parser.log
  echo "== fuzz_$parser: ${seconds}s, seeds: $(ls "$work/seeds/$parser" | wc -l) files"
  if "$fuzz_dir/fuzz_$parser" "$corpus" -max_total_time="$seconds" -rss_limit_mb="$rss" -malloc_limit_mb="$rss" \
       -timeout=10 -max_len=4096 -print_final_stats=1 -artifact_prefix="$work/artifacts_$parser/" >"$log" 2>&1; then
    runs=$(grep -m1 '^stat::number_of_executed_units' "$log" | awk '{print $2}' || true)
    secs=$(grep -m1 '^stat::average_exec_per_sec' "$log" | awk '{print $2}' || true)
    cov=$(grep -E 'DONE' "$log" | grep -oE 'cov: [0-9]+' | head -1 || true)
    echo "   ok: $runs executions ($secs/s), $cov, corpus $(ls "$corpus" | wc -l) files, no findings"
  else
    status=1
    echo "   FINDING: see $log and $work/artifacts_$parser/"
    grep -E 'ERROR|SUMMARY|==[0-9]+==' "$log" | head -5 || true
  fi
done
exit $status

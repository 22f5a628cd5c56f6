#!/bin/sh
# Runs the benchmark suite as docs/performance.md reports it: 5 repetitions, medians, JSON per executable.
#   benchmarks/run_benchmarks.sh [build-dir] [results-dir] [extra Google Benchmark flags...]
# Then: /usr/bin/python3 benchmarks/summarize.py <results-dir>
set -eu
build=${1:-build/release}
results=${2:-$build/benchmark-results}
[ $# -ge 2 ] && shift 2 || shift $#
mkdir -p "$results"
for area in peak kernels gradient sampler optimizer training; do
  # The tile-choice scan (Crossover/…, 252 runs) is on demand: bench_gradient --benchmark_filter=Crossover.
  skip=--benchmark_filter=.
  [ "$area" = gradient ] && skip=--benchmark_filter=-Crossover
  "$build/benchmarks/bench_$area" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true "$skip" \
    --benchmark_out="$results/bench_$area.json" --benchmark_out_format=json "$@" >/dev/null
  echo "bench_$area done" >&2
done

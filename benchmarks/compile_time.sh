#!/bin/sh
# Compile time of the README quick start (examples/01_quick_start.cpp) header-only and with tms::precompiled:
# median of N runs (default 3) of wall time, user CPU time and peak memory (GNU time -v), and the load average
# before each run. Usage: benchmarks/compile_time.sh [runs] [flags...]   (default flags: -O3 -march=native)
# Needs g++, Eigen and xsimd where Debian installs them; run it on an idle machine.
set -eu
runs=${1:-3}
[ $# -gt 0 ] && shift
flags=${*:-"-O3 -march=native"}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
common="-std=c++20 -I$root/include -I/usr/include/eigen3"
echo "flags: $flags; $runs runs each; $(g++ --version | head -1)"
# The precompiled library, once (what linking tms::precompiled builds).
g++ $common $flags -DTMS_PRECOMPILED -c "$root/src/precompiled.cpp" -o "$work/tms_precompiled_library.o"
for mode in header_only precompiled; do
  define=""
  [ $mode = precompiled ] && define="-DTMS_PRECOMPILED"
  : > "$work/$mode.txt"
  for run in $(seq "$runs"); do
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -v g++ $common $flags $define -c "$root/examples/01_quick_start.cpp" -o "$work/$mode.o" \
      2> "$work/time.txt"
    wall=$(awk -F': ' '/Elapsed \(wall/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; ++i) s = s * 60 + p[i]; print s}' "$work/time.txt")
    user=$(awk -F': ' '/User time/ {print $2}' "$work/time.txt")
    peak=$(awk -F': ' '/Maximum resident/ {print $2}' "$work/time.txt")
    echo "$wall $user $peak $load" >> "$work/$mode.txt"
    echo "$mode run $run: wall ${wall} s, user ${user} s, peak ${peak} KB, load before ${load}"
  done
  # The program links and runs either way.
  if [ $mode = precompiled ]; then g++ "$work/$mode.o" "$work/tms_precompiled_library.o" -o "$work/$mode"; else g++ "$work/$mode.o" -o "$work/$mode"; fi
  "$work/$mode" > /dev/null
  sort -n "$work/$mode.txt" | awk -v mode=$mode -v runs="$runs" '{w[NR] = $1} END {
    m = int((runs + 1) / 2); printf "%s: median wall %.1f s\n", mode, w[m] }'
  sort -n -k3 "$work/$mode.txt" | awk -v mode=$mode -v runs="$runs" '{p[NR] = $3} END {
    m = int((runs + 1) / 2); printf "%s: median peak %.0f MB\n", mode, p[m] / 1024 }'
done

#!/usr/bin/env bash
# Throughput of `tms sweep` across processes vs threads: the same 200-model sweep (n = 20, m = 5) run as
# 2 MPI ranks x 1 thread and as 1 process x 2 threads, alternated RUNS times; prints the medians and their ratio.
# The target (docs/distributed.md) is a ratio within 10% of 1: distributing over ranks costs nothing measurable.
#
# usage: [BIND=...] [MPIEXEC=mpirun] benchmarks/sweep_throughput.sh [TMS_BINARY] [RUNS]   (defaults: build/release/tools/tms, 3)
set -euo pipefail
tms=${1:-build/release/tools/tms}
runs=${2:-3}
mpiexec=${MPIEXEC:-mpirun}
# Open MPI pins each rank to a core by default; threads are free to move. On a machine shared with other work a
# pinned rank cannot leave a busy core, which measures the neighbours, not the sweep: compare like with like.
# BIND="--bind-to core" measures the pinned layout.
bind=${BIND:---bind-to none}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/grid.json" <<'GRID'
{
  "comment": "sweep_throughput.sh: 200 models, two architectures, dense to sparse",
  "models": ["relu_output", "relu_hidden"],
  "n": 20,
  "m": 5,
  "probabilities": [1.0, 0.3, 0.1, 0.01],
  "importance": 0.8,
  "seeds": {"count": 25},
  "steps": 12000,
  "batch_size": 1024,
  "learning_rate": 0.002
}
GRID

seconds() {  # seconds MODE: one sweep from scratch, wall time on stdout
    rm -f "$work/results.jsonl"
    local start end
    start=$(date +%s.%N)
    if [ "$1" = ranks ]; then
        "$mpiexec" --allow-run-as-root --oversubscribe $bind -np 2 "$tms" sweep --grid "$work/grid.json" \
            --out "$work/results.jsonl" --threads 1 --quiet > /dev/null
    else
        "$tms" sweep --grid "$work/grid.json" --out "$work/results.jsonl" --threads 2 --quiet > /dev/null
    fi
    end=$(date +%s.%N)
    [ "$(grep -c . "$work/results.jsonl")" -eq 200 ] || { echo "sweep did not write 200 results" >&2; exit 1; }
    echo "$end - $start" | bc -l
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

ranks=() threads=()
for run in $(seq 1 "$runs"); do
    ranks+=("$(seconds ranks)")
    threads+=("$(seconds threads)")
    printf 'run %d: 2 ranks x 1 thread %.2f s, 1 rank x 2 threads %.2f s\n' "$run" "${ranks[-1]}" "${threads[-1]}"
done
r=$(median "${ranks[@]}")
t=$(median "${threads[@]}")
printf '\n| layout | median of %d (s) | models/s |\n|---|---|---|\n' "$runs"
printf '| 2 ranks x 1 thread (mpirun -np 2) | %.2f | %.1f |\n' "$r" "$(echo "200 / $r" | bc -l)"
printf '| 1 rank x 2 threads (--threads 2) | %.2f | %.1f |\n' "$t" "$(echo "200 / $t" | bc -l)"
printf '\nratio ranks/threads: %.3f (target: within 10%% of 1)\n' "$(echo "$r / $t" | bc -l)"

# A sweep killed with SIGKILL part way (the mpiexec process under MPI, else the tms process) and started again
# completes with every configuration exactly once; a torn last line is dropped.
source "$(dirname "$0")/common.sh"
grid=$scripts/kill_grid.json
if [ -n "${TMS_TEST_STEPS:-}" ]; then  # the sanitizer build trains ~50x slower
    sed -E "s/\"steps\": [0-9]+/\"steps\": $TMS_TEST_STEPS/" "$grid" > kill_grid.json
    grid=$PWD/kill_grid.json
fi

# Started directly (not through the `sweep` function) so that $! is the process to kill.
if [ -n "$mpiexec" ]; then
    "$mpiexec" --allow-run-as-root --oversubscribe -np 2 "$tms" sweep --grid "$grid" --out results.jsonl --quiet \
        > first.txt 2>&1 &
else
    "$tms" sweep --grid "$grid" --out results.jsonl --threads 1 --quiet > first.txt 2>&1 &
fi
pid=$!
for _ in $(seq 1 600); do  # until two results are on disk (at most 60 s)
    [ -f results.jsonl ] && [ "$(grep -c . results.jsonl)" -ge 2 ] && break
    sleep 0.1
done
kill -KILL "$pid"
wait "$pid" 2>/dev/null
# The ranks of a killed mpiexec are orphaned and may write another result or two before they notice; the results
# file's lock tells when the last of them is gone (the restart below would wait for it too).
for _ in $(seq 1 300); do flock -n results.jsonl true && break; sleep 0.1; done
flock -n results.jsonl true || fail "the killed sweep still holds results.jsonl after 30 s"
done_at_kill=$(grep -c . results.jsonl)
[ "$done_at_kill" -ge 2 ] || fail "the first run wrote $done_at_kill results before the kill"
[ "$done_at_kill" -lt 40 ] || fail "the first run finished before it was killed; make kill_grid.json slower"
# A kill between write and newline leaves a torn line; make sure there is one to drop.
printf '{"id":"0123456789abcdef","point":"torn' >> results.jsonl

sweep sweep --grid "$grid" --out results.jsonl --threads 1 --quiet > second.txt 2>&1 || fail "restart failed: $(cat second.txt)"
grep -q "dropped a torn last line" second.txt || fail "restart did not report the torn line: $(cat second.txt)"
grep -q "running $((40 - $(grep -o 'configs, [0-9]*' second.txt | grep -o '[0-9]*$'))) on" second.txt ||
    fail "restart summary: $(cat second.txt)"
already=$(grep -o 'configs, [0-9]*' second.txt | grep -o '[0-9]*$')
[ "$already" -ge "$done_at_kill" ] || fail "restart saw $already finished configs, fewer than $done_at_kill"
expect_each_once results.jsonl 40
grep -q '0123456789abcdef' results.jsonl && fail "the torn line survived"
echo "kill/resume: ok ($done_at_kill of 40 done at the kill, $already when restarted)"

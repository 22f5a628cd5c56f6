# The grid docs/distributed.md shows is valid and runs to one result per configuration (its steps cut to
# $TMS_TEST_STEPS when set, as in the sanitizer build).
source "$(dirname "$0")/common.sh"
grid=$scripts/../../docs/sweep_grid.json
if [ -n "${TMS_TEST_STEPS:-}" ]; then
    sed -E "s/\"steps\": [0-9]+/\"steps\": $TMS_TEST_STEPS/" "$grid" > grid.json
    grid=grid.json
fi
"$tms" sweep --grid "$grid" --out results.jsonl --quiet > out.txt 2>&1 || fail "sweep failed: $(cat out.txt)"
expect_each_once results.jsonl 25
echo "docs grid: ok"

# Bad grids give one line naming the problem (from rank 0 only under MPI), write no results and exit non-zero.
source "$(dirname "$0")/common.sh"

check() {  # check NAME EXPECTED-SUBSTRING GRID-TEXT
    local name=$1 expected=$2
    printf '%s\n' "$3" > "$name.json"
    rm -f rc.*
    if [ -n "$mpiexec" ]; then
        "$mpiexec" --allow-run-as-root --oversubscribe -np 2 bash -c \
            '"$0" sweep --grid "$1" --out "$2"; rc=$?; echo $rc > "rc.${OMPI_COMM_WORLD_RANK:-${PMIX_RANK:-x}}"; exit $rc' \
            "$tms" "$name.json" "$name.jsonl" > "$name.out" 2> "$name.err"
        local status=$?
        [ "$status" -ne 0 ] || fail "$name: mpiexec exited 0"
        # Once one rank exits non-zero Open MPI may kill the other before its shell records a status,
        # so a missing status is allowed; a recorded one must be non-zero.
        for rank in 0 1; do
            [ ! -f "rc.$rank" ] || [ "$(cat "rc.$rank")" -ne 0 ] || fail "$name: rank $rank exited 0"
        done
    else
        "$tms" sweep --grid "$name.json" --out "$name.jsonl" > "$name.out" 2> "$name.err" &&
            fail "$name: exited 0"
    fi
    [ "$(grep -c '^tms: error:' "$name.err")" -eq 1 ] ||
        fail "$name: expected exactly one error line, got: $(cat "$name.err")"
    grep '^tms: error:' "$name.err" | grep -qF -- "$expected" ||
        fail "$name: error does not name the problem ('$expected'): $(cat "$name.err")"
    [ ! -e "$name.jsonl" ] || fail "$name: created the results file"
}

check malformed "malformed JSON" '{"models": ["relu_output"], "n": 4, "m": 2, "probabilities": [0.1'
check unknown_model "unknown model 'transformer'" '{"models": ["transformer"], "n": 4, "m": 2, "probabilities": [0.1]}'
check empty_grid "probabilities: the list is empty" '{"models": ["relu_output"], "n": 4, "m": 2, "probabilities": []}'
check bad_probability "probabilities[1]: 1.5 is outside [0, 1]" \
    '{"models": ["relu_output"], "n": 4, "m": 2, "probabilities": [0.1, 1.5]}'
check wrong_length "probability vector has 2 entries but there are 4 features" \
    '{"models": ["relu_output"], "n": 4, "m": 2, "probabilities": [[0.1, 0.2]]}'
check unknown_key "unknown key 'stepz'" '{"models": ["relu_output"], "n": 4, "m": 2, "probabilities": [0.1], "stepz": 3}'
# Values that used to pass the grid check and fail once training started, after the results file was created.
base='"models": ["relu_output"], "n": 4, "m": 2, "probabilities": [0.1]'
check beta1 "beta1.json: optimizer.beta1: must be in [0, 1), got 2" "{$base, \"optimizer\": {\"name\": \"adam\", \"beta1\": 2.0}}"
check beta2 "beta2.json: optimizer.beta2: must be in [0, 1), got -1" "{$base, \"optimizer\": {\"name\": \"adamw\", \"beta2\": -1}}"
check epsilon "epsilon.json: optimizer.epsilon: must be positive, got 0" "{$base, \"optimizer\": {\"name\": \"adam\", \"epsilon\": 0}}"
check weight_decay "weight_decay.json: optimizer.weight_decay: must be non-negative, got -1" \
    "{$base, \"optimizer\": {\"name\": \"sgd\", \"weight_decay\": -1}}"
check nesterov "nesterov.json: optimizer.nesterov: Nesterov momentum needs a positive momentum" \
    "{$base, \"optimizer\": {\"name\": \"sgd\", \"nesterov\": true}}"
check importance "importance.json: importances[0]: ratio 1e+39 gives I_3 beyond the float range" "{$base, \"importance\": 1e39}"
check importance_list "importance_list.json: importances[0][2]: importance 1e+39 is beyond the float range" \
    "{$base, \"importance\": [1, 1, 1e39, 1]}"
check huge_n "huge_n.json: n: 1000000000000 is above the limit of 1000000" \
    '{"models": ["relu_output"], "n": 1000000000000, "m": 2, "probabilities": [0.1]}'
check many_seeds "many_seeds.json: seeds.count: 1000000000 is above the limit of 100000" \
    "{$base, \"seeds\": {\"count\": 1000000000}}"
check sets_too_big "config 0 (relu_output n=4 m=2): the feature sets hold 6 features but there are 4" \
    "{$base, \"correlated_sets\": \"3x2@0.1\"}"
check sets_spec "sets_spec.json: correlated_sets[1]: expected COUNTxSIZE or COUNTxSIZE@PROBABILITY" \
    "{$base, \"correlated_sets\": [\"1x2\", \"2\"]}"
check sets_huge "anticorrelated_sets: '1000000000000x2' holds 1000000000000 sets of 2 features, more than the 1000000" \
    "{$base, \"anticorrelated_sets\": \"1000000000000x2\"}"
check sets_list_probability "feature set 0 has no probability of its own and takes the config's, which is a per-feature list" \
    '{"models": ["relu_output"], "n": 4, "m": 2, "probabilities": [[0.1, 0.2]], "correlated_sets": "1x2"}'

# A grid with sets trains them: each results line records the sets, their probability following the axis.
printf '%s\n' '{"models": ["relu_output"], "n": 5, "m": 2, "probabilities": [0.1, 0.05], "steps": 20,
  "batch_size": 64, "correlated_sets": "1x2", "anticorrelated_sets": "1x2@0.2"}' > sets.json
sweep sweep --grid sets.json --out sets.jsonl > sets.out 2> sets.err || fail "sets grid: $(cat sets.err)"
expect_each_once sets.jsonl 2
grep -qF '"feature_sets":[{"correlation":"correlated","size":2,"probability":0.05},{"correlation":"anticorrelated","size":2,"probability":0.2}]' sets.jsonl ||
    fail "sets grid: the results do not record the sets: $(head -c 400 sets.jsonl)"
echo "errors: ok"

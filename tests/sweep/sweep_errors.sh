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
    [ ! -s "$name.jsonl" ] || fail "$name: wrote results"
}

check malformed "malformed JSON" '{"models": ["relu_output"], "n": 4, "m": 2, "probabilities": [0.1'
check unknown_model "unknown model 'transformer'" '{"models": ["transformer"], "n": 4, "m": 2, "probabilities": [0.1]}'
check empty_grid "probabilities: the list is empty" '{"models": ["relu_output"], "n": 4, "m": 2, "probabilities": []}'
check bad_probability "probabilities[1]: 1.5 is outside [0, 1]" \
    '{"models": ["relu_output"], "n": 4, "m": 2, "probabilities": [0.1, 1.5]}'
check wrong_length "probability vector has 2 entries but there are 4 features" \
    '{"models": ["relu_output"], "n": 4, "m": 2, "probabilities": [[0.1, 0.2]]}'
check unknown_key "unknown key 'stepz'" '{"models": ["relu_output"], "n": 4, "m": 2, "probabilities": [0.1], "stepz": 3}'
echo "errors: ok"

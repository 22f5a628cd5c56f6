# Shared by the tests/sweep/*.sh scripts: arguments, the launcher, and line normalisation.
# usage: <script> TMS_BINARY SCRIPTS_DIR WORK_DIR [MPIEXEC]
set -u
tms=$1
scripts=$2
work=$3
mpiexec=${4:-}
rm -rf "$work" && mkdir -p "$work" || exit 1
cd "$work" || exit 1

fail() { echo "FAIL: $*" >&2; exit 1; }

# Runs `tms "$@"` locally, or under `mpiexec -np 2` when an MPI launcher was given.
sweep() {
    if [ -n "$mpiexec" ]; then
        "$mpiexec" --allow-run-as-root --oversubscribe -np 2 "$tms" "$@"
    else
        "$tms" "$@"
    fi
}

# The results file with the "seconds" field (always last) removed, sorted by id (the first field).
normalised() { sed -E 's/,"seconds":[^,}]*}$/}/' "$1" | sort; }

# Fails unless every line of $1 has a distinct id and there are $2 of them.
expect_each_once() {
    local lines unique
    lines=$(grep -c . "$1")
    unique=$(sed -E 's/^\{"id":"([0-9a-f]{16})".*/\1/' "$1" | sort -u | grep -c .)
    [ "$lines" -eq "$2" ] || fail "$1 has $lines lines, expected $2"
    [ "$unique" -eq "$2" ] || fail "$1 has $unique distinct ids, expected $2"
}

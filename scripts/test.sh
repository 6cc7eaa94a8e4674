#!/usr/bin/env bash
# The whole test suite with branch coverage (django_iron_session/ must be at 100%), then
# ruff and mypy --strict. Runs every step and fails at the end if any failed.
# Arguments go to pytest: scripts/test.sh -x tests/test_backend.py
set -uo pipefail
cd "$(dirname "$0")/.." || exit
bin=.venv/bin

failed=()
step() {
    echo "==> $*"
    "$@" || failed+=("$*")
}

$bin/coverage erase
step $bin/coverage run -m pytest "$@"
step $bin/coverage report --fail-under=100 --precision=2
step $bin/ruff check .
step $bin/ruff format --check .
step $bin/mypy .

if ((${#failed[@]})); then
    printf 'FAILED: %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "All green."

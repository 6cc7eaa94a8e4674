#!/usr/bin/env bash
# Creates .venv with the newest Python 3.10-3.13 on this machine and installs the package in
# it, editable, with everything for the tests, linters, documentation, release checks and tox
# (the "dev" dependency group of pyproject.toml). Does nothing when .venv already has what
# pyproject.toml asks for. PYTHON=/path/to/python chooses.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
STAMP="$VENV/.installed-from"

python_minor() {  # the 3.x minor version of $1 if it is 3.10 or newer, else fails
    "$1" -c 'import sys; assert sys.version_info >= (3, 10); print(sys.version_info[1])' \
        2>/dev/null
}

find_python() {
    if [[ -n "${PYTHON:-}" ]]; then
        echo "$PYTHON"
        return
    fi
    local best="" best_minor=0 candidate minor
    local pyenv_versions="${PYENV_ROOT:-$HOME/.pyenv}/versions"
    # pyenv's own folders too: its shims refuse versions that are installed but not selected.
    for candidate in python3.13 python3.12 python3.11 python3.10 python3 \
        "$pyenv_versions"/3.1[0-3].*/bin/python; do
        minor=$(python_minor "$candidate") || continue
        if ((minor <= 13 && minor > best_minor)); then
            best=$candidate
            best_minor=$minor
        fi
    done
    if [[ -z "$best" ]]; then
        echo "No Python 3.10 or newer found; set PYTHON=/path/to/python3" >&2
        exit 1
    fi
    echo "$best"
}

if ! python_minor "$VENV/bin/python" >/dev/null; then
    rm -rf "$VENV"
    python=$(find_python)
    echo "Creating $VENV with $("$python" --version)"
    "$python" -m venv "$VENV"
fi

wanted=$(sha256sum pyproject.toml)
if [[ ! -f "$STAMP" || "$(cat "$STAMP")" != "$wanted" ]]; then
    echo "Installing django-iron-session and its development tools into $VENV"
    # pip 25.1 or newer installs dependency groups (PEP 735).
    "$VENV/bin/python" -m pip install --quiet --upgrade "pip>=25.1"
    "$VENV/bin/python" -m pip install --quiet --editable . --group dev
    echo "$wanted" >"$STAMP"
fi

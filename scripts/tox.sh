#!/usr/bin/env bash
# tox (tox.ini) with the Pythons pyenv has installed put on PATH, where tox looks for them:
# pyenv's shims would refuse the versions that are not selected. Arguments go to tox.
set -euo pipefail
cd "$(dirname "$0")/.."

for bin in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[0-3].*/bin; do
    PATH="$bin:$PATH"
done
export PATH
# tox-uv: use those Pythons, never download one.
export UV_PYTHON_DOWNLOADS=never
exec .venv/bin/tox "$@"

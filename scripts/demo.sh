#!/usr/bin/env bash
# The demo site in testproject/ on http://127.0.0.1:8000/ with its SQLite database migrated.
set -euo pipefail
cd "$(dirname "$0")/.."

.venv/bin/python testproject/manage.py migrate --no-input --verbosity 0
exec .venv/bin/python testproject/manage.py runserver 127.0.0.1:8000

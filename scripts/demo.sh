#!/usr/bin/env bash
# The demo site in testproject/ on http://127.0.0.1:8000/ (DEMO_PORT chooses another port),
# with its SQLite database migrated, under ASGI (uvicorn): its pages use the async views, and
# its WebSocket shows the session. testproject/testproject/wsgi.py serves the same site under
# WSGI (gunicorn), without the WebSocket.
set -euo pipefail
cd "$(dirname "$0")/.."
# A local demo: without IRON_SESSION_PASSWORD it uses its public development-only password,
# which the system checks (run by migrate) refuse outside DEBUG.
export DEBUG="${DEBUG:-true}"

.venv/bin/python testproject/manage.py migrate --no-input --verbosity 0
exec .venv/bin/python -m uvicorn --app-dir testproject --host 127.0.0.1 \
    --port "${DEMO_PORT:-8000}" --lifespan off testproject.asgi:application

#!/usr/bin/env bash
# The demo site on http://127.0.0.1:8000/ and, beside it, the Node app of the interop tests
# (tests/interop/node_app/server.mjs, iron-session 9) on http://127.0.0.1:8001/, with the same
# password and cookie settings: log in on Django and the Node page shows the same session;
# what Node writes into it, Django shows. A browser sends a cookie to every port of its host,
# so both get the one cookie. DEMO_PORT and DEMO_NODE_PORT choose other ports.
set -euo pipefail
cd "$(dirname "$0")/.."

django_port=${DEMO_PORT:-8000}
node_port=${DEMO_NODE_PORT:-8001}
export DEMO_DJANGO_URL="http://127.0.0.1:$django_port/"
export DEMO_NODE_URL="http://127.0.0.1:$node_port/"
if [[ -z "${IRON_SESSION_PASSWORD:-}" && -z "${IRON_SESSION_KEYRING_FILE:-}" ]]; then
    # The demo's development-only password, which Node must be given too.
    IRON_SESSION_PASSWORD=$(PYTHONPATH=testproject .venv/bin/python -c \
        'from testproject.environment import DEVELOPMENT_ONLY_PASSWORD; print(DEVELOPMENT_ONLY_PASSWORD)')
    export IRON_SESSION_PASSWORD
fi

PORT=$node_port node tests/interop/node_app/server.mjs &
node_pid=$!
trap 'kill "$node_pid" 2>/dev/null || true' EXIT
echo "Node app (iron-session 9): $DEMO_NODE_URL"
DEMO_PORT=$django_port scripts/demo.sh

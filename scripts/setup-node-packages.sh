#!/usr/bin/env bash
# The npm packages of tests/interop (iron-session 8 and 9, @hapi/iron, iron-webcrypto), as
# package-lock.json pins them: for the interop tests, the benchmarks and `make demo-node`.
# Does nothing when they are already installed from this package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null; then
    echo "npm is missing. Install Node.js 20 or newer and npm, e.g.:" >&2
    echo "    sudo apt-get install nodejs npm" >&2
    exit 1
fi

stamp=tests/interop/node_modules/.installed-from
wanted=$(sha256sum tests/interop/package-lock.json)
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$wanted" ]]; then
    echo "Installing the npm packages of tests/interop"
    npm ci --prefix tests/interop --no-audit --no-fund --loglevel=error
    echo "$wanted" >"$stamp"
fi

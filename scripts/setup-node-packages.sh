#!/usr/bin/env bash
# npm packages as each package-lock.json pins them: tests/interop's (iron-session 8 and 9,
# @hapi/iron, iron-webcrypto) when run without arguments, for the interop tests, the
# benchmarks and `make demo-node`; or those of the directories given, e.g. tests/nextjs/next16.
# Does nothing for a directory already installed from its package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null; then
    echo "npm is missing. Install Node.js 20 or newer and npm, e.g.:" >&2
    echo "    sudo apt-get install nodejs npm" >&2
    exit 1
fi

for dir in "${@:-tests/interop}"; do
    stamp=$dir/node_modules/.installed-from
    wanted=$(sha256sum "$dir/package-lock.json")
    if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$wanted" ]]; then
        echo "Installing the npm packages of $dir"
        # iron-session 9 declares Node 22.13 and its cookie 2 Node 22: on Node 20 npm would
        # warn (EBADENGINE), and everything the tests use works.
        npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
        echo "$wanted" >"$stamp"
    fi
done

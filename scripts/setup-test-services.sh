#!/usr/bin/env bash
# What the end-to-end and interop tests need besides Python: Debian's chromium and its
# chromedriver, redis-server, Node.js, and the npm packages of tests/interop and tests/nextjs
# (the Next.js app's two installs, and the create-next-app the tests make an app with).
# Installs missing Debian packages when run as root; otherwise says what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v npm >/dev/null || missing+=(nodejs npm)

if ((${#missing[@]})); then
    if [[ $(id -u) -eq 0 ]]; then
        echo "Installing Debian packages: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null
    else
        echo "Missing: ${missing[*]}. Install them with:" >&2
        echo "    sudo apt-get install ${missing[*]}" >&2
        exit 1
    fi
fi

scripts/setup-node-packages.sh tests/interop tests/nextjs/next15 tests/nextjs/next16 \
    tests/nextjs/create-next-app

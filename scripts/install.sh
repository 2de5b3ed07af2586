#!/usr/bin/env bash
# Installs what Treff needs on Debian 12 / Ubuntu 22.04+: Janus (the media
# server), Chromium (only for the end-to-end tests) and the npm packages.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
packages=()
command -v janus >/dev/null 2>&1 || packages+=(janus)
command -v turnserver >/dev/null 2>&1 || packages+=(coturn)   # TURN, for the tests (they start their own)
[ -x /usr/bin/chromium ] || packages+=(chromium)
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)
command -v ip >/dev/null 2>&1 || packages+=(iproute2)   # the tests' loopback media interface
if [ ${#packages[@]} -gt 0 ]; then
  echo "installing ${packages[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"
fi

major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "Treff needs Node.js 20 or newer; this machine has $(node --version)." >&2
  exit 1
fi
npm ci --no-audit --no-fund

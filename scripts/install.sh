#!/usr/bin/env bash
# Installs what Treff needs on Debian 12 / Ubuntu 22.04+: Janus (the media
# server), Chromium, coturn and Redis (only for the tests, which start their
# own), ffmpeg (only for the tests) and the npm packages.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
packages=()
command -v janus >/dev/null 2>&1 || packages+=(janus)
command -v turnserver >/dev/null 2>&1 || packages+=(coturn)   # TURN, for the tests (they start their own)
command -v redis-server >/dev/null 2>&1 || packages+=(redis-server)   # several nodes, for the tests (they start their own)
command -v ffmpeg >/dev/null 2>&1 || packages+=(ffmpeg)   # decodes a meeting recording, for the tests (test/e2e/recording.test.ts)
[ -x /usr/bin/chromium ] || packages+=(chromium)
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)
command -v ip >/dev/null 2>&1 || packages+=(iproute2)   # the tests' loopback media interface
if [ ${#packages[@]} -gt 0 ]; then
  echo "installing ${packages[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"
  # Debian starts a Redis that saves to disk when it installs one; the tests start their own, and
  # a Redis for several nodes is set up as docs/scaling.md says. Leave none running unasked.
  if [[ " ${packages[*]} " == *" redis-server "* ]] && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    $sudo systemctl disable --now redis-server >/dev/null 2>&1 || true
  fi
fi

major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "Treff needs Node.js 20 or newer; this machine has $(node --version)." >&2
  exit 1
fi
npm ci --no-audit --no-fund

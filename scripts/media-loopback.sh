#!/usr/bin/env bash
# Gives the tests a media address inside the loopback range.
#
# Janus never gathers ICE candidates on the loopback interface (it skips
# interfaces flagged LOOPBACK), so on a test machine it would offer the
# machine's network addresses instead. This creates a veth interface
# `treff0` holding 127.0.0.2: Janus gathers there (JANUS_ICE_INTERFACES=treff0),
# Chromium reaches it, and no media packet is addressed outside 127.0.0.0/8.
# Needs root (CI is root); without it the tests fall back to all interfaces.
set -euo pipefail
if ip -brief address show treff0 2>/dev/null | grep -q '127\.0\.0\.2'; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "media-loopback: not root, cannot create treff0; media will use this machine's own addresses" >&2
  exit 0
fi
ip link add treff0 type veth peer name treff1
ip address add 127.0.0.2/32 dev treff0
ip link set treff1 up
ip link set treff0 up

#!/usr/bin/env bash
# Install Debian's chromium for the citizen-page browser test (tests/browser).
# Idempotent: does nothing when /usr/bin/chromium (or $CHROMIUM) is already there.
# Needs root (or sudo) and the Debian package registry.
set -euo pipefail
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
    echo "chromium present: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
        echo "install-chromium: need root or sudo to apt-get install chromium" >&2; exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
# The lock may be held by another apt run on a shared machine: wait for it.
APT_OPTS=(-o DPkg::Lock::Timeout=300 -y --no-install-recommends)
$SUDO apt-get "${APT_OPTS[@]:0:2}" update -qq
$SUDO apt-get install "${APT_OPTS[@]}" chromium fonts-noto-cjk
"$CHROMIUM" --version

#!/usr/bin/env bash
# Install Debian's chromium for the citizen-page browser test (tests/browser).
# Idempotent: does nothing when /usr/bin/chromium (or $CHROMIUM) is already there.
# Needs root (or sudo) and the Debian package registry (scripts/apt-install.sh).
set -euo pipefail
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
    echo "chromium present: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
    exit 0
fi
"$(dirname "$0")/apt-install.sh" chromium fonts-noto-cjk
"$CHROMIUM" --version

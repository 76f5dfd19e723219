#!/usr/bin/env bash
# Install Debian packages the tests need, as root or through sudo, waiting for
# the apt lock (another apt run may hold it on a shared machine).
#   scripts/apt-install.sh package [package ...]
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
        echo "apt-install: need root or sudo to apt-get install $*" >&2; exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-o DPkg::Lock::Timeout=300 -y --no-install-recommends)
$SUDO apt-get "${APT_OPTS[@]:0:2}" update -qq
$SUDO apt-get install "${APT_OPTS[@]}" "$@"

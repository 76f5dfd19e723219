#!/usr/bin/env bash
# Install Debian's redis-server for the distributed test (tests/celery), which
# needs a Celery broker: it uses a Redis answering at 127.0.0.1:6379, else it
# starts redis-server itself on a free loopback port.
# Idempotent: does nothing when redis-server (or $REDIS_SERVER) is there, or a
# Redis already answers at 127.0.0.1:6379.
# Needs root (or sudo) and the Debian package registry.
set -euo pipefail
REDIS_SERVER="${REDIS_SERVER:-$(command -v redis-server || echo /usr/bin/redis-server)}"
if [ -x "$REDIS_SERVER" ]; then
    echo "redis-server present: $("$REDIS_SERVER" --version 2>/dev/null || echo "$REDIS_SERVER")"
    exit 0
fi
if timeout 3 bash -c 'exec 3<>/dev/tcp/127.0.0.1/6379 && printf "PING\r\n" >&3 && head -c 5 <&3 | grep -q PONG' 2>/dev/null; then
    echo "a Redis answers at 127.0.0.1:6379"
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
        echo "install-redis: need root or sudo to apt-get install redis-server" >&2; exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
# The lock may be held by another apt run on a shared machine: wait for it.
APT_OPTS=(-o DPkg::Lock::Timeout=300 -y --no-install-recommends)
$SUDO apt-get "${APT_OPTS[@]:0:2}" update -qq
$SUDO apt-get install "${APT_OPTS[@]}" redis-server
redis-server --version

#!/usr/bin/env bash
# Install Debian's redis-server for the distributed test (tests/celery), which
# needs a Celery broker: it uses a Redis answering at 127.0.0.1:6379, else it
# starts redis-server itself on a free loopback port.
# Idempotent: does nothing when redis-server (or $REDIS_SERVER) is there, or a
# Redis already answers at 127.0.0.1:6379.
# Needs root (or sudo) and the Debian package registry (scripts/apt-install.sh).
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
"$(dirname "$0")/apt-install.sh" redis-server
redis-server --version

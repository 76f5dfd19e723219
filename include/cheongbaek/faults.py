"""Named crash points, for proving crash consistency with a real ``kill -9``.

Why in the product and not in a test double: the property to prove is what
a *real* worker leaves behind when the kernel kills it mid-stage (open
transactions, a half-written COPY, a folder not yet renamed). A crash point
is a no-op unless ``CHEONGBAEK_CRASH_AT`` names it; then the process sends
itself SIGKILL there: no exception handler, ``finally`` or ``atexit`` runs,
exactly as when an operator or the OOM killer kills a worker.

Points (``CHEONGBAEK_CRASH_AT`` may list several, comma-separated):
``ingest.copy`` (rows streaming into COPY), ``ingest.between_batches``
(a batch committed, the next not begun), ``reconcile.transaction`` (every
entity merged, nothing committed), ``publish.before_switch`` (files written
and checked, ``latest`` untouched), ``publish.after_switch`` (``latest``
switched, the task not yet returned).
"""

from __future__ import annotations

import os
import signal

POINTS = frozenset({"ingest.copy", "ingest.between_batches", "reconcile.transaction",
                    "publish.before_switch", "publish.after_switch"})


def crash_point(name: str) -> None:
    """Die here with SIGKILL when ``CHEONGBAEK_CRASH_AT`` names this point."""
    wanted = os.environ.get("CHEONGBAEK_CRASH_AT")
    if wanted and name in {w.strip() for w in wanted.split(",")}:
        os.kill(os.getpid(), signal.SIGKILL)

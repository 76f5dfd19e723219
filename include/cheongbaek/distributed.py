"""Helpers for running the pipeline distributed (CeleryExecutor, several workers).

``hostname`` is meant for Airflow's ``[core] hostname_callable``
(``AIRFLOW__CORE__HOSTNAME_CALLABLE=cheongbaek.distributed.hostname``): every
task instance records the hostname of the worker that ran it. Containers
have distinct hostnames already; several workers on one machine (the
distributed test, or a host running more than one worker) do not, so each
worker may name itself with ``CHEONGBAEK_WORKER_NAME``.
"""

from __future__ import annotations

import os
import socket

#: The variable a worker's environment sets to name itself in task instances.
WORKER_NAME_VAR = "CHEONGBAEK_WORKER_NAME"


def hostname() -> str:
    """``$CHEONGBAEK_WORKER_NAME`` when set, else the machine's FQDN (Airflow's default)."""
    name = os.environ.get(WORKER_NAME_VAR, "").strip()
    if name:
        return name
    try:
        from airflow.utils.net import getfqdn
    except ImportError:  # a task-SDK-only environment
        return socket.getfqdn()
    return getfqdn()

from __future__ import annotations

import datetime as dt


def ingest_system(system: str, as_of: dt.date) -> dict:
    return {"system": system, "as_of": as_of.isoformat()}

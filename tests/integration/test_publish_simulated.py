"""Publication of a simulated tiny world, end to end through the real ingest.

Runs only once the simulator (cheongbaek.simulator.simulate) and the ingest
runner that loads staging have landed; until then it skips and says why.
The publication must pass every check (Frictionless, Parquet, OCDS, the
privacy guard) on data nobody hand-picked, with memos holding personal data.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.integration


def test_publish_simulated_tiny_world(warehouse: str, legacy_dbs: dict[str, str], drop_dir: Path,
                                      publish_dir: Path, tmp_path: Path) -> None:
    try:
        from cheongbaek.simulator import simulate
    except ImportError:
        pytest.skip("cheongbaek.simulator.simulate has not landed yet")
    from cheongbaek.ingest.runner import ingest_system
    from cheongbaek.publish.runner import publish
    from cheongbaek.sources import sources

    truth = tmp_path / "truth"
    simulate(dt.date(2025, 3, 3), 3, scale="tiny", seed=7, truth_dir=truth)
    as_of = dt.date.fromisoformat(json.loads((truth / "manifest.json").read_text())["as_of"])
    for s in sources():
        ingest_system(s.system, as_of)
    with psycopg.connect(warehouse) as conn:
        petitions = conn.execute("select count(*) from staging.civ_petition").fetchone()[0]
        contracts = conn.execute("select count(*) from staging.fin_contract").fetchone()[0]
    if petitions == 0 or contracts == 0:
        pytest.skip("the ingest runner does not load staging yet")

    from cheongbaek.reconcile.runner import reconcile

    reconcile(as_of)  # staging feeds core, core feeds the publication
    summary = publish(as_of)
    folder = Path(summary["folder"])
    assert (publish_dir / "latest").resolve() == folder
    assert summary["rows"]["open_procedures"] > 0
    assert summary["rows"]["open_petitions"] > 0
    assert summary["rows"]["finance_contracts"] > 0
    assert set(summary["checks"]) == {"frictionless", "parquet", "ocds", "privacy_guard"}
    with psycopg.connect(warehouse) as conn:
        undisclosed = conn.execute(
            """select count(*) from disclosure.open_petitions p
               where p.proc_cd in (select proc_cd from staging.civ_proc_code where open_yn = 'N')""").fetchone()[0]
    assert undisclosed == 0

"""Every mistake of a person gets one line naming the argument or variable, exit code 2, no traceback,
and no password (issue 17, point 1). Nothing here needs a database: the checks run before any."""

from __future__ import annotations

import datetime as dt

import pytest

from cheongbaek import cli
from cheongbaek.usage import redact

SECRET = "S3cret-planted-pw"


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize(("argv", "expected"), [
    (["run", "--as-of", "notadate"], "--as-of: 'notadate' is not a date; write it YYYY-MM-DD"),
    (["run", "--as-of", "2025-02-30"], "--as-of: '2025-02-30' is not a date"),
    (["run", "--as-of", "2030-01-01"], "--as-of: 2030-01-01 is after today"),
    (["run", "--from", "2025-03-12", "--to", "2025-03-03"], "--from 2025-03-12 is after --to 2025-03-03"),
    (["run", "--from", "2025-03-08", "--to", "2025-03-09"], "no business day in between"),
    (["run", "--as-of", "2025-03-12", "--from", "2025-03-03", "--to", "2025-03-04"], "not both"),
    (["run"], "give --as-of D, or --from D1 --to D2"),
    (["run", "--as-of", "2025-03-12", "--dag", "nosuchdag"], "unknown DAG 'nosuchdag'; the DAGs are ingest_finance"),
    (["simulate", "--scale", "huge"], "--scale: 'huge' is not a scale; use one of tiny, small, large"),
    (["simulate", "--start", "yesterday"], "--start: 'yesterday' is not a date"),
    (["simulate", "--days", "0"], "--days: 0 is not a positive number of days"),
    (["db", "url", "--conn", "nosuch"], "--conn: unknown connection 'nosuch'; use one of cb_legacy_civil"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["airflow", "--port", "70000"], "--port: 70000 is not a port"),
])
def test_usage_mistake_is_one_line_exit_2(argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(argv, capsys)
    assert code == 2, out
    assert expected in out
    assert "Traceback" not in out
    assert len(out.strip().splitlines()) == 1, out


@pytest.mark.parametrize(("uri", "expected"), [
    (f"mysql://etl:{SECRET}@host/db", "scheme 'mysql' is not PostgreSQL"),
    ("not a uri", "'not a uri' is not a connection URI"),
    (f"postgresql://etl:{SECRET}@host:99999/db", "is not a number from 1 to 65535"),
    (f"postgresql://etl:{SECRET}@host:port/db", "is not a number from 1 to 65535"),
    (f"postgresql://etl:{SECRET}@/db", "names no host"),
    (f"postgresql://etl:{SECRET}@host:5432", "names no database"),
])
def test_bad_warehouse_uri_names_the_variable_and_hides_the_password(
        uri: str, expected: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_CB_WAREHOUSE", uri)
    code, out = _run(["status"], capsys)
    assert code == 2, out
    assert out.startswith("cheongbaek: error: AIRFLOW_CONN_CB_WAREHOUSE: ")
    assert expected in out
    assert SECRET not in out
    assert len(out.strip().splitlines()) == 1


def test_unreachable_warehouse_is_one_line_naming_the_variable(capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_CB_WAREHOUSE", f"postgresql://etl:{SECRET}@127.0.0.1:1/wh?connect_timeout=3")
    code, out = _run(["migrate"], capsys)
    assert code == 1
    assert "AIRFLOW_CONN_CB_WAREHOUSE" in out and "cannot reach connection cb_warehouse" in out
    assert SECRET not in out and "Traceback" not in out
    assert len(out.strip().splitlines()) == 1


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_CB_WAREHOUSE", f"postgresql://etl:{SECRET}@127.0.0.1:1/wh?connect_timeout=3")
    import psycopg

    with pytest.raises(psycopg.OperationalError):
        cli.main(["--debug", "migrate"])


def test_redact_hides_uri_passwords_keys_and_configured_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_CB_LEGACY_FINANCE", f"postgresql://etl:{SECRET}@db.city/fin")
    monkeypatch.setenv("CHEONGBAEK_PSEUDONYM_KEY", "planted-pseudonym-key-123")
    text = (f"failed: postgresql://etl:{SECRET}@db.city/fin; password={SECRET} and {SECRET} alone; "
            "key planted-pseudonym-key-123; smtp://mail:pw2@smtp.city:587")
    shown = redact(text)
    assert SECRET not in shown and "planted-pseudonym-key-123" not in shown and "pw2" not in shown
    assert "postgresql://etl:***@db.city/fin" in shown


def test_business_days_of_a_range_skip_weekends_and_holidays() -> None:
    days = cli.business_days(dt.date(2025, 2, 28), dt.date(2025, 3, 4))
    # 2025-03-01 (Sat, Independence Movement Day), 03-02 (Sun), 03-03 (substitute holiday)
    assert days == [dt.date(2025, 2, 28), dt.date(2025, 3, 4)]


def test_db_url_masks_a_configured_password(capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_CB_WAREHOUSE", f"postgresql://etl:{SECRET}@db.city:5432/wh")
    code, out = _run(["db", "url"], capsys)
    assert code == 0 and out.strip() == "postgresql://etl:***@db.city:5432/wh"
    code, out = _run(["db", "url", "--show-password"], capsys)
    assert code == 0 and SECRET in out

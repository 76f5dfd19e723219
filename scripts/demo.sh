#!/usr/bin/env bash
# The whole pipeline end to end on the embedded default:
# start PostgreSQL, migrate, simulate a small legacy world delivered up to
# yesterday (so its last business day is the D a scheduled run of today's
# DAGs would take), run every DAG through Airflow's scheduler for that day
# (cheongbaek run: real DAG runs, visible afterwards in `make airflow`),
# print the summary, stop.
set -euo pipefail
cd "$(dirname "$0")/.."
DAYS="${CHEONGBAEK_DEMO_DAYS:-10}"
START="${CHEONGBAEK_DEMO_START:-$(python -c "import datetime as d; print(d.date.today() - d.timedelta(days=$DAYS))")}"
SCALE="${CHEONGBAEK_DEMO_SCALE:-small}"

trap 'cheongbaek db down' EXIT
cheongbaek db up
cheongbaek simulate --start "$START" --days "$DAYS" --scale "$SCALE"
AS_OF=$(python -c 'import json, cheongbaek.config as c; print(json.load(open(c.home() / "truth" / "manifest.json"))["as_of"])')
cheongbaek run --as-of "$AS_OF"
HOME_DIR=$(python -c 'import cheongbaek.config as c; print(c.home())')
PUBLISH_DIR=$(python -c 'import cheongbaek.config as c; print(c.publish_dir())')
echo
echo "auditor report: $(ls -1 "$HOME_DIR/reports/auditor_latest.html" 2>/dev/null || echo 'not written')"
echo "publication:    $(readlink -f "$PUBLISH_DIR/latest" 2>/dev/null || echo 'none')"
echo "citizen page:   $(ls -1 "$PUBLISH_DIR/latest/site/index.html" 2>/dev/null || echo "none")"

"""Loading the scenario book: one YAML definition and one SQL query per scenario.

The SQL of a scenario is a query over ``scenario_input`` evaluated as of
``scenario_input.as_of()``; it returns the *population* of the rule (every
subject that could fire once the grace period has passed) with the columns
``subject, estimate_krw, evidence, dept_cd, officer_emp_no, fires,
collected_krw, resolved_by``. Returning the near side too (``fires = false``)
is what lets the runner tell *which* document resolved an alert and how much
was collected on it, without a second query per rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

#: Columns every scenario query must return, in this order.
RESULT_COLUMNS = (
    "subject", "estimate_krw", "evidence", "dept_cd", "officer_emp_no", "fires", "collected_krw", "resolved_by",
)
AREAS = ("tax", "duties", "finance", "hr", "civil")
_REQUIRED = ("id", "area", "title", "why", "rule", "subject", "estimate", "exclusions", "parameters")
_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
_SAFE_TEXT = re.compile(r"^[A-Za-z0-9_.]+$")


@dataclass(frozen=True)
class Scenario:
    """One rule of the scenario book, with its query ready to run."""

    id: str
    area: str
    title: str
    definition: dict[str, Any] = field(repr=False)
    sql: str = field(repr=False)

    @property
    def default_department(self) -> str | None:
        """Keyword of the department that receives alerts whose sources name none."""
        return (self.definition.get("recipients") or {}).get("default_department")


def render_sql(template: str, parameters: dict[str, Any]) -> str:
    """Put the definition's parameters into the query as literals.

    Only numbers and plain codes are accepted, so a definition cannot inject
    SQL; a placeholder without a parameter is an error, not an empty string.
    """

    def literal(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in parameters:
            raise KeyError(f"parameter {name!r} used in the query but not defined")
        value = parameters[name]
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise TypeError(f"parameter {name!r} must be a number or a code, not {value!r}")
        text = str(value)
        if not _SAFE_TEXT.match(text):
            raise ValueError(f"parameter {name!r} has an unsafe value {text!r}")
        return text

    return _PLACEHOLDER.sub(literal, template)


def load_all() -> list[Scenario]:
    """Every scenario of ``definitions/``, sorted by id (area order is the id's)."""
    folder = resources.files("cheongbaek.scenarios") / "definitions"
    scenarios: list[Scenario] = []
    for entry in sorted(folder.iterdir(), key=lambda f: f.name):
        if not entry.name.endswith(".yaml"):
            continue
        definition = yaml.safe_load(entry.read_text(encoding="utf-8"))
        missing = [k for k in _REQUIRED if k not in definition]
        if missing:
            raise ValueError(f"{entry.name}: missing {', '.join(missing)}")
        sid = str(definition["id"])
        if entry.name != f"{sid}.yaml":
            raise ValueError(f"{entry.name}: id {sid!r} does not match the file name")
        if definition["area"] not in AREAS:
            raise ValueError(f"{entry.name}: unknown area {definition['area']!r}")
        sql_file = folder / f"{sid}.sql"
        if not sql_file.is_file():
            raise FileNotFoundError(f"scenario {sid} has no {sid}.sql")
        sql = render_sql(sql_file.read_text(encoding="utf-8"), definition.get("parameters") or {})
        scenarios.append(Scenario(sid, definition["area"], definition["title"], definition, sql))
    return scenarios


def input_scripts() -> list[tuple[str, str]]:
    """(name, SQL) of the scenario-input refresh scripts, in name order."""
    folder = resources.files("cheongbaek.scenarios") / "input"
    return sorted((f.name, f.read_text(encoding="utf-8")) for f in folder.iterdir() if f.name.endswith(".sql"))

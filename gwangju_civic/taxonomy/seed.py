"""Loads taxonomy.json into the database; running it again changes nothing."""
import json
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import Category, Department, PlanPriority, Strategy, TaxonomyRow, Urgency

TAXONOMY_FILE = Path(__file__).with_name("taxonomy.json")


def load_taxonomy(path: Path = TAXONOMY_FILE) -> dict[str, list[dict[str, Any]]]:
    return json.loads(path.read_text(encoding="utf-8"))


def _upsert(model: type[TaxonomyRow], code: str, values: dict[str, Any], counts: dict[str, int]) -> TaxonomyRow:
    """Create the row with this code, or bring its fields in line with the file."""
    row = db.session.scalar(select(model).where(model.code == code))
    if row is None:
        row = model(code=code, **values)
        db.session.add(row)
        counts["created"] += 1
    elif any(getattr(row, key) != value for key, value in values.items()):
        for key, value in values.items():
            setattr(row, key, value)
        counts["updated"] += 1
    else:
        counts["unchanged"] += 1
    db.session.flush()
    return row


def _names(entry: dict[str, Any], *fields: str) -> dict[str, Any]:
    return {field: entry[field] for field in fields}


NAME_FIELDS = ("name_ko", "name_en", "name_fr")
DESCRIPTION_FIELDS = ("description_ko", "description_en", "description_fr")


def seed_taxonomy(data: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    """Upsert every strategy, priority, department and category by code; flushes, never commits."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    strategies = {
        s["code"]: _upsert(Strategy, s["code"], {"number": s["number"], **_names(s, *NAME_FIELDS)}, counts)
        for s in data["strategies"]
    }
    priorities = {
        p["code"]: _upsert(
            PlanPriority,
            p["code"],
            {"number": p["number"], "strategy_id": strategies[p["strategy"]].id, **_names(p, *NAME_FIELDS)},
            counts,
        )
        for p in data["plan_priorities"]
    }
    departments = {
        d["code"]: _upsert(Department, d["code"], {"email": d["email"], **_names(d, *NAME_FIELDS)}, counts)
        for d in data["departments"]
    }
    for c in data["categories"]:
        values = {
            "department_id": departments[c["department"]].id,
            "plan_priority_id": priorities[c["plan_priority"]].id,
            "urgency": Urgency(c["urgency"]),
            **_names(c, *NAME_FIELDS, *DESCRIPTION_FIELDS),
        }
        _upsert(Category, c["code"], values, counts)
    return counts


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Load the taxonomy (strategies, plan priorities, departments, categories) from taxonomy.json."""
    counts = seed_taxonomy(load_taxonomy())
    db.session.commit()
    click.echo("taxonomy: {created} created, {updated} updated, {unchanged} unchanged".format(**counts))

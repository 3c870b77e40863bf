"""The taxonomy seed: the city's plan and departments, loaded idempotently."""
from sqlalchemy import func, select

from gwangju_civic.extensions import db
from gwangju_civic.models import Category, Department, PlanPriority, Strategy
from gwangju_civic.taxonomy.seed import load_taxonomy


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_loads_the_declaration_and_is_idempotent(app, runner):
    with app.app_context():
        db.session.execute(Category.__table__.delete())
        db.session.commit()
    first = runner.invoke(args=["seed"])
    assert "0 updated" in first.output and "40 created" in first.output
    second = runner.invoke(args=["seed"])
    assert second.exit_code == 0
    assert "0 created, 0 updated" in second.output
    with app.app_context():
        assert count(Strategy) == 4
        assert count(PlanPriority) == 20
        assert count(Department) >= 15
        assert count(Category) >= 25
        priority = db.session.scalar(select(PlanPriority).where(PlanPriority.code == "PP18"))
        assert priority.strategy.code == "S4"
        assert "데이터" in priority.name_ko


def test_seed_brings_edited_rows_back_in_line_with_the_file(app, runner):
    with app.app_context():
        roads = db.session.scalar(select(Department).where(Department.code == "roads"))
        roads.name_en = "Renamed by hand"
        db.session.commit()
    result = runner.invoke(args=["seed"])
    assert "1 updated" in result.output
    with app.app_context():
        expected = next(d for d in load_taxonomy()["departments"] if d["code"] == "roads")
        assert db.session.scalar(select(Department.name_en).where(Department.code == "roads")) == expected["name_en"]


def test_every_category_has_a_default_department_priority_and_urgency(app):
    with app.app_context():
        for category in db.session.scalars(select(Category)):
            assert category.department and category.plan_priority and category.urgency
            assert category.name_ko and category.name_en and category.name_fr

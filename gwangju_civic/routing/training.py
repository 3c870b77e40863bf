"""The router's training set: the seed corpus plus every staff correction, which weighs more."""
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from gwangju_civic.extensions import db
from gwangju_civic.models import Category, RoutingCorrection
from gwangju_civic.routing.corpus import load_seed_corpus
from gwangju_civic.routing.features import KOREAN_MODEL
from gwangju_civic.routing.router import Router, TrainingExample

SEED_CORPUS_DIR = Path(__file__).with_name("seed_corpus")
CORRECTION_WEIGHT = 3.0


def category_defaults() -> dict[str, tuple[str, str]]:
    """Category code -> (default department code, default plan priority code), as the database has them."""
    categories = db.session.scalars(
        select(Category).options(selectinload(Category.department), selectinload(Category.plan_priority))
    )
    return {c.code: (c.department.code, c.plan_priority.code) for c in categories}


def correction_examples() -> list[TrainingExample]:
    corrections = db.session.scalars(
        select(RoutingCorrection)
        .order_by(RoutingCorrection.id)
        .options(
            selectinload(RoutingCorrection.category),
            selectinload(RoutingCorrection.department),
            selectinload(RoutingCorrection.plan_priority),
        )
    )
    return [
        TrainingExample(
            text=correction.text,
            kind=correction.kind.value,
            category=correction.category.code,
            department=correction.department.code,
            plan_priority=correction.plan_priority.code,
            urgency=correction.urgency.value,
            weight=CORRECTION_WEIGHT,
        )
        for correction in corrections
    ]


def korean_model() -> str | None:
    """The encoder for Korean and other non-Latin text: e5 unless ROUTER_KOREAN_ENCODER is "off"."""
    setting = current_app.config.get("ROUTER_KOREAN_ENCODER", "e5")
    if setting not in ("e5", "off"):
        raise ValueError(f'ROUTER_KOREAN_ENCODER must be "e5" or "off", not {setting!r}')
    return KOREAN_MODEL if setting == "e5" else None


def train(examples: list[TrainingExample]) -> Router:
    """A router with the app's encoders (ROUTER_EMBEDDING_MODEL for Latin text, `korean_model()` for the rest)."""
    return Router.train(examples, embedding_model=current_app.config.get("ROUTER_EMBEDDING_MODEL"),
                        korean_model=korean_model())


def training_examples() -> list[TrainingExample]:
    """Seeds from ROUTER_SEED_CORPUS (the package's corpus unless configured) plus corrections."""
    corpus_dir = Path(current_app.config.get("ROUTER_SEED_CORPUS") or SEED_CORPUS_DIR)
    return load_seed_corpus(corpus_dir, category_defaults()) + correction_examples()

"""Which router version is active, kept in the database so every web and queue worker agrees within seconds."""
from pathlib import Path

from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import RouterActivation
from gwangju_civic.routing import versions


def activate(models_dir: Path, name: str, actor: str | None = None) -> RouterActivation:
    """Record `name` as the active version (and point models/ACTIVE at it, the fallback for a fresh database); flushes.

    Raises ValueError for a name that is not a trained version on disk.
    """
    versions.activate(models_dir, name)
    activation = RouterActivation(version=name, activated_by=actor)
    db.session.add(activation)
    db.session.flush()
    return activation


def active_version(models_dir: Path) -> str | None:
    """The newest activation (one read of the primary key index, on its own connection), else models/ACTIVE."""
    with db.engine.connect() as connection:
        version = connection.scalar(
            select(RouterActivation.version).order_by(RouterActivation.id.desc()).limit(1)
        )
    return version or versions.active_name(models_dir)

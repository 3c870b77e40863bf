"""The work background jobs do, one idempotent handler per kind, and the periodic look for pending work.

Notifications and digests (the notifications issue) belong here too: register a handler per kind, e.g.
`@handler("notify")` taking the event id, and submit it where the event is recorded.
"""
import json
import logging
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import exists, select

from gwangju_civic.extensions import db
from gwangju_civic.jobs.runs import handler, submit
from gwangju_civic.models import Campaign, Donation

log = logging.getLogger(__name__)


@handler("router_retrain")
def retrain_router(args: dict[str, Any]) -> str:
    """Train on seeds plus corrections and save a version, not activated; the same data reuses its version."""
    from gwangju_civic.routing import versions
    from gwangju_civic.routing.router import data_hash
    from gwangju_civic.routing.training import korean_model, train, training_examples

    models_dir = Path(current_app.config["ROUTER_MODELS_DIR"])
    examples = training_examples()
    digest, encoder = data_hash(examples), korean_model()
    for version in versions.list_versions(models_dir):
        if version.metadata.get("training_data_sha256") == digest and version.metadata.get("korean_model") == encoder:
            return version.name  # a worker killed after saving: the version it trained is the result
    router = train(examples)
    return router.save(models_dir, activate=False).name


@handler("fit_check")
def fit_check(args: dict[str, Any]) -> str:
    """Score donations not yet checked against their campaign (only unscored rows are written)."""
    from gwangju_civic.donations.fit import check_pending_fits

    run = check_pending_fits()
    return f"{run.checked} checked, {run.failed} failed"


@handler("export_build")
def export_build(args: dict[str, Any]) -> str:
    """Build a campaign's open-data ZIP; every run of one job writes the same file (its token), so no orphan."""
    from gwangju_civic.donations.export import build_export

    campaign = db.session.get_one(Campaign, int(args["campaign_id"]))
    export = build_export(campaign, str(args.get("actor", "worker")), args.get("token"))
    return json.dumps({"export_id": export.id, "rows": export.row_count})


@handler("preview_purge")
def purge_previews(args: dict[str, Any]) -> str:
    """Delete unconsented donation previews past their time to live."""
    from gwangju_civic.donations import storage

    return f"{storage.purge_expired()} purged"


@handler("embed_submissions")
def embed_submissions(args: dict[str, Any]) -> str:
    """Write the similarity embedding of every submission that has none yet, in batches (idempotent)."""
    from gwangju_civic.routing.similarity import embed_pending

    return f"{embed_pending()} embedded"


@handler("spool_replay")
def replay_spool(args: dict[str, Any]) -> str:
    """File reports spooled while the database was down, under the codes residents were given."""
    from gwangju_civic.intake.replay import replay_spool as replay

    return f"{len(replay(Path(current_app.config['SPOOL_FOLDER'])))} filed"


@handler("notify")
def notify(args: dict[str, Any]) -> str:
    """Deliver one outbox row (args: notification_id), or every due row when none is named."""
    from gwangju_civic.notifications.delivery import deliver_job

    return deliver_job(args)


@handler("staff_alerts")
def staff_alerts(args: dict[str, Any]) -> str:
    """Write one assignment or routing event's e-mails to the outbox (args: event_id); again adds nothing."""
    from gwangju_civic.following.alerts import write_staff_messages
    from gwangju_civic.models import SubmissionEvent

    event = db.session.get(SubmissionEvent, int(args["event_id"]))
    return f"{write_staff_messages(event) if event is not None else 0} written"


@handler("digest")
def digest(args: dict[str, Any]) -> str:
    """One department's 09:00 digest (args: department, day), or without args every one missing for today."""
    from gwangju_civic.following.digest import run

    return run(args)


def submit_pending_work() -> list[str]:
    """Queue the kinds that have work waiting in the domain; each check is one cheap query or directory scan."""
    from gwangju_civic.donations import storage
    from gwangju_civic.following import digest
    from gwangju_civic.intake import spool
    from gwangju_civic.notifications.delivery import notifications_due
    from gwangju_civic.routing.similarity import has_unembedded

    pending = []
    if db.session.scalar(select(exists().where(Donation.fit_score.is_(None)))):
        pending.append("fit_check")
    if notifications_due():
        pending.append("notify")
    if spool.is_pending(Path(current_app.config["SPOOL_FOLDER"])):
        pending.append("spool_replay")
    if has_unembedded():
        pending.append("embed_submissions")
    if digest.due():  # past 09:00 in Korea and a department's digest was missed (scheduler down at 00:00 UTC)
        pending.append("digest")
    previews = storage.pending_root()
    if previews.is_dir() and any(previews.iterdir()):
        pending.append("preview_purge")
    for kind in pending:
        submit(kind, "pending")
    return pending

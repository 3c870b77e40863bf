"""The 09:00 (Korea) digest: each department's overdue and due-soon open submissions, one e-mail per reader.

Departments only: an officer reads their department's; admins and triagers, who see every department, get none
(the dashboard's backlog is their city-wide view). A department with no active officer gets it at its shared
address. A department with nothing overdue or due soon gets no e-mail. Idempotent per department and day: the
job key is f"digest:{code}:{day}" and each e-mail's outbox key adds its reader, so a re-run sends nothing twice.
"""
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from gwangju_civic.dates import city_today, city_zone
from gwangju_civic.extensions import db
from gwangju_civic.following.alerts import recipients, staff_language
from gwangju_civic.jobs.runs import submit
from gwangju_civic.links import external_url
from gwangju_civic.models import Channel, Department, JobRun, Submission, User, utcnow
from gwangju_civic.notifications import outbox
from gwangju_civic.notifications.messages import render
from gwangju_civic.submissions.transitions import OPEN_STATUSES

log = logging.getLogger(__name__)
KIND = "digest"
SEND_AT = time(9, 0)  # Korea time; Huey's crontab runs in UTC (00:00)
DUE_SOON = timedelta(hours=24)
MAX_LISTED = 50  # per list; the e-mail says how many more the queue holds


@dataclass(frozen=True)
class Digest:
    department: Department
    overdue: list[Submission]
    due_soon: list[Submission]
    overdue_total: int
    due_soon_total: int

    @property
    def is_empty(self) -> bool:
        return not (self.overdue_total or self.due_soon_total)


def job_key(department: Department, day: date) -> str:
    return f"digest:{department.code}:{day.isoformat()}"


def _open_due(department: Department, start: datetime | None, end: datetime) -> tuple[list[Submission], int]:
    """Open submissions of the department due before `end` (and from `start`), soonest first, and their count."""
    where = [Submission.department_id == department.id, Submission.status.in_(OPEN_STATUSES),
             Submission.due_at.is_not(None), Submission.due_at < end]
    if start is not None:
        where.append(Submission.due_at >= start)
    rows = list(db.session.scalars(select(Submission).where(*where)
                                   .order_by(Submission.due_at, Submission.id).limit(MAX_LISTED)))
    return rows, int(db.session.scalar(select(func.count(Submission.id)).where(*where)) or 0)


def build(department: Department, now: datetime) -> Digest:
    overdue, overdue_total = _open_due(department, None, now)
    due_soon, due_soon_total = _open_due(department, now, now + DUE_SOON)
    return Digest(department, overdue, due_soon, overdue_total, due_soon_total)


def send(department: Department, day: date, now: datetime | None = None) -> int:
    """Queue the department's digest for `day` to each reader; flushes. Returns how many e-mails were written."""
    digest = build(department, now or utcnow())
    if digest.is_empty:
        return 0
    written = 0
    for person in recipients(department):
        user = person if isinstance(person, User) else None
        language = staff_language(user)
        subject = _l("Daily digest for %(department)s: %(overdue)s overdue, %(soon)s due soon",
                     department=department.name(language), overdue=digest.overdue_total,
                     soon=digest.due_soon_total)
        subject, text, html = render(
            "email/staff_digest", language, subject, digest=digest, day=day,
            department_name=department.name(language),
            links={s.id: external_url("admin.detail", submission_id=s.id) for s in digest.overdue + digest.due_soon},
            queue_link=external_url("admin.queue", department=department.code))
        who = f"user:{user.id}" if user is not None else "department"
        if outbox.enqueue(channel=Channel.EMAIL, recipient=user.email if user else str(person), kind=KIND,
                          language=language, subject=subject, text=text, html=html, user=user,
                          key=f"{job_key(department, day)}:{who}") is not None:
            written += 1
    return written


def run(args: dict[str, Any]) -> str:
    """The "digest" job: one department's digest (args: department, day), or, without a department, queue
    every department's that is missing for today (the catch-up when the 09:00 run was missed)."""
    if not args.get("department"):
        return f"{schedule(city_today())} queued"
    department = db.session.scalars(select(Department).where(Department.code == args["department"])).one()
    return f"{send(department, date.fromisoformat(str(args['day'])))} e-mails"


def _missing(day: date) -> list[Department]:
    """Departments with no digest run for `day` yet, whatever its state (a failed one stays for an admin)."""
    departments = list(db.session.scalars(select(Department).order_by(Department.code)))
    keys = {job_key(department, day) for department in departments}
    done = set(db.session.scalars(select(JobRun.key).where(JobRun.kind == KIND, JobRun.key.in_(keys))))
    return [department for department in departments if job_key(department, day) not in done]


def schedule(day: date) -> int:
    """Submit one digest run per department for `day` (none twice); flushes. Runs at 09:00 Korea time."""
    missing = _missing(day)
    for department in missing:
        submit(KIND, job_key(department, day), department=department.code, day=day.isoformat())
    if missing:
        log.info("digests for %s queued: %s", day, len(missing))
    return len(missing)


def due(now: datetime | None = None) -> bool:
    """Whether today's digests are late: it is past 09:00 in Korea and some department has none yet."""
    local = (now or utcnow()).astimezone(city_zone())
    return local.time() >= SEND_AT and bool(_missing(local.date()))

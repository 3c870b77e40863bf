"""Staff alerts: an officer hears by e-mail when a submission is assigned to them or routed to their department."""
import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from gwangju_civic.extensions import db
from gwangju_civic.links import external_url
from gwangju_civic.models import Channel, Department, Role, Submission, SubmissionEvent, User
from gwangju_civic.notifications import outbox
from gwangju_civic.notifications.messages import message_language, render

log = logging.getLogger(__name__)
ASSIGNED_KIND, ROUTED_KIND = "staff_assigned", "staff_routed"
JOB_KIND = "staff_alerts"  # composes an event's staff e-mails in the worker (jobs/kinds.py)


def staff_language(user: User | None) -> str:
    """The staff member's language when the account records one, else the city's default (Korean)."""
    return message_language(user.language if user is not None else None)


def department_officers(department: Department) -> list[User]:
    """The department's active officer accounts; never a deactivated one."""
    return list(db.session.scalars(select(User).where(
        User.department_id == department.id, User.role == Role.OFFICER, User.active.is_(True)).order_by(User.id)))


def recipients(department: Department | None) -> list[User | str]:
    """Who reads a department's mail: its active officers, else its shared address, so nothing goes unread."""
    if department is None:
        return []
    return list(department_officers(department)) or [department.email]


def _handles(user: User | None, department: Department | None) -> bool:
    """An active account that can act on a submission of `department`."""
    return (user is not None and user.active
            and (user.sees_all_departments or department is None or user.department_id == department.id))


def _user_by_email(email: str | None) -> User | None:
    if not email:
        return None
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def _alerts_staff(event: SubmissionEvent) -> bool:
    """Assignment: the `assignee` field event; routing: the `department` field event (router or staff)."""
    return event.action == "field_changed" and event.field in ("assignee", "department") and bool(event.new_value)


def staff_messages_for(event: SubmissionEvent) -> None:
    """Called by the trigger for each new event: an assignment or a routing queues a `staff_alerts` job in the
    event's transaction; the worker writes the e-mails, so filing a report does not render them (flushes)."""
    from gwangju_civic.jobs.runs import submit

    if _alerts_staff(event):
        if event.id is None:
            db.session.flush()
        submit(JOB_KIND, f"event:{event.id}", event_id=event.id)


def write_staff_messages(event: SubmissionEvent) -> int:
    """Write the e-mail(s) of one assignment or routing event to the outbox: to the assignee, else the
    department's active officers, else its shared address; never to deactivated users, nor to whoever made the
    change. Writing them again for the same event adds nothing (the outbox key is per event and recipient)."""
    if not _alerts_staff(event):
        return 0
    submission = event.submission
    department = submission.department
    if event.field == "department":
        department = db.session.scalar(select(Department).where(Department.code == event.new_value))
    if event.field == "assignee":
        assignee = _user_by_email(event.new_value)
        kind = ASSIGNED_KIND
    else:
        assignee = submission.assignee
        kind = ROUTED_KIND
    people: list[User | str] = [assignee] if assignee is not None and _handles(assignee, department) \
        else recipients(department)
    written = 0
    for person in people:
        if isinstance(person, User) and person.id == event.user_id:
            continue  # staff who assigned it to themselves, or routed it to their own department, know already
        written += _send(event, submission, department, person, kind if person is assignee else ROUTED_KIND)
    return written


def _send(event: SubmissionEvent, submission: Submission, department: Department | None, person: User | str,
          kind: str) -> int:
    user = person if isinstance(person, User) else None
    address = user.email if user is not None else str(person)
    language = staff_language(user)
    if kind == ASSIGNED_KIND:
        subject = _l("Assigned to you: %(code)s %(title)s", code=submission.tracking_code, title=submission.title)
    else:
        subject = _l("New for your department: %(code)s %(title)s", code=submission.tracking_code,
                     title=submission.title)
    subject, text, html = render(
        f"email/{kind}", language, subject, submission=submission, user=user,
        link=external_url("admin.detail", submission_id=submission.id),
        department_name=department.name(language) if department else "")
    who = f"user:{user.id}" if user is not None else f"department:{department.id if department else 0}"
    written = outbox.enqueue(channel=Channel.EMAIL, recipient=address, kind=kind, language=language,
                             subject=subject, text=text, html=html, key=f"staff-alert:{event.id}:{who}",
                             submission=submission, event=event, user=user)
    log.info("staff alert %s for submission %s queued", kind, submission.tracking_code)
    return int(written is not None)

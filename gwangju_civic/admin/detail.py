"""One submission for staff: everything known about it, and the actions that move it along."""
from typing import TypeVar

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from gwangju_civic.admin import bp, lookups, similar
from gwangju_civic.admin.access import staff_required, visible_submission_or_404
from gwangju_civic.admin.actions import act
from gwangju_civic.admin.forms import (
    ActionForm,
    AssignForm,
    DuplicateForm,
    MessageForm,
    RoutingForm,
    StatusForm,
)
from gwangju_civic.admin.names import role_name
from gwangju_civic.codes import TRACKING_CODE
from gwangju_civic.extensions import db
from gwangju_civic.i18n import current_language
from gwangju_civic.models import Category, Department, PlanPriority, Role, Status, Urgency, User
from gwangju_civic.notifications import operations as notification_operations
from gwangju_civic.submissions import queries, workflow

T = TypeVar("T")

ROUTERS = (Role.ADMIN, Role.TRIAGER)
HEADS = ("category", "department", "plan_priority", "urgency")


def _routing_form(submission) -> RoutingForm:
    """The routing form, showing the current decision, else the router's suggestion."""
    form = RoutingForm().fill_choices(current_language())
    if form.is_submitted():
        return form
    suggestion = submission.routing or {}
    current = {
        "category": submission.category, "department": submission.department,
        "plan_priority": submission.plan_priority,
    }
    for name, row in current.items():
        form[name].data = row.code if row else suggestion.get(name, {}).get("label")
    form.urgency.data = submission.urgency.value if submission.urgency else suggestion.get("urgency", {}).get("label")
    return form


def _assign_form(submission) -> AssignForm:
    form = AssignForm()
    form.officer.choices = [
        SelectChoice(str(u.id), f"{u.name} ({role_name(u.role)})") for u in lookups.officers(submission.department_id)
    ]
    return form


@bp.route("/submissions/<int:submission_id>")
@staff_required()
def detail(submission_id: int):
    return detail_page(visible_submission_or_404(submission_id))


def detail_page(submission) -> str:
    return render_template(
        "admin/detail.html",
        submission=submission,
        similar=similar.similar_submissions(submission),
        routing_form=_routing_form(submission),
        assign_form=_assign_form(submission),
        status_form=StatusForm(status=submission.status.value),
        update_form=MessageForm(prefix="update"),
        note_form=MessageForm(prefix="note"),
        duplicate_form=DuplicateForm(),
        action_form=ActionForm(),
        can_route=current_user.role in ROUTERS,
        messages=notification_operations.messages_for(submission),
    )


def _existing(row: T | None, code: object) -> T:
    """A looked-up row; a code that is gone from the taxonomy (an old suggestion, say) is refused clearly."""
    if row is None:
        raise workflow.WorkflowError(_("%(code)s no longer exists.", code=code))
    return row


def _decide(submission, category: str, department: str, plan_priority: str, urgency: str) -> None:
    workflow.decide_routing(
        submission, current_user,
        category=_existing(lookups.by_code(Category, category), category),
        department=_existing(lookups.by_code(Department, department), department),
        plan_priority=_existing(lookups.by_code(PlanPriority, plan_priority), plan_priority),
        urgency=Urgency(urgency),
    )


@bp.route("/submissions/<int:submission_id>/accept", methods=["POST"])
@staff_required(*ROUTERS)
def accept(submission_id: int):
    """Keep the router's suggestion for every head."""
    submission = visible_submission_or_404(submission_id)

    def accept_suggestion() -> None:
        if not submission.routing:
            raise workflow.WorkflowError(_("There is no routing suggestion to accept."))
        _decide(submission, *(submission.routing[head]["label"] for head in HEADS))

    return act(submission, ActionForm(), accept_suggestion, _("Routing accepted."))


@bp.route("/submissions/<int:submission_id>/routing", methods=["POST"])
@staff_required(*ROUTERS)
def correct_routing(submission_id: int):
    """Set category, department, plan priority and urgency; differences from the router train it."""
    submission = visible_submission_or_404(submission_id)
    form = _routing_form(submission)
    return act(submission, form, lambda: _decide(submission, *(form[head].data for head in HEADS)),
               _("Routing saved."))


@bp.route("/submissions/<int:submission_id>/assign", methods=["POST"])
@staff_required(*ROUTERS)
def assign(submission_id: int):
    submission = visible_submission_or_404(submission_id)
    form = _assign_form(submission)
    return act(submission, form,
               lambda: workflow.assign(submission, current_user,
                                          _existing(db.session.get(User, form.officer.data), form.officer.data)),
               _("Assigned."))


@bp.route("/submissions/<int:submission_id>/status", methods=["POST"])
@staff_required()
def change_status(submission_id: int):
    submission = visible_submission_or_404(submission_id)
    form = StatusForm()
    return act(submission, form,
               lambda: workflow.move(submission, Status(form.status.data), current_user, reason=form.reason.data),
               _("Status changed."))


@bp.route("/submissions/<int:submission_id>/update", methods=["POST"])
@staff_required()
def public_update(submission_id: int):
    submission = visible_submission_or_404(submission_id)
    form = MessageForm(prefix="update")
    return act(submission, form, lambda: workflow.post_update(submission, current_user, form.message.data),
               _("Update sent to the citizen."))


@bp.route("/submissions/<int:submission_id>/note", methods=["POST"])
@staff_required()
def internal_note(submission_id: int):
    submission = visible_submission_or_404(submission_id)
    form = MessageForm(prefix="note")
    return act(submission, form, lambda: workflow.add_note(submission, current_user, form.message.data),
               _("Note added."))


@bp.route("/submissions/<int:submission_id>/duplicate", methods=["POST"])
@staff_required(*ROUTERS)
def duplicate(submission_id: int):
    """Merge into an original: the duplicate's citizen follows the original from then on."""
    submission = visible_submission_or_404(submission_id)
    form = DuplicateForm()

    def merge() -> None:
        original = queries.by_tracking_code(TRACKING_CODE.normalize(form.original.data))
        if original is None:
            raise workflow.WorkflowError(_("No submission has that tracking code."))
        workflow.mark_duplicate(submission, original, current_user, form.reason.data)

    return act(submission, form, merge, _("Marked as a duplicate."))

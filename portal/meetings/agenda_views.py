"""The agenda: the coordinators add items, move them up and down, nest them (buttons, or
the whole order at once from drag and drop), and take them off."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.forms import attach_errors
from portal.input_safety import parse_id
from portal.meetings import bp
from portal.meetings.common import load_item, load_meeting, meeting_url, run_action
from portal.meetings.forms import ItemForm
from portal.meetings.meeting_views import detail_context
from portal.meetings.proposal_views import item_values
from portal.security.permissions import require
from portal.services import agenda
from portal.services.errors import ValidationError


@bp.route("/<int:meeting_id>/items", methods=["POST"])
def add_item(meeting_id: int):
    require(current_user, "meeting.manage")
    meeting = load_meeting(meeting_id)
    form = ItemForm(prefix="add")
    del form.links
    parent = agenda.item_in_meeting(meeting, parse_id(request.form.get("parent", "")))
    errors: list[str] = []
    if form.validate():
        try:
            agenda.add_item(current_user, meeting, item_values(form), parent=parent)
        except ValidationError as error:
            db.session.rollback()
            errors = attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("The item was added to the agenda."), "success")
            return redirect(meeting_url(meeting, "agenda"))
    # The meeting's page again, the form open with what was typed and each message by its
    # field (a flash on a reloaded page lost the typed title).
    context = {**detail_context(meeting), "add_form": form, "add_errors": errors}
    return render_template("meetings/detail.html", **context)


@bp.route("/items/<int:item_id>/move", methods=["POST"])
def move(item_id: int):
    require(current_user, "meeting.manage")
    item = load_item(item_id)
    direction = request.form.get("direction", "")
    return run_action(
        lambda: agenda.move(current_user, item, direction),
        back=meeting_url(item.meeting_id, f"item-{item.id}"),
        success=_("“%(title)s” was moved.", title=item.title),
    )


@bp.route("/<int:meeting_id>/order", methods=["POST"])
def reorder(meeting_id: int):
    """The whole order at once, sent by the drag-and-drop enhancement as
    "id:parent,id:parent,..." (parent empty for a top-level item)."""
    require(current_user, "meeting.manage")
    meeting = load_meeting(meeting_id)
    order: list[tuple[int, int | None]] = []
    for part in request.form.get("order", "").split(","):
        item_id, _sep, parent = part.partition(":")
        if parse_id(item_id) is None or (parent and parse_id(parent) is None):
            abort(400)
        order.append((int(item_id), int(parent) if parent else None))
    return run_action(
        lambda: agenda.reorder(current_user, meeting, order),
        back=meeting_url(meeting, "agenda"),
        success=_("The new order of the agenda was saved."),
    )


@bp.route("/items/<int:item_id>/remove", methods=["POST"])
def remove_item(item_id: int):
    require(current_user, "meeting.manage")
    item = load_item(item_id)
    meeting_id = item.meeting_id
    return run_action(
        lambda: agenda.remove_item(current_user, item, reason=request.form.get("reason", "")),
        back=meeting_url(meeting_id, "agenda"),
        success=_("The item was taken off the agenda."),
    )

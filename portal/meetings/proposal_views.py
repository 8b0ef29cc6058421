"""The cities' proposals: proposing an item, editing it (or, for the coordinators, any item
on the agenda), withdrawing it, and the coordinators' decisions."""

from __future__ import annotations

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from portal import kinds
from portal.extensions import db
from portal.forms import attach_errors, choices
from portal.input_safety import parse_id
from portal.meetings import bp
from portal.meetings.common import load_item, load_meeting, meeting_url, run_action
from portal.meetings.forms import DecideForm, EditItemForm, ItemForm
from portal.models.meetings import AgendaItem
from portal.record_views import save_edit
from portal.security.denials import record_denial
from portal.security.permissions import can, proposal_deadline_passed, require
from portal.services import agenda, meetings, proposals
from portal.services.errors import ValidationError

ITEM_FIELDS = ("title", "description", "kind", "duration_minutes", "presenter")


def _link_choices(form, city_id) -> None:
    linkable = proposals.linkable_records(current_user, city_id)
    form.links.choices = choices(
        (f"{kind}:{record.id}", f"{kinds.name(kind)}: {record.title}")
        for kind, records in linkable.items()
        for record in records
    )


def _links(form) -> list[tuple[str, int]]:
    out = []
    for value in form.links.data or []:
        kind, _sep, record_id = value.partition(":")
        if parse_id(record_id) is not None:
            out.append((kind, int(record_id)))
    return out


def item_values(form) -> dict:
    """An item form's answers in the service's terms (links only on a proposal's form)."""
    values = {name: form[name].data for name in ITEM_FIELDS}
    if "links" in form:
        values["links"] = _links(form)
    return values


def _stored(item: AgendaItem) -> dict:
    return {name: getattr(item, name) for name in ITEM_FIELDS}


@bp.route("/<int:meeting_id>/propose", methods=["GET", "POST"])
def propose(meeting_id: int):
    require(current_user, "network.read")
    meeting = load_meeting(meeting_id)
    if proposal_deadline_passed(current_user, meeting):
        # Still a refusal (and audited), but one that says why and whom to ask.
        record_denial(current_user, "agenda.propose", "meetings", meeting.id, 403)
        return render_template(
            "meetings/too_late.html", meeting=meeting, coordinators=proposals.whom_to_ask()
        ), 403
    require(current_user, "agenda.propose", meeting)
    form = ItemForm()
    _link_choices(form, current_user.city_id)
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            proposals.propose(current_user, meeting, item_values(form))
        except ValidationError as error:
            db.session.rollback()
            errors = attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("Your proposal was sent to the coordinators."), "success")
            return redirect(meeting_url(meeting, "proposals"))
    return render_template(
        "meetings/item_form.html", form=form, errors=errors, meeting=meeting, item=None
    )


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
def edit_item(item_id: int):
    item = load_item(item_id)
    as_proposal = can(current_user, "proposal.edit", item)
    if not as_proposal:
        require(current_user, "meeting.manage")
    form = EditItemForm(
        data=None
        if request.method == "POST"
        else {
            **_stored(item),
            "links": [f"{link.kind}:{link.record_id}" for link in item.links],
            "version": item.version,
        }
    )
    if as_proposal:
        _link_choices(form, item.city_id)
        edit = proposals.edit_proposal
    else:
        del form.links
        edit = agenda.edit_item
    return save_edit(
        form,
        update=lambda version: edit(
            current_user, item, item_values(form), expected_version=version
        ),
        reload=lambda: load_item(item_id),
        current=_stored,
        template="meetings/item_form.html",
        detail=lambda stored: meeting_url(stored.meeting_id, f"item-{stored.id}"),
        record=item,
        success=_("The item was saved."),
        meeting=item.meeting,
        item=item,
    )


@bp.route("/items/<int:item_id>/withdraw", methods=["POST"])
def withdraw(item_id: int):
    item = load_item(item_id)
    require(current_user, "proposal.edit", item)
    return run_action(
        lambda: proposals.withdraw(current_user, item),
        back=meeting_url(item.meeting_id, "proposals"),
        success=_("Your proposal was withdrawn."),
    )


@bp.route("/items/<int:item_id>/decide", methods=["POST"])
def decide(item_id: int):
    require(current_user, "meeting.manage")
    item = load_item(item_id)
    form = DecideForm()
    defer_to = meetings.find_meeting(parse_id(request.form.get("defer_to", "")))
    labels = {"accept": _("accepted"), "defer": _("deferred"), "reject": _("rejected")}
    return run_action(
        lambda: proposals.decide(
            current_user,
            item,
            form.decision.data or "",
            reason=form.reason.data or "",
            defer_to=defer_to,
        ),
        back=meeting_url(item.meeting_id, "proposals"),
        success=_(
            "“%(title)s” was %(decision)s.",
            title=item.title,
            decision=labels.get(form.decision.data or "", ""),
        ),
    )

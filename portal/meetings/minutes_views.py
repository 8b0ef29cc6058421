"""Minutes: the decision and notes of each item (versioned: a conflicting save is refused
and nothing typed is lost), action items and their status, and reading notifications."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.forms import choices, safe_next
from portal.input_safety import parse_id
from portal.meetings import bp
from portal.meetings.common import load_action, load_item, meeting_url, run_action
from portal.meetings.forms import ActionForm, ActionStatusForm, MinutesForm
from portal.models.reference import City
from portal.record_views import save_edit
from portal.security.permissions import require
from portal.services import cities, minutes, notifications


def _owner_choices(form) -> dict[str, City]:
    all_cities = sorted(cities.all_cities(), key=lambda c: c.local_name)
    form.owner_city.choices = choices(
        [("", _("Choose a city"))] + [(c.id, c.local_name) for c in all_cities]
    )
    return {str(c.id): c for c in all_cities}


@bp.route("/items/<int:item_id>/minutes", methods=["GET", "POST"])
def item_minutes(item_id: int):
    item = load_item(item_id)
    meeting = item.meeting
    require(current_user, "minutes.edit", meeting)
    form = MinutesForm(
        data=None
        if request.method == "POST"
        else {
            "decision": item.decision,
            "notes": item.notes,
            "minutes_version": str(item.minutes_version),
        }
    )
    action_form = ActionForm(prefix="action")
    _owner_choices(action_form)
    return save_edit(
        form,
        update=lambda version: minutes.save_minutes(
            current_user,
            item,
            decision=form.decision.data,
            notes=form.notes.data,
            expected_version=parse_id(version),
        ),
        reload=lambda: load_item(item_id),
        current=lambda stored: {"decision": stored.decision, "notes": stored.notes},
        template="meetings/minutes.html",
        detail=lambda stored: url_for("meetings.item_minutes", item_id=stored.id),
        record=item,
        success=_("The minutes of this item were saved."),
        version_field="minutes_version",
        version_of=lambda stored: stored.minutes_version,
        item=item,
        meeting=meeting,
        action_form=action_form,
        status_form=ActionStatusForm(),
    )


@bp.route("/items/<int:item_id>/actions", methods=["POST"])
def add_action(item_id: int):
    item = load_item(item_id)
    require(current_user, "minutes.edit", item.meeting)
    form = ActionForm(prefix="action")
    lookup = _owner_choices(form)
    return run_action(
        lambda: minutes.add_action(
            current_user,
            item,
            {
                "description": form.description.data,
                "owner_city": lookup.get(form.owner_city.data or ""),
                "due_on": _due_on(form),
            },
        ),
        back=url_for("meetings.item_minutes", item_id=item.id) + "#actions",
        success=_("The action item was added."),
    )


def _due_on(form):
    """The due date, or a marker the service refuses when something unreadable was typed."""
    typed = (form.due_on.raw_data or [""])[0].strip()
    if typed and form.due_on.data is None:
        return typed
    return form.due_on.data


@bp.route("/actions/<int:action_id>/status", methods=["POST"])
def action_status(action_id: int):
    action = load_action(action_id)
    require(current_user, "action.update", action)
    form = ActionStatusForm()
    back = request.form.get("back", "")
    return run_action(
        lambda: minutes.set_action_status(
            current_user, action, form.status.data or "", expected_version=form.version.data
        ),
        back=safe_next(back) or meeting_url(action.item.meeting_id),
        success=_("The action item's status was saved."),
    )


@bp.route("/notifications/read", methods=["POST"])
def read_notifications():
    notifications.mark_read(current_user)
    db.session.commit()
    flash(_("Notifications marked read."), "success")
    return redirect(url_for("cities.home"))

"""What the meeting views share: loading what a URL names (through the services, with the
readers' rule for proposals) and running a one-button POST."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user

from portal.extensions import db
from portal.models.meetings import ActionItem, AgendaItem, Meeting
from portal.record_views import stale_message
from portal.security.permissions import can, deny
from portal.services import agenda, meetings, minutes
from portal.services.errors import StaleEdit, ValidationError


def load_meeting(meeting_id: int) -> Meeting:
    return meetings.meeting_by_id(meeting_id)


def load_item(item_id: int) -> AgendaItem:
    """An agenda item or proposal the user may see; another city's proposal does not exist
    for them (404, audited)."""
    item = agenda.item_by_id(item_id)
    if not can(current_user, "proposal.read", item):
        deny(current_user, "proposal.read", "agenda_items", item_id, status=404)
    return item


def load_action(action_id: int) -> ActionItem:
    return minutes.action_by_id(action_id)


def meeting_url(meeting_or_id, anchor: str = "") -> str:
    meeting_id = getattr(meeting_or_id, "id", meeting_or_id)
    return url_for("meetings.detail", meeting_id=meeting_id) + (f"#{anchor}" if anchor else "")


def run_action(service, *, back: str, success: str):
    """A one-button POST that runs one service: its validation messages come back as flash
    messages on the page the user was on (nothing saved), success as a confirmation. A
    refused stale save says so as every edit page does."""
    try:
        service()
    except StaleEdit:
        db.session.rollback()
        flash(stale_message(shown=False), "error")
    except ValidationError as error:
        db.session.rollback()
        for message in error.errors.values():
            flash(message, "error")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(back)

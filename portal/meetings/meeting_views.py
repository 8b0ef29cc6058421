"""Meetings: the series page, creating and editing a meeting, its page with the agenda and
proposals, the printable page, PDF and iCalendar, publishing, held, minutes approved."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.formatting import date_text
from portal.forms import attach_errors, choices
from portal.meetings import bp
from portal.meetings.common import load_meeting, meeting_url, run_action
from portal.meetings.forms import (
    DecideForm,
    EditMeetingForm,
    ItemForm,
    NewMeetingForm,
)
from portal.models.meetings import Meeting
from portal.models.reference import City
from portal.record_views import pdf_response, save_edit
from portal.security.permissions import can, require
from portal.services import annex, cities, meetings, minutes, proposals
from portal.services.errors import ValidationError
from portal.services.reference import SERIES_SLUG
from portal.timeutil import local_today

MEETING_FIELDS = (
    "title",
    "held_on",
    "starts_at",
    "ends_at",
    "venue",
    "online_url",
    "proposal_deadline",
    "chair",
    "secretary",
)


@bp.route("/")
def index():
    require(current_user, "network.read")
    return series(SERIES_SLUG)


@bp.route("/series/<slug>")
def series(slug: str):
    require(current_user, "network.read")
    the_series = meetings.series_by_slug(slug)
    return render_template(
        "meetings/series.html",
        overview=meetings.series_overview(the_series, today=local_today()),
        decisions=minutes.decisions_of_series(the_series.id),
        actions=minutes.actions_of_series(the_series.id),
    )


def _meeting_form_choices(form) -> dict[str, City]:
    all_cities = cities.all_cities()
    form.host_city.choices = choices(
        [("", _("No host city"))]
        + [(c.id, c.name_fi) for c in sorted(all_cities, key=lambda c: c.name_fi)]
    )
    return {str(c.id): c for c in all_cities}


def _meeting_values(form, lookup) -> dict:
    return {
        **{name: form[name].data for name in MEETING_FIELDS},
        "host_city": lookup.get(form.host_city.data or ""),
    }


def _stored(meeting: Meeting) -> dict:
    """A meeting's details in the form's terms."""
    return {
        **{name: getattr(meeting, name) for name in MEETING_FIELDS},
        "host_city": str(meeting.host_city_id or ""),
    }


@bp.route("/new", methods=["GET", "POST"])
def new():
    require(current_user, "meeting.manage")
    the_series = meetings.series_by_slug(request.args.get("series", SERIES_SLUG))
    form = NewMeetingForm()
    lookup = _meeting_form_choices(form)
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            meeting = meetings.create_meeting(
                current_user,
                the_series,
                _meeting_values(form, lookup),
                start=form.start.data,
                past_deadline_ok=form.past_deadline_ok.data,
            )
        except ValidationError as error:
            db.session.rollback()
            errors = attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("The meeting was created as a draft."), "success")
            return redirect(meeting_url(meeting))
    return render_template(
        "meetings/meeting_form.html", form=form, errors=errors, meeting=None, series=the_series
    )


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
def edit(meeting_id: int):
    require(current_user, "meeting.manage")
    meeting = load_meeting(meeting_id)
    form = EditMeetingForm(
        data=None if request.method == "POST" else {**_stored(meeting), "version": meeting.version}
    )
    lookup = _meeting_form_choices(form)
    return save_edit(
        form,
        update=lambda version: meetings.update_meeting(
            current_user, meeting, _meeting_values(form, lookup), expected_version=version
        ),
        reload=lambda: load_meeting(meeting_id),
        current=_stored,
        template="meetings/meeting_form.html",
        detail=meeting_url,
        record=meeting,
        success=_("The meeting's details were saved."),
        meeting=meeting,
        series=meeting.series,
    )


def detail_context(meeting: Meeting) -> dict:
    # The user itself, not the request's proxy to it: the page asks the permission table
    # about every item, and each attribute read through the proxy is a context look-up.
    actor = current_user._get_current_object()
    can_read_agenda = can(actor, "agenda.read", meeting)
    manages = can(actor, "meeting.manage")
    # The coordinators' forms (deciding on proposals, adding items) only for them.
    decide_form = add_form = None
    if manages:
        decide_form = DecideForm()
        decide_form.defer_to.choices = choices(
            [("", _("The next meeting of the series, when it is created"))]
            + [(m.id, f"{m.title}, {date_text(m.held_on)}") for m in meetings.later_drafts(meeting)]
        )
        add_form = ItemForm(prefix="add")
    return {
        "meeting": meeting,
        "schedule": meetings.agenda(meeting) if can_read_agenda else None,
        "manages": manages,
        "proposals": proposals.proposals_for(actor, meeting),
        "links": {
            item.id: proposals.visible_links(actor, item)
            for item in meeting.items
            if item.links and can(actor, "proposal.read", item)
        },
        "arising": minutes.matters_arising(meeting) if can_read_agenda else [],
        "decide_form": decide_form,
        "add_form": add_form,
        "add_errors": [],
        "annex": annex.for_reader(actor, meeting.annex),
        "can_attach": lambda item: can(actor, "papers.edit", item),
        "printing": False,
        "reopenings": minutes.reopenings(meeting),
        "today": local_today(),
    }


@bp.route("/<int:meeting_id>")
def detail(meeting_id: int):
    require(current_user, "network.read")
    meeting = load_meeting(meeting_id)
    return render_template(
        "meetings/detail.html",
        **detail_context(meeting),
        attach_error=session.pop("attach_error", None),
    )


@bp.route("/<int:meeting_id>/print")
def printable(meeting_id: int):
    require(current_user, "network.read")
    meeting = load_meeting(meeting_id)
    require(current_user, "agenda.read", meeting)
    return render_template(
        "meetings/print.html", **{**detail_context(meeting), "manages": False, "printing": True}
    )


@bp.route("/<int:meeting_id>/agenda.pdf")
def pdf(meeting_id: int):
    require(current_user, "network.read")
    meeting = load_meeting(meeting_id)
    require(current_user, "agenda.read", meeting)
    html = render_template(
        "meetings/print.html",
        **{**detail_context(meeting), "manages": False, "printing": True, "pdf": True},
    )
    return pdf_response(html, f"agenda-{meeting.held_on}.pdf", private=False)


@bp.route("/<int:meeting_id>/actions.<fmt>")
def actions_file(meeting_id: int, fmt: str):
    """The meeting's action items as a file, for whoever may read its agenda."""
    from portal.record_views import file_response
    from portal.services import exports

    require(current_user, "network.read")
    meeting = load_meeting(meeting_id)
    require(current_user, "agenda.read", meeting)
    if fmt not in exports.FORMATS:
        abort(404)
    table = exports.action_items_table(current_user, meeting, fmt=fmt)
    db.session.commit()
    return file_response(table, fmt, f"actions-{meeting.held_on}")


@bp.route("/<int:meeting_id>/meeting.ics")
def ical(meeting_id: int):
    require(current_user, "network.read")
    meeting = load_meeting(meeting_id)
    body = meetings.to_ical(
        meeting,
        url=url_for("meetings.detail", meeting_id=meeting.id, _external=True),
        with_agenda=can(current_user, "agenda.read", meeting),
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="meeting-{meeting.id}.ics"'},
    )


def _confirmed() -> bool:
    return request.form.get("confirmed") == "yes"


def _confirm(meeting: Meeting, *, action: str, question: str, consequence: str, button: str):
    """The confirmation step of a step that cannot be taken back by a click: a page of its
    own (no script needed) that posts the same form again, confirmed."""
    return render_template(
        "confirm.html",
        back_url=url_for("meetings.detail", meeting_id=meeting.id),
        back_title=meeting.title,
        action=url_for(action, meeting_id=meeting.id),
        question=question,
        consequence=consequence,
        button=button,
    )


@bp.route("/<int:meeting_id>/publish", methods=["POST"])
def publish(meeting_id: int):
    require(current_user, "meeting.manage")
    meeting = load_meeting(meeting_id)
    if meeting.status == "draft" and meetings.accepted_items(meeting) and not _confirmed():
        return _confirm(
            meeting,
            action="meetings.publish",
            question=_("Publish the agenda of %(title)s?", title=meeting.title),
            consequence=_(
                "Every city's officers are told, and the annex of what the cities shared is "
                "frozen as it is now. Later changes to the agenda are shown as versions."
            ),
            button=_("Publish the agenda"),
        )
    return run_action(
        lambda: meetings.publish(current_user, meeting, annex=annex.build(meeting)),
        back=meeting_url(meeting),
        success=_("The agenda is published and the cities' officers have been told."),
    )


@bp.route("/<int:meeting_id>/held", methods=["POST"])
def mark_held(meeting_id: int):
    require(current_user, "meeting.manage")
    meeting = load_meeting(meeting_id)
    return run_action(
        lambda: meetings.set_status(current_user, meeting, "held"),
        back=meeting_url(meeting),
        success=_("The meeting is marked held."),
    )


@bp.route("/<int:meeting_id>/approve", methods=["POST"])
def approve(meeting_id: int):
    require(current_user, "meeting.manage")
    meeting = load_meeting(meeting_id)
    if minutes.can_approve(meeting) and not _confirmed():
        return _confirm(
            meeting,
            action="meetings.approve",
            question=_("Approve the minutes of %(title)s?", title=meeting.title),
            consequence=_(
                "The minutes are locked: nobody can change them. A coordinator can reopen "
                "them for a correction, giving the reason, which the meeting's page shows."
            ),
            button=_("Approve the minutes"),
        )
    return run_action(
        lambda: minutes.approve(current_user, meeting),
        back=meeting_url(meeting),
        success=_("The minutes are approved and locked."),
    )


@bp.route("/<int:meeting_id>/reopen", methods=["POST"])
def reopen(meeting_id: int):
    require(current_user, "meeting.manage")
    meeting = load_meeting(meeting_id)
    return run_action(
        lambda: minutes.reopen(current_user, meeting, request.form.get("reason", "")),
        back=meeting_url(meeting),
        success=_("The minutes are open for corrections again."),
    )

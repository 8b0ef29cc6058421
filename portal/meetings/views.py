"""Meetings: the series page, a meeting with its agenda and proposals, proposing, deciding,
ordering, publishing, the minutes and action items, and the printable and calendar forms."""

from __future__ import annotations

import io

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import kinds
from portal.extensions import db
from portal.forms import attach_errors, choices
from portal.input_safety import parse_id
from portal.meetings import bp
from portal.meetings.forms import (
    ActionForm,
    ActionStatusForm,
    DecideForm,
    EditItemForm,
    EditMeetingForm,
    ItemForm,
    MinutesForm,
    NewMeetingForm,
)
from portal.models.meetings import (
    ActionItem,
    AgendaAttachment,
    AgendaItem,
    Meeting,
    MeetingSeries,
)
from portal.models.reference import City
from portal.security.permissions import can, deny, require
from portal.services import (
    agenda,
    annex,
    attachments,
    cities,
    meetings,
    minutes,
    notifications,
)
from portal.services.errors import StaleEdit, ValidationError
from portal.services.reference import SERIES_SLUG
from portal.timeutil import local_today

# --- Loading ------------------------------------------------------------------------------


def _series(slug: str) -> MeetingSeries:
    series = db.session.scalar(select(MeetingSeries).where(MeetingSeries.slug == slug))
    if series is None:
        abort(404)
    return series


def _meeting(meeting_id: int) -> Meeting:
    meeting = meetings.load_meeting(meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _item(item_id: int) -> AgendaItem:
    """An agenda item or proposal the user may see; another city's proposal does not exist
    for them (404, audited)."""
    item = db.session.get(AgendaItem, item_id)
    if item is None:
        abort(404)
    if not can(current_user, "proposal.read", item):
        deny(current_user, "proposal.read", "agenda_items", item_id, status=404)
    return item


def _action(action_id: int) -> ActionItem:
    action = db.session.get(ActionItem, action_id)
    if action is None:
        abort(404)
    return action


def _meeting_url(meeting_or_id, anchor: str = "") -> str:
    meeting_id = getattr(meeting_or_id, "id", meeting_or_id)
    return url_for("meetings.detail", meeting_id=meeting_id) + (f"#{anchor}" if anchor else "")


# --- Series -------------------------------------------------------------------------------


@bp.route("/")
def index():
    require(current_user, "network.read")
    return series(SERIES_SLUG)


@bp.route("/series/<slug>")
def series(slug: str):
    require(current_user, "network.read")
    the_series = _series(slug)
    return render_template(
        "meetings/series.html",
        overview=meetings.series_overview(the_series, today=local_today()),
        decisions=minutes.decisions_of_series(the_series.id),
        actions=minutes.actions_of_series(the_series.id),
    )


# --- Meetings -----------------------------------------------------------------------------


def _meeting_form_choices(form) -> dict[str, City]:
    all_cities = cities.all_cities()
    form.host_city.choices = choices(
        [("", _("No host city"))]
        + [(c.id, c.name_fi) for c in sorted(all_cities, key=lambda c: c.name_fi)]
    )
    return {str(c.id): c for c in all_cities}


def _meeting_values(form, lookup) -> dict:
    return {
        "title": form.title.data,
        "held_on": form.held_on.data,
        "starts_at": form.starts_at.data,
        "ends_at": form.ends_at.data,
        "host_city": lookup.get(form.host_city.data or ""),
        "venue": form.venue.data,
        "online_url": form.online_url.data,
        "proposal_deadline": form.proposal_deadline.data,
        "chair": form.chair.data,
        "secretary": form.secretary.data,
    }


@bp.route("/new", methods=["GET", "POST"])
def new():
    require(current_user, "meeting.manage")
    the_series = _series(request.args.get("series", SERIES_SLUG))
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
            )
        except ValidationError as error:
            db.session.rollback()
            errors = attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("The meeting was created as a draft."), "success")
            return redirect(_meeting_url(meeting))
    return render_template(
        "meetings/meeting_form.html", form=form, errors=errors, meeting=None, series=the_series
    )


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
def edit(meeting_id: int):
    require(current_user, "meeting.manage")
    meeting = _meeting(meeting_id)
    form = EditMeetingForm(
        data=None
        if request.method == "POST"
        else {
            "title": meeting.title,
            "held_on": meeting.held_on,
            "starts_at": meeting.starts_at,
            "ends_at": meeting.ends_at,
            "host_city": str(meeting.host_city_id or ""),
            "venue": meeting.venue,
            "online_url": meeting.online_url,
            "proposal_deadline": meeting.proposal_deadline,
            "chair": meeting.chair,
            "secretary": meeting.secretary,
            "version": meeting.version,
        }
    )
    lookup = _meeting_form_choices(form)
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            meetings.update_meeting(
                current_user,
                meeting,
                _meeting_values(form, lookup),
                expected_version=form.version.data,
            )
        except StaleEdit:
            db.session.rollback()
            meeting = _meeting(meeting_id)
            form.refresh_version(meeting.version)
            errors = [
                _(
                    "Someone else saved this meeting while you were editing it. Nothing was "
                    "saved; check the details and save again to keep yours."
                )
            ]
        except ValidationError as error:
            db.session.rollback()
            errors = attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("The meeting's details were saved."), "success")
            return redirect(_meeting_url(meeting))
    return render_template(
        "meetings/meeting_form.html",
        form=form,
        errors=errors,
        meeting=meeting,
        series=meeting.series,
    )


def _detail_context(meeting: Meeting) -> dict:
    actor = current_user
    can_read_agenda = can(actor, "agenda.read", meeting)
    schedule = meetings.agenda(meeting) if can_read_agenda else None
    manages = can(actor, "meeting.manage")
    later = []
    if manages:
        later = [
            m
            for m in db.session.scalars(
                select(Meeting)
                .where(
                    Meeting.series_id == meeting.series_id,
                    Meeting.held_on > meeting.held_on,
                    Meeting.status == "draft",
                )
                .order_by(Meeting.held_on)
            )
        ]
    decide_form = DecideForm()
    decide_form.defer_to.choices = choices(
        [("", _("No date yet"))] + [(m.id, f"{m.title}, {m.held_on:%d.%m.%Y}") for m in later]
    )
    return {
        "meeting": meeting,
        "schedule": schedule,
        "manages": manages,
        "proposals": agenda.proposals_for(actor, meeting),
        "links": {
            item.id: agenda.visible_links(actor, item)
            for item in meeting.items
            if item.links and can(actor, "proposal.read", item)
        },
        "arising": minutes.matters_arising(meeting) if can_read_agenda else [],
        "decide_form": decide_form,
        "add_form": ItemForm(prefix="add"),
        "status_form": ActionStatusForm(),
        "annex": annex.for_reader(actor, meeting.annex),
        "can_attach": lambda item: can(actor, "papers.edit", item),
        "printing": False,
    }


@bp.route("/<int:meeting_id>")
def detail(meeting_id: int):
    require(current_user, "network.read")
    meeting = _meeting(meeting_id)
    return render_template("meetings/detail.html", **_detail_context(meeting))


@bp.route("/<int:meeting_id>/print")
def printable(meeting_id: int):
    require(current_user, "network.read")
    meeting = _meeting(meeting_id)
    require(current_user, "agenda.read", meeting)
    return render_template(
        "meetings/print.html", **{**_detail_context(meeting), "manages": False, "printing": True}
    )


@bp.route("/<int:meeting_id>/agenda.pdf")
def pdf(meeting_id: int):
    require(current_user, "network.read")
    meeting = _meeting(meeting_id)
    require(current_user, "agenda.read", meeting)
    html = render_template(
        "meetings/print.html",
        **{**_detail_context(meeting), "manages": False, "printing": True, "pdf": True},
    )
    return Response(
        meetings.to_pdf(html),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="agenda-{meeting.held_on}.pdf"'},
    )


@bp.route("/<int:meeting_id>/meeting.ics")
def ical(meeting_id: int):
    require(current_user, "network.read")
    meeting = _meeting(meeting_id)
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


def _run(service, *, back: str, success: str):
    """A POST that runs one service: its validation messages come back as flash messages
    on the page the user was on (nothing saved), success as a confirmation."""
    try:
        service()
    except StaleEdit:
        db.session.rollback()
        flash(_("Someone else changed this meanwhile. Nothing was saved; try again."), "error")
    except ValidationError as error:
        db.session.rollback()
        for message in error.errors.values():
            flash(message, "error")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(back)


@bp.route("/<int:meeting_id>/publish", methods=["POST"])
def publish(meeting_id: int):
    require(current_user, "meeting.manage")
    meeting = _meeting(meeting_id)
    return _run(
        lambda: meetings.publish(current_user, meeting, annex=annex.build(meeting)),
        back=_meeting_url(meeting),
        success=_("The agenda is published and the cities' officers have been told."),
    )


@bp.route("/<int:meeting_id>/held", methods=["POST"])
def mark_held(meeting_id: int):
    require(current_user, "meeting.manage")
    meeting = _meeting(meeting_id)
    return _run(
        lambda: meetings.set_status(current_user, meeting, "held"),
        back=_meeting_url(meeting),
        success=_("The meeting is marked held."),
    )


@bp.route("/<int:meeting_id>/approve", methods=["POST"])
def approve(meeting_id: int):
    require(current_user, "meeting.manage")
    meeting = _meeting(meeting_id)
    return _run(
        lambda: minutes.approve(current_user, meeting),
        back=_meeting_url(meeting),
        success=_("The minutes are approved and locked."),
    )


# --- Items and proposals ------------------------------------------------------------------


def _link_choices(form, city_id) -> None:
    linkable = agenda.linkable_records(current_user, city_id)
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


def _item_values(form) -> dict:
    return {
        "title": form.title.data,
        "description": form.description.data,
        "kind": form.kind.data,
        "duration_minutes": form.duration_minutes.data,
        "presenter": form.presenter.data,
        "links": _links(form),
    }


@bp.route("/<int:meeting_id>/propose", methods=["GET", "POST"])
def propose(meeting_id: int):
    require(current_user, "network.read")
    meeting = _meeting(meeting_id)
    require(current_user, "agenda.propose", meeting)
    form = ItemForm()
    _link_choices(form, current_user.city_id)
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            agenda.propose(current_user, meeting, _item_values(form))
        except ValidationError as error:
            db.session.rollback()
            errors = attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("Your proposal was sent to the coordinators."), "success")
            return redirect(_meeting_url(meeting, "proposals"))
    return render_template(
        "meetings/item_form.html", form=form, errors=errors, meeting=meeting, item=None
    )


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
def edit_item(item_id: int):
    item = _item(item_id)
    as_proposal = can(current_user, "proposal.edit", item)
    if not as_proposal:
        require(current_user, "meeting.manage")
    form = EditItemForm(
        data=None
        if request.method == "POST"
        else {
            "title": item.title,
            "description": item.description,
            "kind": item.kind,
            "duration_minutes": item.duration_minutes,
            "presenter": item.presenter,
            "links": [f"{link.kind}:{link.record_id}" for link in item.links],
            "version": item.version,
        }
    )
    if as_proposal:
        _link_choices(form, item.city_id)
    else:
        del form.links
    errors: list[str] = []
    if form.validate_on_submit():
        values = (
            _item_values(form)
            if as_proposal
            else {
                "title": form.title.data,
                "description": form.description.data,
                "kind": form.kind.data,
                "duration_minutes": form.duration_minutes.data,
                "presenter": form.presenter.data,
            }
        )
        try:
            if as_proposal:
                agenda.edit_proposal(current_user, item, values, expected_version=form.version.data)
            else:
                agenda.edit_item(current_user, item, values, expected_version=form.version.data)
        except StaleEdit:
            db.session.rollback()
            item = _item(item_id)
            form.refresh_version(item.version)
            errors = [
                _(
                    "Someone else saved this item while you were editing it. Nothing was "
                    "saved; check it and save again to keep yours."
                )
            ]
        except ValidationError as error:
            db.session.rollback()
            errors = attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("The item was saved."), "success")
            return redirect(_meeting_url(item.meeting_id, f"item-{item.id}"))
    return render_template(
        "meetings/item_form.html", form=form, errors=errors, meeting=item.meeting, item=item
    )


@bp.route("/items/<int:item_id>/withdraw", methods=["POST"])
def withdraw(item_id: int):
    item = _item(item_id)
    require(current_user, "proposal.edit", item)
    return _run(
        lambda: agenda.withdraw(current_user, item),
        back=_meeting_url(item.meeting_id, "proposals"),
        success=_("Your proposal was withdrawn."),
    )


@bp.route("/items/<int:item_id>/decide", methods=["POST"])
def decide(item_id: int):
    require(current_user, "meeting.manage")
    item = _item(item_id)
    form = DecideForm()
    target = request.form.get("defer_to", "")
    defer_to = db.session.get(Meeting, parse_id(target)) if parse_id(target) else None
    labels = {"accept": _("accepted"), "defer": _("deferred"), "reject": _("rejected")}
    return _run(
        lambda: agenda.decide(
            current_user,
            item,
            form.decision.data or "",
            reason=form.reason.data or "",
            defer_to=defer_to,
        ),
        back=_meeting_url(item.meeting_id, "proposals"),
        success=_(
            "“%(title)s” was %(decision)s.",
            title=item.title,
            decision=labels.get(form.decision.data or "", ""),
        ),
    )


@bp.route("/<int:meeting_id>/items", methods=["POST"])
def add_item(meeting_id: int):
    require(current_user, "meeting.manage")
    meeting = _meeting(meeting_id)
    form = ItemForm(prefix="add")
    del form.links
    parent_id = request.form.get("parent", "")
    parent = db.session.get(AgendaItem, parse_id(parent_id)) if parse_id(parent_id) else None
    return _run(
        lambda: agenda.add_item(
            current_user,
            meeting,
            {
                "title": form.title.data,
                "description": form.description.data,
                "kind": form.kind.data,
                "duration_minutes": form.duration_minutes.data,
                "presenter": form.presenter.data,
            },
            parent=parent,
        ),
        back=_meeting_url(meeting, "agenda"),
        success=_("The item was added to the agenda."),
    )


@bp.route("/items/<int:item_id>/move", methods=["POST"])
def move(item_id: int):
    require(current_user, "meeting.manage")
    item = _item(item_id)
    direction = request.form.get("direction", "")
    return _run(
        lambda: agenda.move(current_user, item, direction),
        back=_meeting_url(item.meeting_id, f"item-{item.id}"),
        success=_("“%(title)s” was moved.", title=item.title),
    )


@bp.route("/<int:meeting_id>/order", methods=["POST"])
def reorder(meeting_id: int):
    """The whole order at once, sent by the drag-and-drop enhancement as
    "id:parent,id:parent,..." (parent empty for a top-level item)."""
    require(current_user, "meeting.manage")
    meeting = _meeting(meeting_id)
    order: list[tuple[int, int | None]] = []
    for part in request.form.get("order", "").split(","):
        item_id, _sep, parent = part.partition(":")
        if parse_id(item_id) is None or (parent and parse_id(parent) is None):
            abort(400)
        order.append((int(item_id), int(parent) if parent else None))
    return _run(
        lambda: agenda.reorder(current_user, meeting, order),
        back=_meeting_url(meeting, "agenda"),
        success=_("The new order of the agenda was saved."),
    )


@bp.route("/items/<int:item_id>/remove", methods=["POST"])
def remove_item(item_id: int):
    require(current_user, "meeting.manage")
    item = _item(item_id)
    meeting_id = item.meeting_id
    return _run(
        lambda: agenda.remove_item(current_user, item, reason=request.form.get("reason", "")),
        back=_meeting_url(meeting_id, "agenda"),
        success=_("The item was taken off the agenda."),
    )


# --- Minutes and action items -------------------------------------------------------------


def _owner_choices(form) -> dict[str, City]:
    all_cities = sorted(cities.all_cities(), key=lambda c: c.name_fi)
    form.owner_city.choices = choices(
        [("", _("Choose a city"))] + [(c.id, c.name_fi) for c in all_cities]
    )
    return {str(c.id): c for c in all_cities}


@bp.route("/items/<int:item_id>/minutes", methods=["GET", "POST"])
def item_minutes(item_id: int):
    item = _item(item_id)
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
    errors: list[str] = []
    conflict = None
    if form.validate_on_submit():
        version = form.minutes_version.data
        try:
            minutes.save_minutes(
                current_user,
                item,
                decision=form.decision.data,
                notes=form.notes.data,
                expected_version=parse_id(version),
            )
        except minutes.MinutesConflict:
            db.session.rollback()
            item = _item(item_id)
            conflict = item
            # The user's text stays in the form; the version moves on so that saving again
            # (having read the other text) goes through.
            form.minutes_version.data = str(item.minutes_version)
            form.minutes_version.raw_data = [str(item.minutes_version)]
            errors = [
                _(
                    "Someone else saved the minutes of this item while you were writing. "
                    "Nothing was saved. Their text is shown below and yours is still in the "
                    "form: combine them and save again."
                )
            ]
        except ValidationError as error:
            db.session.rollback()
            errors = attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("The minutes of this item were saved."), "success")
            return redirect(url_for("meetings.item_minutes", item_id=item.id))
    return render_template(
        "meetings/minutes.html",
        item=item,
        meeting=meeting,
        form=form,
        action_form=action_form,
        status_form=ActionStatusForm(),
        errors=errors,
        conflict=conflict,
    )


@bp.route("/items/<int:item_id>/actions", methods=["POST"])
def add_action(item_id: int):
    item = _item(item_id)
    require(current_user, "minutes.edit", item.meeting)
    form = ActionForm(prefix="action")
    lookup = _owner_choices(form)
    return _run(
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
    action = _action(action_id)
    require(current_user, "action.update", action)
    form = ActionStatusForm()
    back = request.form.get("back", "")
    from portal.forms import safe_next

    return _run(
        lambda: minutes.set_action_status(
            current_user, action, form.status.data or "", expected_version=form.version.data
        ),
        back=safe_next(back) or _meeting_url(action.item.meeting_id),
        success=_("The action item's status was saved."),
    )


@bp.route("/notifications/read", methods=["POST"])
def read_notifications():
    notifications.mark_read(current_user)
    db.session.commit()
    flash(_("Notifications marked read."), "success")
    return redirect(url_for("cities.home"))


# --- Attachments --------------------------------------------------------------------------


@bp.route("/items/<int:item_id>/attachments", methods=["POST"])
def attach(item_id: int):
    item = _item(item_id)
    if not can(current_user, "papers.edit", item):
        deny(current_user, "attachment.add", "agenda_items", item.id, status=403)
    upload = request.files.get("file")
    return _run(
        lambda: attachments.attach(
            current_user,
            item,
            upload.stream if upload else io.BytesIO(),
            upload.filename if upload else "",
        ),
        back=_meeting_url(item.meeting_id, f"item-{item.id}"),
        success=_("The paper was attached."),
    )


def _attachment(attachment_id: int) -> AgendaAttachment:
    attachment = db.session.get(AgendaAttachment, attachment_id)
    if attachment is None:
        abort(404)
    _item(attachment.item_id)  # readers of the item only; others get a 404
    return attachment


@bp.route("/attachments/<int:attachment_id>")
def attachment(attachment_id: int):
    found = _attachment(attachment_id)
    path = attachments.path_of(found)
    if path is None:
        abort(404)
    response = send_file(
        path,
        mimetype=found.content_type,
        download_name=found.filename,
        as_attachment=True,
        max_age=0,
    )
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@bp.route("/attachments/<int:attachment_id>/remove", methods=["POST"])
def remove_attachment(attachment_id: int):
    found = _attachment(attachment_id)
    meeting_id, item_id = found.item.meeting_id, found.item_id
    if not can(current_user, "papers.edit", found.item):
        deny(current_user, "attachment.remove", "agenda_attachments", found.id, status=403)
    return _run(
        lambda: attachments.remove(current_user, found),
        back=_meeting_url(meeting_id, f"item-{item_id}"),
        success=_("The paper was removed."),
    )

"""A meeting's lifecycle that one wrong click cannot break (issue 14): minutes approved only
after the meeting is held and after a confirmation, reopened with a reason; no meeting held
before its day; no meeting created that nobody could propose to without saying so; a late
proposer told why and whom to ask."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, Meeting
from portal.timeutil import local_today
from tests.test_meeting_views import CONFIRMED, _hold, _meeting_id, _new_meeting, _text


def _published(app, coordinator, days: int = 30) -> int:
    assert _new_meeting(coordinator, local_today() + timedelta(days=days)).status_code == 302
    meeting = _meeting_id(app)
    assert coordinator.post(f"/meetings/{meeting}/publish", data=CONFIRMED).status_code == 302
    return meeting


def _status(app, meeting_id: int) -> str:
    with app.app_context():
        return db.session.get(Meeting, meeting_id).status


def test_the_minutes_of_a_meeting_not_yet_held_cannot_be_approved(app, client_as):
    coordinator, _ = client_as("coordinator", None)
    meeting = _published(app, coordinator, days=120)  # next spring
    response = coordinator.post(f"/meetings/{meeting}/approve", data=CONFIRMED)
    assert response.status_code == 302
    page = _text(coordinator.get(f"/meetings/{meeting}"))
    assert "Minutes are approved after the meeting has been held" in page
    assert "Approve the minutes" not in page  # no such button before it is held
    assert _status(app, meeting) == "published"


def test_a_meeting_is_not_marked_held_before_its_day(app, client_as):
    coordinator, _ = client_as("coordinator", None)
    meeting = _published(app, coordinator, days=90)
    coordinator.post(f"/meetings/{meeting}/held")
    assert _status(app, meeting) == "published"
    page = _text(coordinator.get(f"/meetings/{meeting}"))
    assert "it can be marked held on that day or later" in page


def test_approving_asks_first_and_reopening_needs_a_reason_that_everyone_sees(app, client_as):
    coordinator, _ = client_as("coordinator", None)
    viewer, _ = client_as("viewer", "oulu")
    meeting = _published(app, coordinator, days=10)
    _hold(app, coordinator, meeting)
    asked = coordinator.post(f"/meetings/{meeting}/approve")
    assert asked.status_code == 200 and "Approve the minutes of" in _text(asked)
    assert 'name="confirmed" value="yes"' in asked.get_data(as_text=True)
    assert _status(app, meeting) == "held"  # nothing happened yet
    assert coordinator.post(f"/meetings/{meeting}/approve", data=CONFIRMED).status_code == 302
    assert _status(app, meeting) == "approved"

    coordinator.post(f"/meetings/{meeting}/reopen", data={"reason": "  "})
    assert _status(app, meeting) == "approved"
    assert "Say why the minutes are reopened." in _text(coordinator.get(f"/meetings/{meeting}"))
    coordinator.post(
        f"/meetings/{meeting}/reopen", data={"reason": "Espoo's decision was recorded wrong."}
    )
    assert _status(app, meeting) == "held"
    page = _text(viewer.get(f"/meetings/{meeting}"))
    assert "Minutes reopened" in page and "Espoo's decision was recorded wrong." in page
    with app.app_context():
        assert (
            db.session.scalar(
                select(AuditEvent.detail).where(AuditEvent.action == "minutes.reopen")
            )
            == "Espoo's decision was recorded wrong."
        )


def test_publishing_asks_first(app, client_as):
    coordinator, _ = client_as("coordinator", None)
    _new_meeting(coordinator, local_today() + timedelta(days=30))
    meeting = _meeting_id(app)
    asked = coordinator.post(f"/meetings/{meeting}/publish")
    assert asked.status_code == 200 and "Publish the agenda of" in _text(asked)
    assert _status(app, meeting) == "draft"


def test_a_meeting_whose_proposal_deadline_has_passed_is_created_only_when_confirmed(
    app, client_as
):
    coordinator, _ = client_as("coordinator", None)
    held_on = local_today() + timedelta(days=3)
    late = (local_today() - timedelta(days=1)).isoformat()
    response = _new_meeting(coordinator, held_on, proposal_deadline=late)
    page = _text(response)
    assert response.status_code == 200
    assert "This day has passed: no city could propose items." in page
    assert "Create it anyway" in page
    assert _meeting_id(app) is None
    confirmed = _new_meeting(coordinator, held_on, proposal_deadline=late, past_deadline_ok="y")
    assert confirmed.status_code == 302 and _meeting_id(app) is not None


def test_a_late_proposer_is_told_the_deadline_passed_and_whom_to_ask(app, client_as, make_user):
    make_user("coordinator", None, name="Network Coordinator", email="coordinator@c21.example")
    coordinator, _ = client_as("coordinator", None)
    _new_meeting(
        coordinator,
        local_today() + timedelta(days=5),
        proposal_deadline=(local_today() - timedelta(days=1)).isoformat(),
        past_deadline_ok="y",
    )
    meeting = _meeting_id(app)
    officer, _ = client_as("officer", "kuopio")
    response = officer.get(f"/meetings/{meeting}/propose")
    page = _text(response)
    assert response.status_code == 403
    assert "The deadline for proposals has passed" in page
    assert "Your role does not allow this" not in page
    assert "coordinator@c21.example" in page
    with app.app_context():  # still a refusal, and audited as one
        assert (
            db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "access.denied"))
            == "agenda.propose -> 403"
        )


def test_the_annex_counts_from_the_last_meeting_actually_held(app, make_user, make_record):
    """A draft that comes earlier in the series but has not been held is not "the previous
    meeting": the annex once counted from its (future) date and came out empty."""
    from datetime import date, time

    from portal.models import City, MeetingSeries, User
    from portal.services import annex, meetings

    coordinator = make_user("coordinator", None)
    make_record("project", "turku", "network", title="Tourism to Turku")
    with app.test_request_context():
        actor = db.session.get(User, coordinator.id)
        series = db.session.scalar(select(MeetingSeries))
        espoo = db.session.scalar(select(City).where(City.slug == "espoo"))

        def values(days: int, title: str) -> dict:
            held_on = local_today() + timedelta(days=days)
            return {
                "title": title,
                "held_on": held_on,
                "starts_at": time(13),
                "ends_at": time(15),
                "host_city": espoo,
                "proposal_deadline": held_on,
            }

        held = meetings.create_meeting(
            actor, series, values(-200, "Held in spring"), past_deadline_ok=True
        )
        meetings.publish(actor, held, annex={})
        meetings.set_status(actor, held, "held")
        meetings.create_meeting(actor, series, values(10, "Draft, not held"))
        autumn = meetings.create_meeting(actor, series, values(20, "Autumn"))
        built = annex.build(autumn)
        assert built["since"] == (local_today() - timedelta(days=200)).isoformat()
        assert built["total"] == 1
        assert isinstance(date.fromisoformat(built["since"]), date)
        db.session.rollback()


def test_a_bad_duration_is_said_by_the_field_and_the_typed_title_stays(app, client_as):
    from portal.models import AgendaItem

    coordinator, _ = client_as("coordinator", None)
    _new_meeting(coordinator, local_today() + timedelta(days=30))
    meeting = _meeting_id(app)
    response = coordinator.post(
        f"/meetings/{meeting}/items",
        data={
            "add-title": "Winter sports exchange with Harbin",
            "add-kind": "discussion",
            "add-duration_minutes": "999",
            "add-presenter": "",
        },
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'value="Winter sports exchange with Harbin"' in page  # nothing typed is lost
    assert 'id="add-duration_minutes-error"' in page  # the message stands by the field
    assert '<details class="card" id="add-item" open>' in page
    with app.app_context():
        assert (
            db.session.scalar(
                select(AgendaItem.id).where(
                    AgendaItem.title == "Winter sports exchange with Harbin"
                )
            )
            is None
        )


def test_a_proposal_deferred_without_a_date_waits_for_the_next_meeting(app, client_as, make_record):
    """A "Defer to: No date yet" once sent a proposal nowhere: it now waits in the series'
    queue and the next meeting created starts with it, links and all."""
    from portal.models import AgendaItem

    shared = make_record("project", "helsinki", "network", title="Winter sports coaching")
    coordinator, _ = client_as("coordinator", None)
    helsinki, _ = client_as("officer", "helsinki")
    _new_meeting(coordinator, local_today() + timedelta(days=30))
    autumn = _meeting_id(app)
    helsinki.post(
        f"/meetings/{autumn}/propose",
        data={
            "title": "Coaching exchange with Harbin",
            "kind": "discussion",
            "duration_minutes": "15",
            "presenter": "",
            "links": f"project:{shared}",
        },
    )
    with app.app_context():
        proposal = db.session.scalar(
            select(AgendaItem.id).where(AgendaItem.title == "Coaching exchange with Harbin")
        )
    coordinator.post(
        f"/meetings/items/{proposal}/decide",
        data={"decision": "defer", "reason": "No time this autumn.", "defer_to": ""},
    )
    page = _text(helsinki.get(f"/meetings/{autumn}"))
    assert "to the next meeting of the series, when it is created" in page

    _new_meeting(
        coordinator, local_today() + timedelta(days=150), title="C21 China network, spring"
    )
    spring = _meeting_id(app, "C21 China network, spring")
    page = _text(coordinator.get(f"/meetings/{spring}"))
    assert "Coaching exchange with Harbin" in page and "Winter sports coaching" in page
    with app.app_context():
        carried = db.session.scalar(
            select(AgendaItem).where(
                AgendaItem.meeting_id == spring,
                AgendaItem.title == "Coaching exchange with Harbin",
            )
        )
        assert carried.status == "proposed" and [link.record_id for link in carried.links] == [
            shared
        ]
        assert db.session.get(AgendaItem, proposal).deferred_to_id == spring
    # Only once: a third meeting does not get it again.
    _new_meeting(coordinator, local_today() + timedelta(days=300), title="Third")
    assert "Coaching exchange with Harbin" not in _text(
        coordinator.get(f"/meetings/{_meeting_id(app, 'Third')}")
    )


def test_the_first_item_offers_no_move_up_and_the_last_no_move_down(app, client_as):
    """Issue 15: "Move up" was offered on the first item (and did nothing)."""
    import re

    coordinator, _ = client_as("coordinator", None)
    assert _new_meeting(coordinator, local_today() + timedelta(days=30)).status_code == 302
    page = coordinator.get(f"/meetings/{_meeting_id(app)}").get_data(as_text=True)
    ups = re.findall(r'Move up<span class="visually-hidden">: (\d+(?:\.\d+)?) ', page)
    downs = re.findall(r'Move down<span class="visually-hidden">: (\d+(?:\.\d+)?) ', page)
    assert ups and downs
    assert "1" not in ups and "1" in downs
    last = str(max(int(n) for n in downs + ups))
    assert last in ups and last not in downs
    assert 'Make a sub-item<span class="visually-hidden">: 1 ' not in page

"""Meetings without HTTP: the start-time arithmetic, proposals and decisions, ordering,
publishing with versions and notifications, minutes with conflicts, and action items carried
into the next meeting until done."""

from __future__ import annotations

from datetime import date, time, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import delete, select

from portal.extensions import db
from portal.models import (
    ActionItem,
    AgendaItem,
    City,
    Meeting,
    MeetingSeries,
    Notification,
    User,
)
from portal.models.mail import OutboxMail
from portal.services import agenda, annex, meetings, minutes, proposals
from portal.services.errors import Forbidden, StaleEdit, ValidationError
from portal.services.schedule import plan
from portal.timeutil import local_today

# --- Start times ---------------------------------------------------------------------------


def _item(minutes, children=()):
    return SimpleNamespace(duration_minutes=minutes, children=list(children))


def test_each_item_starts_when_the_one_before_ends():
    items = [_item(5), _item(10), _item(30)]
    schedule = plan(time(13, 0), time(15, 0), items, lambda i: i.children)
    assert [(s.number, s.starts_at) for s in schedule.flat()] == [
        ("1", time(13, 0)),
        ("2", time(13, 5)),
        ("3", time(13, 15)),
    ]
    assert schedule.ends_at == time(13, 45)
    assert schedule.overrun_minutes == 0
    assert not any(s.overruns for s in schedule.flat())


def test_an_item_with_sub_items_keeps_its_own_time_for_its_introduction():
    # The parent's own 10 minutes come first, then its sub-items: making items sub-items
    # once dropped the parent's own time (the meeting's end moved from 11:35 to 11:15).
    items = [_item(5), _item(10, [_item(20), _item(25)]), _item(10)]
    schedule = plan(time(9, 30), time(12, 0), items, lambda i: i.children)
    assert [(s.number, s.starts_at, s.minutes) for s in schedule.flat()] == [
        ("1", time(9, 30), 5),
        ("2", time(9, 35), 55),
        ("2.1", time(9, 45), 20),
        ("2.2", time(10, 5), 25),
        ("3", time(10, 30), 10),
    ]
    assert schedule.slots[1].own_minutes == 10 and schedule.slots[0].own_minutes == 0
    assert schedule.ends_at == time(10, 40)


def test_an_agenda_running_past_the_end_time_is_flagged_from_the_first_late_item():
    items = [_item(60), _item(45), _item(30)]
    schedule = plan(time(14, 0), time(15, 30), items, lambda i: i.children)
    assert [s.overruns for s in schedule.flat()] == [False, True, True]
    assert schedule.overrun_minutes == 45
    # Ending exactly on time is not an overrun.
    assert plan(time(14, 0), time(15, 0), [_item(60)], lambda i: []).overrun_minutes == 0


def test_an_agenda_past_midnight_counts_as_overrunning():
    schedule = plan(time(23, 0), time(23, 59), [_item(90)], lambda i: [])
    assert schedule.overrun_minutes == 31
    assert schedule.slots[0].overruns


# --- Fixtures --------------------------------------------------------------------------------


@pytest.fixture
def people(app, make_user):
    return {
        "coordinator": make_user("coordinator", None).id,
        "helsinki": make_user("officer", "helsinki").id,
        "espoo": make_user("officer", "espoo").id,
        "viewer": make_user("viewer", "helsinki").id,
        "admin": make_user("admin").id,
    }


@pytest.fixture
def ctx(app, people):
    """An application context with the people loaded as User objects."""
    with app.test_request_context():
        yield SimpleNamespace(**{k: db.session.get(User, v) for k, v in people.items()})


def city(slug):
    return db.session.scalar(select(City).where(City.slug == slug))


def series():
    return db.session.scalar(select(MeetingSeries).where(MeetingSeries.slug == "c21-china"))


def meeting_values(held_on=None, **over):
    held_on = held_on or local_today() + timedelta(days=30)
    values = {
        "title": "C21 China network meeting",
        "held_on": held_on,
        "starts_at": time(13, 0),
        "ends_at": time(15, 0),
        "host_city": city("espoo"),
        "venue": "Espoo City Hall",
        "online_url": "",
        # Two weeks before, or today when the meeting is sooner than that.
        "proposal_deadline": max(held_on - timedelta(days=14), min(held_on, local_today())),
        "chair": "Chair of the network",
        "secretary": "Network coordinator",
    }
    values.update(over)
    return values


def item_values(**over):
    values = {
        "title": "Winter sports cooperation with Beijing",
        "description": "Lessons from the coaching exchange.",
        "kind": "discussion",
        "duration_minutes": 15,
        "presenter": "Liaison officer",
    }
    values.update(over)
    return values


def titles(meeting):
    return [(s.number, s.item.title) for s in meetings.agenda(meeting).flat()]


# --- Meetings -------------------------------------------------------------------------------


def test_a_new_meeting_starts_from_the_standard_items(ctx):
    m = meetings.create_meeting(ctx.coordinator, series(), meeting_values())
    db.session.commit()
    assert [t for _, t in titles(m)] == [
        "Opening of the meeting",
        "Approval of the agenda",
        "Minutes of the previous meeting",
        "Matters arising",
        "Reports from the cities",
        "Next meeting",
        "Closing of the meeting",
    ]
    assert m.status == "draft"
    assert meetings.agenda(m).slots[3].starts_at == time(13, 15)


def test_a_new_meeting_can_copy_the_previous_agenda(ctx):
    first = meetings.create_meeting(
        ctx.coordinator, series(), meeting_values(local_today() + timedelta(days=10))
    )
    extra = agenda.add_item(ctx.coordinator, first, item_values(title="Tourism marketing"))
    agenda.add_item(
        ctx.coordinator, first, item_values(title="Sub", duration_minutes=5), parent=extra
    )
    db.session.commit()
    second = meetings.create_meeting(
        ctx.coordinator,
        series(),
        meeting_values(local_today() + timedelta(days=200)),
        start="previous",
    )
    db.session.commit()
    assert titles(second) == titles(first)
    # A new item goes before the closing standard items.
    assert titles(second)[5:8] == [
        ("6", "Tourism marketing"),
        ("6.1", "Sub"),
        ("7", "Next meeting"),
    ]


def test_only_coordinators_create_meetings_and_bad_input_is_named_by_field(ctx):
    with pytest.raises(Forbidden):
        meetings.create_meeting(ctx.helsinki, series(), meeting_values())
    with pytest.raises(ValidationError) as refused:
        meetings.create_meeting(
            ctx.coordinator,
            series(),
            meeting_values(
                title="", ends_at=time(12, 0), proposal_deadline=local_today() + timedelta(99)
            ),
        )
    assert set(refused.value.errors) == {"title", "ends_at", "proposal_deadline"}
    db.session.rollback()
    assert db.session.scalar(select(Meeting).limit(1)) is None


# --- Proposals ------------------------------------------------------------------------------


def _hold(ctx, m) -> None:
    """The meeting's day comes (moved to today) and the coordinator marks it held."""
    m.held_on = local_today()
    m.proposal_deadline = min(m.proposal_deadline, m.held_on)
    meetings.set_status(ctx.coordinator, m, "held")


@pytest.fixture
def meeting(ctx):
    m = meetings.create_meeting(ctx.coordinator, series(), meeting_values(), start="empty")
    db.session.commit()
    return m


def test_an_officer_proposes_before_the_deadline_with_links_to_shared_records(
    ctx, meeting, make_record
):
    shared = make_record("project", "helsinki", "network", title="Coaching exchange")
    item = proposals.propose(
        ctx.helsinki, meeting, {**item_values(), "links": [("project", shared)]}
    )
    db.session.commit()
    assert item.status == "proposed" and item.city.slug == "helsinki"
    assert [link.record.title for link in proposals.visible_links(ctx.espoo, item)] == [
        "Coaching exchange"
    ]


@pytest.mark.parametrize(
    "owner,visibility", [("helsinki", "city"), ("espoo", "network"), ("espoo", "city")]
)
def test_only_the_citys_own_shared_records_can_be_linked(
    ctx, meeting, make_record, owner, visibility
):
    record = make_record("event", owner, visibility, title="Not linkable")
    with pytest.raises(ValidationError) as refused:
        proposals.propose(ctx.helsinki, meeting, {**item_values(), "links": [("event", record)]})
    # The same words whether the record exists, is private or is another city's.
    assert refused.value.errors == {
        "links": "Only records your city shares with the network can be linked."
    }
    db.session.rollback()
    assert db.session.scalar(select(AgendaItem).limit(1)) is None


def test_a_link_made_private_later_is_no_longer_shown_to_other_cities(ctx, meeting, make_record):
    from portal.models import Project

    shared = make_record("project", "helsinki", "network", title="Coaching exchange")
    item = proposals.propose(
        ctx.helsinki, meeting, {**item_values(), "links": [("project", shared)]}
    )
    db.session.get(Project, shared).visibility = "city"
    db.session.commit()
    assert proposals.visible_links(ctx.espoo, item) == []
    assert len(proposals.visible_links(ctx.helsinki, item)) == 1


def test_no_proposals_after_the_deadline_nor_from_viewers_or_coordinators(ctx):
    late = meetings.create_meeting(
        ctx.coordinator,
        series(),
        meeting_values(
            local_today() + timedelta(days=5), proposal_deadline=local_today() - timedelta(days=1)
        ),
        start="empty",
        past_deadline_ok=True,
    )
    with pytest.raises(Forbidden):
        proposals.propose(ctx.helsinki, late, item_values())
    open_ = meetings.create_meeting(ctx.coordinator, series(), meeting_values(), start="empty")
    for who in (ctx.viewer, ctx.coordinator):
        with pytest.raises(Forbidden):
            proposals.propose(who, open_, item_values())
    # The deadline day itself still counts.
    open_.proposal_deadline = local_today()
    assert proposals.propose(ctx.helsinki, open_, item_values()).status == "proposed"


def test_a_proposal_is_edited_or_withdrawn_by_its_city_until_decided(ctx, meeting):
    item = proposals.propose(ctx.helsinki, meeting, item_values())
    db.session.commit()
    with pytest.raises(Forbidden):
        proposals.edit_proposal(ctx.espoo, item, item_values(title="Hijack"), expected_version=1)
    with pytest.raises(Forbidden):
        proposals.withdraw(ctx.espoo, item)
    with pytest.raises(StaleEdit):
        proposals.edit_proposal(ctx.helsinki, item, item_values(title="New"), expected_version=0)
    proposals.edit_proposal(ctx.helsinki, item, item_values(title="New"), expected_version=1)
    db.session.commit()
    assert item.title == "New"
    proposals.decide(ctx.coordinator, item, "accept")
    db.session.commit()
    with pytest.raises(Forbidden):
        proposals.edit_proposal(
            ctx.helsinki, item, item_values(title="Late"), expected_version=item.version
        )
    with pytest.raises(Forbidden):
        proposals.withdraw(ctx.helsinki, item)


def test_other_cities_do_not_see_a_proposal_until_it_is_on_a_published_agenda(ctx, meeting):
    item = proposals.propose(ctx.helsinki, meeting, item_values())
    db.session.commit()
    assert proposals.proposals_for(ctx.espoo, meeting) == []
    assert proposals.proposals_for(ctx.viewer, meeting) == [item]  # Helsinki's viewer
    assert proposals.proposals_for(ctx.coordinator, meeting) == [item]


# --- Decisions ------------------------------------------------------------------------------


def test_officers_cannot_decide_and_a_rejection_needs_a_reason_the_city_sees(ctx, meeting):
    item = proposals.propose(ctx.helsinki, meeting, item_values())
    db.session.commit()
    with pytest.raises(Forbidden):
        proposals.decide(ctx.helsinki, item, "accept")
    with pytest.raises(ValidationError) as refused:
        proposals.decide(ctx.coordinator, item, "reject", reason=" ")
    assert "reason" in refused.value.errors
    proposals.decide(ctx.coordinator, item, "reject", reason="Covered by the Espoo item.")
    db.session.commit()
    assert item.status == "rejected"
    told = db.session.scalars(
        select(Notification).where(Notification.user_id == ctx.helsinki.id)
    ).all()
    assert [n.message for n in told] == [
        "Your proposal “Winter sports cooperation with Beijing” for C21 China network "
        "meeting was rejected. Reason: Covered by the Espoo item."
    ]
    # Espoo's officer is not told about Helsinki's proposal.
    assert not db.session.scalars(
        select(Notification).where(Notification.user_id == ctx.espoo.id)
    ).all()


def test_a_deferred_proposal_becomes_a_proposal_for_the_later_meeting(ctx, meeting, make_record):
    shared = make_record("event", "helsinki", "network", title="Lantern festival")
    later = meetings.create_meeting(
        ctx.coordinator,
        series(),
        meeting_values(local_today() + timedelta(days=200)),
        start="empty",
    )
    item = proposals.propose(ctx.helsinki, meeting, {**item_values(), "links": [("event", shared)]})
    db.session.commit()
    with pytest.raises(ValidationError):  # not to an earlier meeting
        proposals.decide(
            ctx.coordinator,
            proposals.propose(ctx.helsinki, later, item_values()),
            "defer",
            reason="x",
            defer_to=meeting,
        )
    db.session.rollback()
    proposals.decide(ctx.coordinator, item, "defer", reason="No time left.", defer_to=later)
    db.session.commit()
    assert item.status == "deferred" and item.deferred_to_id == later.id
    again = proposals.proposals_for(ctx.helsinki, later)
    assert [(i.title, i.status, [lk.record_id for lk in i.links]) for i in again] == [
        ("Winter sports cooperation with Beijing", "proposed", [shared])
    ]


# --- Ordering -------------------------------------------------------------------------------


def _three(ctx, meeting):
    items = [
        agenda.add_item(ctx.coordinator, meeting, item_values(title=t, duration_minutes=m))
        for t, m in (("A", 10), ("B", 20), ("C", 30))
    ]
    db.session.commit()
    return items


def test_items_move_up_and_down_and_nest_one_level(ctx, meeting):
    a, b, c = _three(ctx, meeting)
    agenda.move(ctx.coordinator, c, "up")
    assert titles(meeting) == [("1", "A"), ("2", "C"), ("3", "B")]
    agenda.move(ctx.coordinator, c, "indent")  # under A
    assert titles(meeting) == [("1", "A"), ("1.1", "C"), ("2", "B")]
    with pytest.raises(ValidationError):
        agenda.move(ctx.coordinator, a, "up")  # already first
    agenda.move(ctx.coordinator, b, "indent")
    assert titles(meeting) == [("1", "A"), ("1.1", "C"), ("1.2", "B")]
    agenda.move(ctx.coordinator, c, "outdent")
    assert titles(meeting) == [("1", "A"), ("1.1", "B"), ("2", "C")]
    # Times follow: A's own 10 minutes, then its sub-item B's 20.
    starts = [s.starts_at for s in meetings.agenda(meeting).flat()]
    assert starts == [time(13, 0), time(13, 10), time(13, 30)]
    with pytest.raises(Forbidden):
        agenda.move(ctx.helsinki, c, "up")


def test_reorder_sets_the_whole_order_or_nothing(ctx, meeting):
    a, b, c = _three(ctx, meeting)
    agenda.reorder(ctx.coordinator, meeting, [(c.id, None), (a.id, None), (b.id, a.id)])
    assert titles(meeting) == [("1", "C"), ("2", "A"), ("2.1", "B")]
    for bad in (
        [(c.id, None), (a.id, None)],  # one missing
        [(b.id, a.id), (a.id, None), (c.id, None)],  # child before parent
        [(a.id, None), (b.id, a.id), (c.id, b.id)],  # two levels deep
    ):
        with pytest.raises(ValidationError):
            agenda.reorder(ctx.coordinator, meeting, bad)
    assert titles(meeting) == [("1", "C"), ("2", "A"), ("2.1", "B")]


# --- Publishing -----------------------------------------------------------------------------


def test_publishing_notifies_officers_freezes_the_annex_and_versions_later_changes(
    ctx, meeting, make_record
):
    from portal.models import Project

    project = make_record("project", "turku", "network", title="Tourism to Turku")
    make_record("project", "turku", "city", title="Private plan")
    _a, b, _c = _three(ctx, meeting)
    with pytest.raises(Forbidden):
        meetings.publish(ctx.helsinki, meeting, annex={})
    meetings.publish(ctx.coordinator, meeting, annex=annex.build(meeting))
    db.session.commit()
    assert meeting.status == "published" and meeting.published_by_id == ctx.coordinator.id
    # Every active officer is told; viewers and coordinators are not.
    told = {n.user_id for n in db.session.scalars(select(Notification))}
    assert told == {ctx.helsinki.id, ctx.espoo.id}
    records = [r["title"] for theme in meeting.annex["themes"] for r in theme["records"]]
    assert records == ["Tourism to Turku"]  # the private plan is not in it
    assert meeting.annex["total"] == 1
    assert meeting.annex["themes"][0]["cities"] == [{"city": "Turku", "slug": "turku", "count": 1}]
    db.session.get(Project, project).title = "Renamed later"
    db.session.commit()
    assert meeting.annex["themes"][0]["records"][0]["title"] == "Tourism to Turku"

    agenda.edit_item(
        ctx.coordinator,
        b,
        item_values(title="B", duration_minutes=25),
        expected_version=b.version,
    )
    agenda.add_item(ctx.coordinator, meeting, item_values(title="D", duration_minutes=5))
    db.session.commit()
    assert [v.number for v in meeting.versions] == [1, 2, 3]
    assert meeting.versions[1].changes == ["Duration of 2 B: 20 → 25 min"]
    assert meeting.versions[2].changes == ["Added: 4 D"]


# --- Minutes and action items ---------------------------------------------------------------


def test_minutes_refuse_a_stale_save_and_lock_when_approved(ctx, meeting):
    (a, *_rest) = _three(ctx, meeting)
    with pytest.raises(Forbidden):  # not before the agenda is published
        minutes.save_minutes(ctx.coordinator, a, decision="x", notes="", expected_version=0)
    meetings.publish(ctx.coordinator, meeting, annex={})
    db.session.commit()
    with pytest.raises(Forbidden):
        minutes.save_minutes(ctx.helsinki, a, decision="x", notes="", expected_version=0)
    assert minutes.save_minutes(
        ctx.coordinator, a, decision="Agreed.", notes="", expected_version=0
    )
    db.session.commit()
    with pytest.raises(minutes.MinutesConflict) as conflict:
        minutes.save_minutes(ctx.admin, a, decision="Other text", notes="", expected_version=0)
    assert conflict.value.current.decision == "Agreed."
    db.session.rollback()
    _hold(ctx, meeting)
    minutes.approve(ctx.coordinator, meeting)
    db.session.commit()
    with pytest.raises(Forbidden):
        minutes.save_minutes(
            ctx.coordinator, a, decision="Too late", notes="", expected_version=a.minutes_version
        )


def test_open_action_items_are_carried_into_the_next_meeting_until_done(ctx):
    first = meetings.create_meeting(
        ctx.coordinator,
        series(),
        meeting_values(
            local_today() - timedelta(days=30), proposal_deadline=local_today() - timedelta(days=40)
        ),
        past_deadline_ok=True,
    )
    second = meetings.create_meeting(ctx.coordinator, series(), meeting_values())
    meetings.publish(ctx.coordinator, first, annex={})
    db.session.commit()
    item = meetings.agenda(first).slots[4].item  # reports from the cities
    action = minutes.add_action(
        ctx.coordinator,
        item,
        {
            "description": "Share the tourism survey",
            "owner_city": city("helsinki"),
            "due_on": date(2027, 1, 31),
        },
    )
    minutes.add_action(
        ctx.coordinator, item, {"description": "Espoo's part", "owner_city": city("espoo")}
    )
    db.session.commit()
    assert [a.description for a in minutes.matters_arising(second)] == [
        "Share the tourism survey",
        "Espoo's part",
    ]
    assert minutes.matters_arising(first) == []  # not in its own meeting
    assert [a.description for a in minutes.open_actions_for_city(city("helsinki").id)] == [
        "Share the tourism survey"
    ]
    with pytest.raises(Forbidden):  # another city's officer
        minutes.set_action_status(ctx.espoo, action, "done", expected_version=action.version)
    with pytest.raises(Forbidden):  # a viewer of the owner city
        minutes.set_action_status(ctx.viewer, action, "done", expected_version=action.version)
    minutes.set_action_status(ctx.helsinki, action, "done", expected_version=action.version)
    db.session.commit()
    assert [a.description for a in minutes.matters_arising(second)] == ["Espoo's part"]
    assert minutes.open_actions_for_city(city("helsinki").id) == []
    assert db.session.get(ActionItem, action.id).done_at is not None


def test_a_citys_item_taken_off_the_agenda_goes_back_to_the_city_with_the_reason(ctx, meeting):
    item = proposals.propose(ctx.helsinki, meeting, item_values())
    proposals.decide(ctx.coordinator, item, "accept")
    own = agenda.add_item(ctx.coordinator, meeting, item_values(title="Coordinator's own"))
    db.session.commit()
    agenda.remove_item(ctx.coordinator, item, reason="Moved to the spring meeting.")
    agenda.remove_item(ctx.coordinator, own)
    db.session.commit()
    assert item.status == "rejected" and item.reason == "Moved to the spring meeting."
    assert db.session.get(AgendaItem, own.id) is None  # the coordinators' own item is gone
    assert titles(meeting) == []
    told = db.session.scalars(
        select(Notification.message).where(Notification.user_id == ctx.helsinki.id)
    ).all()
    assert told[-1] == (
        "Your proposal “Winter sports cooperation with Beijing” for C21 China network meeting "
        "was taken off the agenda. Reason: Moved to the spring meeting."
    )


def test_no_decisions_once_the_minutes_are_approved(ctx, meeting):
    item = proposals.propose(ctx.helsinki, meeting, item_values())
    agenda.add_item(ctx.coordinator, meeting, item_values(title="Other"))
    meetings.publish(ctx.coordinator, meeting, annex={})
    _hold(ctx, meeting)
    minutes.approve(ctx.coordinator, meeting)
    db.session.commit()
    with pytest.raises(ValidationError):
        proposals.decide(ctx.coordinator, item, "accept")


def test_a_busy_period_is_summarised_not_listed(ctx, meeting, make_record):
    """The annex counts what was shared by theme, kind and city and names only the newest
    few of each theme, however much was shared."""
    for n in range(12):
        make_record("event", "turku" if n % 3 else "lahti", "network", title=f"Seminar {n}")
    built = annex.build(meeting)
    themeless = built["themes"][0]
    assert built["total"] == 12
    assert themeless["counts"] == {"event": 12}
    assert {c["city"]: c["count"] for c in themeless["cities"]} == {"Turku": 8, "Lahti": 4}
    assert len(themeless["records"]) == annex.NEWEST


def test_an_annex_stored_in_the_first_form_still_reads(ctx, meeting, make_record):
    project = make_record("project", "turku", "network", title="Tourism to Turku")
    first_form = {
        "since": "2026-01-01",
        "themes": [
            {
                "theme": "Tourism",
                "cities": [
                    {
                        "city": "Turku",
                        "records": [
                            {
                                "kind": "project",
                                "id": project,
                                "title": "Tourism to Turku",
                                "change": "new",
                            }
                        ],
                    }
                ],
            }
        ],
    }
    shown = annex.for_reader(ctx.espoo, first_form)
    assert shown["themes"][0]["counts"] == {"project": 1}
    assert [r["title"] for r in shown["themes"][0]["records"]] == ["Tourism to Turku"]


def test_changes_to_a_published_agenda_are_told_to_those_they_concern(ctx, meeting):
    """Issue 14: a published agenda's changes were versioned but nobody was told. A change
    to a city's own item tells that city's officers; an item added or removed, or a new
    time or place, tells every city's officers, each in their language."""
    a, b, _c = _three(ctx, meeting)
    a.city_id, b.city_id = city("helsinki").id, city("espoo").id
    meetings.publish(ctx.coordinator, meeting, annex={})
    db.session.commit()
    db.session.execute(delete(Notification))
    db.session.execute(delete(OutboxMail))  # the publication's own

    def told() -> dict[int, str]:
        found = {n.user_id: n.message for n in db.session.scalars(select(Notification))}
        db.session.execute(delete(Notification))
        return found

    agenda.edit_item(
        ctx.coordinator,
        a,
        item_values(title="A", duration_minutes=10, presenter="Mayor"),
        expected_version=a.version,
    )
    db.session.commit()
    messages = told()
    assert set(messages) == {ctx.helsinki.id}  # Espoo's item did not change
    assert "has changed: Presenter of 1 A: Mayor" in messages[ctx.helsinki.id]
    queued = db.session.scalars(select(OutboxMail.recipient)).all()
    assert queued == [ctx.helsinki.email]
    agenda.add_item(ctx.coordinator, meeting, item_values(title="D", duration_minutes=5))
    db.session.commit()
    assert set(told()) == {ctx.helsinki.id, ctx.espoo.id}
    meetings.update_meeting(
        ctx.coordinator,
        meeting,
        meeting_values(held_on=meeting.held_on, venue="Otaniemi"),
        expected_version=meeting.version,
    )
    db.session.commit()
    messages = told()
    assert set(messages) == {ctx.helsinki.id, ctx.espoo.id}
    assert "Otaniemi" in messages[ctx.espoo.id]

"""Demo meetings: the two C21 meetings of 2018 from ../shared/seeds/003 — Turku, August 2018,
where the mayors founded the China network (tourism, winter sports and sustainable
development first), and Espoo, 16 November 2018, where the discussion continued — with
agendas, minutes and action items, and a draft spring meeting open for proposals.

The seed dates the Turku decision both "29 August" and "9 August"; the decision date, 29
August 2018, is used. Built through the same services the pages use, as the coordinator."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models.accounts import User
from portal.models.meetings import Meeting, MeetingSeries
from portal.models.reference import City
from portal.services import agenda, annex, meetings, minutes
from portal.services.reference import SERIES_SLUG
from portal.timeutil import local_today

COORDINATOR = "coordinator@c21.example"


def _city(slug: str) -> City:
    return db.session.scalar(select(City).where(City.slug == slug))


def _item(actor, meeting, title, kind, minutes_, presenter="", city=None, parent=None, **text):
    item = agenda.add_item(
        actor,
        meeting,
        {
            "title": title,
            "description": text.get("description", ""),
            "kind": kind,
            "duration_minutes": minutes_,
            "presenter": presenter,
        },
        parent=parent,
    )
    if city is not None:
        item.city_id = _city(city).id  # proposed by that city before the meeting
    return item


def _standard(meeting, key):
    return next(s.item for s in meetings.agenda(meeting).flat() if s.item.standard_key == key)


def _minute(actor, item, decision, notes=""):
    minutes.save_minutes(
        actor, item, decision=decision, notes=notes, expected_version=item.minutes_version
    )


def _publish(actor, meeting, published_on: date) -> None:
    meetings.publish(actor, meeting, annex=annex.build(meeting))
    stamp = datetime(published_on.year, published_on.month, published_on.day, 9, tzinfo=UTC)
    meeting.published_at = stamp
    meeting.versions[0].created_at = stamp
    # The officers were told in 2018; the demo does not greet them with old news.
    from portal.models.meetings import Notification

    for notification in db.session.scalars(
        select(Notification).where(Notification.url == f"/meetings/{meeting.id}")
    ):
        db.session.delete(notification)


def load_demo_meetings() -> None:
    """Add the demo meetings unless the series already has meetings."""
    series = db.session.scalar(select(MeetingSeries).where(MeetingSeries.slug == SERIES_SLUG))
    actor = db.session.scalar(select(User).where(User.email == COORDINATOR))
    if series is None or actor is None:
        return
    if db.session.scalar(select(Meeting.id).where(Meeting.series_id == series.id).limit(1)):
        return

    turku = meetings.create_meeting(
        actor,
        series,
        {
            "title": "C21 cities meeting: China co-operation",
            "held_on": date(2018, 8, 29),
            "starts_at": time(13, 0),
            "ends_at": time(15, 30),
            "host_city": _city("turku"),
            "venue": "Turku City Hall, Aurakatu 2",
            "online_url": "",
            "proposal_deadline": date(2018, 8, 15),
            "chair": "Mayor of Turku",
            "secretary": "Mikko Heinonen, network coordinator",
        },
    )
    founding = _item(
        actor,
        turku,
        "Establishing a China co-operation network of the C21 cities",
        "decision",
        30,
        "Mayor of Turku",
        description=(
            "The cities' China co-operation has been sporadic while China's importance as a "
            "partner has grown. Proposal: a China-focused network to exchange information, "
            "strengthen interaction and identify concrete themes for joint action."
        ),
    )
    themes = _item(
        actor,
        turku,
        "First themes: tourism, winter sports and sustainable development",
        "decision",
        25,
        "Aino Virtanen, Helsinki",
        city="helsinki",
    )
    reports = _standard(turku, "city_reports")
    _item(
        actor,
        turku,
        "Helsinki: the 2017-2019 action plan with Beijing",
        "information",
        10,
        "Aino Virtanen, Helsinki",
        city="helsinki",
        parent=reports,
    )
    _item(
        actor,
        turku,
        "Espoo: innovation co-operation and visits",
        "information",
        10,
        "Liisa Mäkinen, Espoo",
        city="espoo",
        parent=reports,
    )
    _publish(actor, turku, date(2018, 8, 20))
    _minute(
        actor,
        founding,
        "The leaders of the C21 cities decided to establish a China-focused co-operation "
        "network between the cities, to strengthen the exchange of information and the "
        "interaction between the cities and to identify themes where joint action is needed.",
        "Cities with a more established China co-operation offer their expertise to the network.",
    )
    _minute(
        actor,
        themes,
        "The co-operation starts in tourism, winter sports and sustainable development.",
    )
    minutes.add_action(
        actor,
        founding,
        {
            "description": "Name the city's liaison officer for the China network",
            "owner_city": _city("turku"),
            "due_on": date(2018, 10, 31),
        },
    )
    minutes.add_action(
        actor,
        themes,
        {
            "description": "Prepare the discussion of the themes for the Espoo meeting",
            "owner_city": _city("espoo"),
            "due_on": date(2018, 11, 2),
        },
    )
    db.session.flush()
    for action in [a for i in turku.items for a in i.action_items]:
        minutes.set_action_status(actor, action, "done", expected_version=action.version)
    minutes.approve(actor, turku)

    espoo = meetings.create_meeting(
        actor,
        series,
        {
            "title": "C21 cities meeting: China co-operation continues",
            "held_on": date(2018, 11, 16),
            "starts_at": time(10, 0),
            "ends_at": time(12, 0),
            "host_city": _city("espoo"),
            "venue": "Espoo City Hall, Espoonkatu 5",
            "online_url": "",
            "proposal_deadline": date(2018, 11, 2),
            "chair": "Mayor of Espoo",
            "secretary": "Mikko Heinonen, network coordinator",
        },
    )
    tourism = _item(
        actor,
        espoo,
        "Tourism: reaching Chinese visitors together",
        "discussion",
        25,
        "Minna Lehtonen, Rovaniemi",
        city="rovaniemi",
        description="Joint presence at travel fairs and a shared introduction of the cities.",
    )
    winter = _item(
        actor,
        espoo,
        "Winter sports co-operation ahead of the Beijing 2022 Winter Olympics",
        "discussion",
        25,
        "Kaisa Koskinen, Lahti",
        city="lahti",
    )
    plan = _item(actor, espoo, "Work plan of the network for 2019", "decision", 20, "Coordinator")
    _publish(actor, espoo, date(2018, 11, 5))
    _minute(
        actor,
        tourism,
        "The cities present themselves together at one Chinese travel fair in 2019.",
    )
    _minute(
        actor,
        winter,
        "Lahti and Rovaniemi gather the cities' winter sports expertise for the network.",
    )
    _minute(actor, plan, "The work plan for 2019 was approved.")
    minutes.add_action(
        actor,
        winter,
        {
            "description": "Collect the cities' winter sports expertise offers in the portal",
            "owner_city": _city("lahti"),
            "due_on": date(2019, 3, 31),
        },
    )
    minutes.add_action(
        actor,
        tourism,
        {
            "description": "Propose the travel fair and share of costs",
            "owner_city": _city("helsinki"),
            "due_on": date(2019, 2, 28),
        },
    )
    minutes.approve(actor, espoo)

    # The next meeting, open for proposals.
    held_on = local_today() + timedelta(days=45)
    meetings.create_meeting(
        actor,
        series,
        {
            "title": "C21 China network, next meeting",
            "held_on": held_on,
            "starts_at": time(13, 0),
            "ends_at": time(15, 0),
            "host_city": _city("lahti"),
            "venue": "Lahti City Hall",
            "online_url": "",
            "proposal_deadline": held_on - timedelta(days=14),
            "chair": "Mayor of Lahti",
            "secretary": "Mikko Heinonen, network coordinator",
        },
    )
    db.session.flush()

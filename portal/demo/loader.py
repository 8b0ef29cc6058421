"""Loading the demo data files (portal/demo/data/*.json) through the services.

Dates are written "YYYY-MM-DD", or {"days_from_today": n} for what must stay current (an
open follow-up, the next meeting); records refer to each other by title or name, to cities,
places and themes by slug."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import func, select

from portal.extensions import db
from portal.models.accounts import User
from portal.models.agreements import Agreement
from portal.models.contacts import Contact, Interaction
from portal.models.events import Event
from portal.models.expertise import ExpertiseOffer
from portal.models.meetings import Meeting, MeetingSeries, Notification
from portal.models.organisations import Organisation
from portal.models.projects import Project
from portal.models.reference import ChinesePlace, City, Theme
from portal.services import (
    agenda,
    agreements,
    annex,
    contacts,
    events,
    expertise,
    interactions,
    meetings,
    minutes,
    organisations,
    projects,
)
from portal.services.accounts import create_user
from portal.services.agreements import PlanThemeRow
from portal.services.organisation_matching import exact_key
from portal.services.reference import SERIES_SLUG
from portal.timeutil import local_today

# Shown on the console by `make run`; good for a demo only, never for real accounts.
DEMO_PASSWORD = "kiina-verkosto-demo"  # noqa: S105
COORDINATOR = "coordinator@c21.example"


@cache
def data(name: str) -> list[dict[str, Any]]:
    """One data file, as written."""
    text = resources.files("portal.demo").joinpath("data", f"{name}.json").read_text("utf-8")
    return json.loads(text)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: str
    city: str | None


DEMO_ACCOUNTS = [DemoAccount(**row) for row in data("accounts")]


def account_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


def _day(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return local_today() + timedelta(days=value["days_from_today"])
    return date.fromisoformat(value)


def _time(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


class _Reference:
    """Cities, places and themes by slug; the demo officers by city; records by name."""

    def __init__(self):
        self.cities = {c.slug: c for c in db.session.scalars(select(City))}
        self.places = {p.slug: p for p in db.session.scalars(select(ChinesePlace))}
        self.themes = {t.slug: t for t in db.session.scalars(select(Theme))}

    def find_officer(self, city: str) -> User | None:
        return db.session.scalar(
            select(User)
            .join(City, City.id == User.city_id)
            .where(City.slug == city, User.role == "officer")
            .order_by(User.id)
        )

    def officer(self, city: str) -> User:
        officer = self.find_officer(city)
        if officer is None:
            raise LookupError(f"the demo has no officer in {city}")
        return officer

    def theme_list(self, slugs) -> list[Theme]:
        return [self.themes[s] for s in slugs]

    def organisation(self, name: str) -> Organisation | None:
        return db.session.scalar(
            select(Organisation).where(Organisation.match_en == exact_key(name))
        )

    def organisation_list(self, names) -> list[Organisation]:
        return [o for o in (self.organisation(n) for n in names) if o is not None]

    def titled(self, model, title: str):
        return db.session.scalar(select(model).where(model.title == title))


def load_demo_data() -> list[User]:
    """Add whatever part of the demo data set is missing; returns the accounts created.

    For the operator at the command line (actor None); expects the reference data loaded.
    The caller commits.
    """
    created = []
    ref = _Reference()
    for account in DEMO_ACCOUNTS:
        if db.session.scalar(select(User.id).where(User.email == account.email)):
            continue
        created.append(
            create_user(
                None,
                email=account.email,
                name=account.name,
                role=account.role,
                city=ref.cities.get(account.city or ""),
                password=DEMO_PASSWORD,
            )
        )
    db.session.flush()
    if ref.find_officer("helsinki") is None:
        return created
    for load in (
        _organisations,
        _contacts,
        _interactions,
        _projects,
        _events,
        _agreements,
        _expertise,
        _meetings,
    ):
        load(ref)
        db.session.flush()
    return created


def _organisations(ref: _Reference) -> None:
    by = ref.officer("helsinki")
    for row in data("organisations"):
        if ref.organisation(row["name_en"]) is None:
            organisations.create_organisation(
                by,
                {
                    **row,
                    "place": ref.places.get(row["place"] or ""),
                    "parent_name": row["parent"] or "",
                    "notes": "",
                },
            )
            db.session.flush()


def _contacts(ref: _Reference) -> None:
    for row in data("contacts"):
        city = ref.cities[row["city"]]
        if db.session.scalar(
            select(Contact.id).where(
                Contact.city_id == city.id,
                Contact.family_name == row["family_name"],
                Contact.given_name == row["given_name"],
            )
        ):
            continue
        officer = ref.officer(row["city"])
        contacts.create_contact(
            officer,
            city,
            {
                **row,
                "family_name_first": True,
                "organisation_name": row["organisation"],
                "themes": ref.theme_list(row["themes"]),
                "source": "Demo data",
                "legal_basis": "public_task",
                "last_verified_on": date(2026, 9, 1),
            },
        )


def _interactions(ref: _Reference) -> None:
    for row in data("interactions"):
        city = ref.cities[row["city"]]
        if db.session.scalar(
            select(Interaction.id).where(
                Interaction.city_id == city.id, Interaction.title == row["title"]
            )
        ):
            continue
        people = [
            db.session.scalar(
                select(Contact).where(Contact.city_id == city.id, Contact.family_name == family)
            )
            for family in row["contacts"]
        ]
        interactions.create_interaction(
            ref.officer(row["city"]),
            city,
            {
                **row,
                "occurred_on": _day(row["occurred_on"]),
                "follow_up_on": _day(row["follow_up_on"]),
                "follow_up_done": False,
                "contacts": people,
                "organisations": ref.organisation_list(row["organisations"]),
                "themes": ref.theme_list(row["themes"]),
            },
        )


def _projects(ref: _Reference) -> None:
    for row in data("projects"):
        if ref.titled(Project, row["title"]) is not None:
            continue
        project = projects.create_project(
            ref.officer(row["city"]),
            ref.cities[row["city"]],
            {
                **row,
                "starts_on": _day(row["starts_on"]),
                "ends_on": _day(row["ends_on"]),
                "outcomes": "",
                "themes": ref.theme_list(row["themes"]),
                "partner_cities": [ref.cities[s] for s in row["partner_cities"]],
                "organisations": ref.organisation_list(row["organisations"]),
            },
        )
        for update in row["updates"]:
            projects.add_update(
                ref.officer(update["city"]),
                project,
                happened_on=_day(update["happened_on"]),
                text=update["text"],
            )


def _events(ref: _Reference) -> None:
    for row in data("events"):
        if ref.titled(Event, row["title"]) is not None:
            continue
        events.create_event(
            ref.officer(row["city"]),
            ref.cities[row["city"]],
            {
                **row,
                "description": "",
                "starts_on": _day(row["starts_on"]),
                "ends_on": _day(row["ends_on"]),
                "start_time": _time(row["start_time"]),
                "end_time": _time(row["end_time"]),
                "timezone": "Asia/Shanghai" if row["place_china"] else "Europe/Helsinki",
                "place_city": ref.cities.get(row["place_city"] or ""),
                "place_china": ref.places.get(row["place_china"] or ""),
                "project": ref.titled(Project, row["project"]) if row["project"] else None,
                "themes": ref.theme_list(row["themes"]),
                "contacts": [],
                "organisations": [],
            },
        )


def _agreements(ref: _Reference) -> None:
    for row in data("agreements"):
        if ref.titled(Agreement, row["title"]) is not None:
            continue
        officer = ref.officer(row["city"])
        agreement = agreements.create_agreement(
            officer,
            ref.cities[row["city"]],
            {
                **row,
                "summary": "",
                **{
                    name: _day(row[name])
                    for name in ("signed_on", "valid_from", "valid_until", "review_on")
                },
                "evaluation_on": _day(row["evaluation_on"]),
                "counterpart_place": ref.places[row["counterpart_place"]],
                "project": None,
                "organisations": ref.organisation_list(row["organisations"]),
                "themes": ref.theme_list(row["themes"]),
                "visibility": "network",
            },
        )
        if row["plan_themes"]:
            agreements.save_plan_themes(
                officer,
                agreement,
                expected_version=agreement.version,
                rows=[PlanThemeRow(**theme) for theme in row["plan_themes"]],
            )


def _expertise(ref: _Reference) -> None:
    for row in data("expertise"):
        city = ref.cities[row["city"]]
        if db.session.scalar(
            select(ExpertiseOffer.id).where(
                ExpertiseOffer.city_id == city.id, ExpertiseOffer.title == row["title"]
            )
        ):
            continue
        officer = ref.officer(row["city"])
        expertise.create_offer(
            officer,
            city,
            {
                **row,
                "theme": ref.themes[row["theme"]],
                "contact_user": officer,
                "visibility": "network",
                "projects": [ref.titled(Project, t) for t in row["projects"]],
                "events": [ref.titled(Event, t) for t in row["events"]],
                "agreements": [ref.titled(Agreement, t) for t in row["agreements"]],
            },
        )


def _meetings(ref: _Reference) -> None:
    """The meetings, unless the series has meetings already: each with its items (a
    city's items as proposed by that city), published on its day with the officers' old
    notifications left out, minutes, action items and approval."""
    series = db.session.scalar(select(MeetingSeries).where(MeetingSeries.slug == SERIES_SLUG))
    actor = db.session.scalar(select(User).where(User.email == COORDINATOR))
    if series is None or actor is None:
        return
    if db.session.scalar(select(Meeting.id).where(Meeting.series_id == series.id).limit(1)):
        return
    for row in data("meetings"):
        meeting = meetings.create_meeting(
            actor,
            series,
            {
                **row,
                "held_on": _day(row["held_on"]),
                "proposal_deadline": _day(row["proposal_deadline"]),
                "starts_at": _time(row["starts_at"]),
                "ends_at": _time(row["ends_at"]),
                "host_city": ref.cities[row["host_city"]],
                "online_url": "",
            },
            past_deadline_ok=True,  # the network's earlier meetings
        )
        added = []
        for item_row in row["items"]:
            parent = None
            if item_row.get("under_standard_item"):
                parent = next(
                    slot.item
                    for slot in meetings.agenda(meeting).flat()
                    if slot.item.standard_key == item_row["under_standard_item"]
                )
            item = agenda.add_item(
                actor,
                meeting,
                {
                    "title": item_row["title"],
                    "description": item_row.get("description", ""),
                    "kind": item_row["kind"],
                    "duration_minutes": item_row["minutes"],
                    "presenter": item_row.get("presenter", ""),
                },
                parent=parent,
            )
            if item_row.get("city"):
                item.city_id = ref.cities[item_row["city"]].id  # proposed by that city
            added.append((item, item_row))
        if not row.get("published_on"):
            continue
        _publish(actor, meeting, date.fromisoformat(row["published_on"]))
        for item, item_row in added:
            if item_row.get("decision"):
                minutes.save_minutes(
                    actor,
                    item,
                    decision=item_row["decision"],
                    notes=item_row.get("notes", ""),
                    expected_version=item.minutes_version,
                )
            for action_row in item_row.get("actions", []):
                action = minutes.add_action(
                    actor,
                    item,
                    {
                        "description": action_row["description"],
                        "owner_city": ref.cities[action_row["owner_city"]],
                        "due_on": _day(action_row["due_on"]),
                    },
                )
                if action_row["status"] != "open":
                    db.session.flush()
                    minutes.set_action_status(
                        actor, action, action_row["status"], expected_version=action.version
                    )
        if row.get("minutes_approved"):
            meetings.set_status(actor, meeting, "held")
            minutes.approve(actor, meeting)


def _publish(actor, meeting: Meeting, published_on: date) -> None:
    meetings.publish(actor, meeting, annex=annex.build(meeting))
    stamp = datetime(published_on.year, published_on.month, published_on.day, 9, tzinfo=UTC)
    meeting.published_at = stamp
    meeting.versions[0].created_at = stamp
    # The officers were told at the time; the demo does not greet them with old news.
    for notification in db.session.scalars(
        select(Notification).where(Notification.url == f"/meetings/{meeting.id}")
    ):
        db.session.delete(notification)

"""The detail pages send as many statements for a record with much linked to it as for one
with little (issue 18): what they show of the linked records is read in a fixed number of
statements, never one per linked record, city or agenda item. Each page is requested with
a few linked records, then with five times as many from more cities, shared and private,
and must send exactly the same number of statements both times."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from sqlalchemy import insert, select

from portal.extensions import db
from portal.models import ActionItem, AgendaItem, AgendaLink, City, Meeting, MeetingSeries
from portal.models.agreements import agreement_organisations
from portal.models.events import event_organisations
from portal.models.projects import project_organisations
from portal.timeutil import local_today, utcnow

CITIES = ("helsinki", "espoo", "tampere", "oulu", "turku", "lahti", "kuopio", "pori")
LINKS = {
    "project": (project_organisations, "project_id"),
    "event": (event_organisations, "event_id"),
    "agreement": (agreement_organisations, "agreement_id"),
}


@pytest.fixture
def grow(app, make_contact, make_interaction, make_record):
    """``grow(org, n)``: n more of every kind linked to ``org``, from the cities in turn,
    every other one shared; the contacts met at each interaction. The ids of the
    contacts and of the shared events."""

    def _grow(org: int, n: int, start: int = 0) -> tuple[list[int], list[int]]:
        contacts, events = [], []
        for i in range(start, start + n):
            city = CITIES[i % len(CITIES)]
            visibility = "network" if i % 2 else "city"
            contact = make_contact(city, visibility, organisation=org)
            contacts.append(contact)
            make_interaction(city, visibility, contacts=[contact], organisations=[org])
            for kind, (table, column) in LINKS.items():
                record = make_record(kind, city, visibility, title=f"{kind} {i}")
                with app.app_context():
                    db.session.execute(
                        insert(table).values({column: record, "organisation_id": org})
                    )
                    db.session.commit()
                if kind == "event" and visibility == "network":
                    events.append(record)
        return contacts, events

    return _grow


def _statements(client, count_statements, path: str) -> int:
    client.get(path)  # the session's first touch and the caches' first fill aside
    with count_statements() as sent:
        assert client.get(path).status_code == 200
    return sent.count


@pytest.mark.parametrize("page", ["organisation", "place", "contact"])
def test_a_detail_page_sends_the_same_statements_however_much_is_linked_to_it(
    client_as, count_statements, make_organisation, grow, page
):
    org = make_organisation("Beijing Municipal Commission of Commerce", place="beijing")
    contacts, _ = grow(org, 3)
    path = {
        "organisation": f"/organisations/{org}",
        "place": "/places/beijing",
        "contact": f"/contacts/{contacts[0]}",
    }[page]
    client, _ = client_as("officer", "helsinki")
    few = _statements(client, count_statements, path)
    assert "Pori" not in client.get(path).get_data(as_text=True)
    grow(org, 15, start=3)
    # Pori's shared records came with the growth, and the page shows them.
    assert "Pori" in client.get(path).get_data(as_text=True)
    assert _statements(client, count_statements, path) == few


def _meeting_with_items(
    app, n: int, events: list[int], meeting_id: int | None = None, status: str = "draft"
) -> int:
    """A meeting (made, in ``status``, when ``meeting_id`` is None) with ``n`` more items
    from the cities in turn, each linked to a shared event and with an action for its
    city."""
    with app.app_context():
        cities = {c.slug: c.id for c in db.session.scalars(select(City))}
        if meeting_id is None:
            held_on = local_today() + timedelta(days=30)
            meeting = Meeting(
                series_id=db.session.scalar(select(MeetingSeries.id).limit(1)),
                title="C21 China network, spring meeting",
                held_on=held_on,
                starts_at=time(13),
                ends_at=time(15),
                proposal_deadline=held_on - timedelta(days=7),
                status=status,
                published_at=utcnow() if status == "published" else None,
            )
            db.session.add(meeting)
        else:
            meeting = db.session.get(Meeting, meeting_id)
        # Through the meeting, as the services add them (its search document lists them).
        start = len(meeting.items)
        for i in range(start, start + n):
            city = cities[CITIES[i % len(CITIES)]]
            item = AgendaItem(
                meeting=meeting,
                position=i + 1,
                status="accepted" if i % 3 else "proposed",
                title=f"Item {i}",
                kind="information",
                city_id=city,
            )
            db.session.add(item)
            item.links.append(AgendaLink(kind="event", record_id=events[i % len(events)]))
            item.action_items.append(ActionItem(description=f"Action {i}", owner_city_id=city))
        db.session.commit()
        return meeting.id


@pytest.mark.parametrize("role", ["coordinator", "officer"])
def test_the_meeting_page_sends_the_same_statements_however_many_items_it_has(
    app, client_as, count_statements, make_organisation, grow, role
):
    org = make_organisation("Beijing Municipal Commission of Commerce", place="beijing")
    _, events = grow(org, 4)
    # An officer reads a published agenda; a coordinator builds it while it is a draft.
    status = "draft" if role == "coordinator" else "published"
    meeting = _meeting_with_items(app, 3, events, status=status)
    client, _ = client_as(role, None if role == "coordinator" else "espoo")
    path = f"/meetings/{meeting}"
    few = _statements(client, count_statements, path)
    _meeting_with_items(app, 15, events, meeting)
    page = client.get(path).get_data(as_text=True)
    assert "Item 17" in page  # the items added are on the page
    assert _statements(client, count_statements, path) == few


def test_a_meeting_page_reads_no_earlier_meetings_annex(
    app, client_as, count_statements, make_organisation, grow
):
    """A published meeting keeps its annex (every record the cities shared since the meeting
    before: hundreds of entries). A later meeting's matters arising name the earlier meetings
    their open action items come from, and read those meetings' annexes with them for
    nothing: the meeting page reads its own only."""
    org = make_organisation("Beijing Municipal Commission of Commerce", place="beijing")
    _, events = grow(org, 2)
    earlier = _meeting_with_items(app, 3, events, status="published")
    later = _meeting_with_items(app, 1, events, status="published")
    with app.app_context():
        db.session.get(Meeting, earlier).annex = {
            "records": [{"title": f"R{i}"} for i in range(300)]
        }
        meeting = db.session.get(Meeting, later)
        meeting.held_on += timedelta(days=30)
        meeting.items.append(  # through the meeting, as the services add them
            AgendaItem(
                position=0,
                status="accepted",
                title="Matters arising",
                kind="information",
                standard_key="matters_arising",
            )
        )
        db.session.commit()
    client, _ = client_as("officer", "helsinki")
    path = f"/meetings/{later}"
    client.get(path)
    with count_statements() as sent:
        page = client.get(path).get_data(as_text=True)
    assert "Action 0" in page  # the earlier meeting's open action item, under matters arising
    reads = [s for s, _ in sent.executed if re.search(r"\bmeetings(_\d+)?\.annex\b", s)]
    assert len(reads) == 1, reads

"""Fill a database with the whole network's data at scale, for the benchmarks.

    python bench/fill.py sqlite:////tmp/bench.db [--scale 1.0]

Scale 1.0 is the issue's: 21 cities, 20 000 organisations, 200 000 contacts, 300 000
interactions, 20 000 projects, 50 000 events (a third of each shared with the network).
Rows go in with bulk inserts, and the search index is built by the same code the portal uses
(portal.search.index.document_for), in bulk."""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade
from sqlalchemy import func, insert, select

from portal import create_app, demo
from portal.extensions import db
from portal.models import (
    ChinesePlace,
    City,
    Contact,
    Event,
    Interaction,
    Organisation,
    Project,
    Theme,
)
from portal.models.contacts import (
    contact_themes,
    interaction_contacts,
    interaction_organisations,
)
from portal.models.events import event_themes
from portal.models.projects import project_themes
from portal.search import index as search_index
from portal.services import reference
from portal.services.organisation_matching import exact_key
from portal.textfold import search_text

SURNAMES = [
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Chen",
    "Yang",
    "Huang",
    "Zhao",
    "Wu",
    "Zhou",
    "Xu",
    "Sun",
    "Ma",
    "Zhu",
    "Hu",
    "Guo",
    "He",
    "Lin",
    "Gao",
    "Luo",
]
GIVEN = [
    "Wei",
    "Fang",
    "Na",
    "Min",
    "Jing",
    "Li",
    "Qiang",
    "Lei",
    "Yang",
    "Jun",
    "Yan",
    "Tao",
    "Ming",
    "Chao",
    "Hua",
    "Ping",
    "Gang",
    "Hui",
    "Xin",
]
ORG_WORDS = [
    "Bureau of Sports",
    "Commission of Education",
    "Foreign Affairs Office",
    "Bureau of Commerce",
    "Health Commission",
    "Science Park",
    "University",
    "Culture and Tourism Bureau",
    "Investment Promotion Center",
    "Design Week",
]
BATCH = 5000


def chunks(rows, n=BATCH):
    for i in range(0, len(rows), n):
        yield rows[i : i + n]


def big_meeting(start: date) -> None:
    """A published meeting of 40 items (for the meeting page and the agenda PDF)."""
    from datetime import time as clock

    from portal.models import MeetingSeries, User
    from portal.services import agenda, annex, meetings

    coordinator = db.session.scalar(select(User).where(User.email == "coordinator@c21.example"))
    series = db.session.scalar(select(MeetingSeries))
    today = date.today()
    meeting = meetings.create_meeting(
        coordinator,
        series,
        {
            "title": "C21 China network, the big meeting",
            "held_on": today + timedelta(days=30),
            "starts_at": clock(9),
            "ends_at": clock(17),
            "host_city": None,
            "venue": "Helsinki City Hall",
            "proposal_deadline": today + timedelta(days=20),
        },
    )
    for i in range(40 - len(meeting.items)):
        agenda.add_item(
            coordinator,
            meeting,
            {
                "title": f"Item {i}: co-operation report",
                "description": "",
                "kind": "information",
                "duration_minutes": 10,
                "presenter": "",
            },
        )
    meetings.publish(coordinator, meeting, annex=annex.build(meeting))


def settle(conn) -> None:
    """Let PostgreSQL's planner see the rows just inserted (in this transaction): without
    it each foreign-key check of the next insert is planned for the handful of rows there
    were before, scans the whole referenced table, and the full-scale fill takes hours."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url")
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    rng = random.Random(2026)
    app = create_app(
        {
            "PORTAL_ENV": "testing",
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": args.database_url,
        }
    )
    n = {
        k: int(v * args.scale)
        for k, v in dict(
            organisations=20_000,
            contacts=200_000,
            interactions=300_000,
            projects=20_000,
            events=50_000,
        ).items()
    }
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        reference.load_reference_data()
        demo.load_demo_data()
        db.session.commit()
        conn = db.session.connection()
        cities = db.session.scalars(select(City.id)).all()
        places = db.session.scalars(select(ChinesePlace.id)).all()
        themes = db.session.scalars(select(Theme.id)).all()

        def vis(i):
            return "network" if i % 3 == 0 else "city"

        print(f"organisations: {n['organisations']}", flush=True)
        rows = []
        for i in range(n["organisations"]):
            city = rng.choice(
                [
                    "Beijing",
                    "Shanghai",
                    "Tianjin",
                    "Jinan",
                    "Kunming",
                    "Hangzhou",
                    "Harbin",
                    "Xuzhou",
                    "Zhangjiakou",
                    "Guangzhou",
                ]
            )
            name = f"{city} {rng.choice(ORG_WORDS)} {i}"
            rows.append(
                dict(
                    name_en=name,
                    name_zh="",
                    pinyin=f"{city} {i}",
                    kind="government",
                    place_id=rng.choice(places),
                    match_en=exact_key(name),
                    match_zh="",
                    match_pinyin=exact_key(f"{city} {i}"),
                    search_text=search_text(name),
                )
            )
        for part in chunks(rows):
            conn.execute(insert(Organisation), part)
        settle(conn)
        orgs = db.session.scalars(select(Organisation.id)).all()
        busy = orgs[:20]

        def some_org():
            # A tenth of all links go to twenty busy organisations ("who knows whom" on
            # them lists thousands of records), the rest spread evenly.
            return rng.choice(busy) if rng.random() < 0.1 else rng.choice(orgs)

        print(f"contacts: {n['contacts']}", flush=True)
        rows = []
        for i in range(n["contacts"]):
            family, given = rng.choice(SURNAMES), rng.choice(GIVEN)
            rows.append(
                dict(
                    city_id=rng.choice(cities),
                    visibility=vis(i),
                    family_name=family,
                    given_name=f"{given}{i}",
                    title="Director",
                    organisation_id=some_org(),
                    legal_basis="public_task",
                    search_text=search_text(family, given),
                )
            )
        for part in chunks(rows):
            conn.execute(insert(Contact), part)
        settle(conn)
        contact_ids = db.session.scalars(select(Contact.id).where(~Contact.themes.any())).all()
        for part in chunks([dict(contact_id=c, theme_id=rng.choice(themes)) for c in contact_ids]):
            conn.execute(insert(contact_themes), part)
        settle(conn)

        print(f"interactions: {n['interactions']}", flush=True)
        rows = []
        start = date(2017, 1, 1)
        for i in range(n["interactions"]):
            rows.append(
                dict(
                    city_id=rng.choice(cities),
                    visibility=vis(i),
                    kind="meeting",
                    title=f"Meeting {i} on {rng.choice(ORG_WORDS)}",
                    occurred_on=start + timedelta(days=rng.randrange(3600)),
                    summary="",
                    search_text="",
                )
            )
        before = db.session.scalar(select(func.max(Interaction.id))) or 0
        for part in chunks(rows):
            conn.execute(insert(Interaction), part)
        settle(conn)
        # Only the interactions made here (the demo's have their organisations already).
        interaction_ids = db.session.scalars(
            select(Interaction.id).where(Interaction.id > before)
        ).all()
        for part in chunks(
            [dict(interaction_id=x, organisation_id=some_org()) for x in interaction_ids]
        ):
            conn.execute(insert(interaction_organisations), part)

        # Each interaction names one of its city's people.
        people_by_city: dict[int, list[int]] = {}
        for contact_id, contact_city in db.session.execute(select(Contact.id, Contact.city_id)):
            people_by_city.setdefault(contact_city, []).append(contact_id)
        links = [
            dict(interaction_id=x, contact_id=rng.choice(people_by_city[c]))
            for x, c in db.session.execute(
                select(Interaction.id, Interaction.city_id).where(Interaction.id > before)
            )
            if people_by_city.get(c)
        ]
        for part in chunks(links):
            conn.execute(insert(interaction_contacts), part)
        settle(conn)

        print(f"projects: {n['projects']}, events: {n['events']}", flush=True)
        rows = [
            dict(
                city_id=rng.choice(cities),
                visibility=vis(i),
                title=f"Project {i}",
                status=rng.choice(["idea", "planned", "active", "completed"]),
                starts_on=start + timedelta(days=rng.randrange(3600)),
                funding_sources=[],
            )
            for i in range(n["projects"])
        ]
        for part in chunks(rows):
            conn.execute(insert(Project), part)
        settle(conn)
        for part in chunks(
            [
                dict(project_id=p, theme_id=rng.choice(themes))
                for p in db.session.scalars(select(Project.id).where(~Project.themes.any()))
            ]
        ):
            conn.execute(insert(project_themes), part)
        rows = []
        for i in range(n["events"]):
            day = start + timedelta(days=rng.randrange(3800))
            rows.append(
                dict(
                    city_id=rng.choice(cities),
                    visibility=vis(i),
                    kind="seminar",
                    title=f"Seminar {i}",
                    starts_on=day,
                    ends_on=day,
                    timezone="Europe/Helsinki",
                )
            )
        for part in chunks(rows):
            conn.execute(insert(Event), part)
        settle(conn)
        for part in chunks(
            [
                dict(event_id=e, theme_id=rng.choice(themes))
                for e in db.session.scalars(select(Event.id).where(~Event.themes.any()))
            ]
        ):
            conn.execute(insert(event_themes), part)
        db.session.commit()

        if args.scale > 0:
            print("a published meeting of 40 items", flush=True)
            big_meeting(start)
            db.session.commit()

        print("search index", flush=True)
        counts = search_index.rebuild(db.session)
        db.session.commit()
        print(counts)
    print(f"filled in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()

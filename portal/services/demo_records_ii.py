"""The demo projects, events, agreements and expertise offers, from ../shared/seeds/: the
Helsinki-Beijing sister-city agreement (2006) and action plans 2017-2019 and 2019-2023 with
their numbered themes and responsible bodies; the Chinese New Year festival in Helsinki
(since 2007, 25 000-30 000 visitors); Helsinki Week in Beijing; Lahti's winter-sports
co-operation with Zhangjiakou; Helsinki's sister schools. Created through the services by
each city's demo officer; idempotent (matched by title)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models.accounts import User
from portal.models.agreements import Agreement
from portal.models.events import Event
from portal.models.expertise import ExpertiseOffer
from portal.models.organisations import Organisation
from portal.models.projects import Project
from portal.models.reference import ChinesePlace, City, Theme
from portal.services import agreements, events, expertise, projects
from portal.services.agreements import PlanThemeRow
from portal.services.organisation_matching import exact_key
from portal.timeutil import local_today

HELSINKI_CO = "City Executive Office, International Affairs, City of Helsinki"
BEIJING_FAO = "Foreign Affairs Office of the People's Government of Beijing Municipality"

PLAN_2017 = [
    (
        "Winter sports",
        "Knowledge and expertise in winter sports and facilities: talent "
        "building, smart and energy-efficient facilities, company co-operation.",
        "Culture and Leisure Division",
        "Beijing Municipal Bureau of Sports",
        "done",
    ),
    (
        "Sister schools",
        "Future school, digitalisation of teaching and learning, safe and "
        "healthy learning environments.",
        "Education Division",
        "Beijing Municipal Commission of Education",
        "done",
    ),
    (
        "Culture",
        "The Helsinki Spring Festival, developed as one of Helsinki's most popular "
        "winter festivals; Moi Helsinki.",
        "Culture and Leisure Division",
        "Beijing Municipal Bureau of Culture and Tourism",
        "done",
    ),
    (
        "Design",
        "Dialogue within the UNESCO Creative Cities Network; bilateral design initiatives.",
        "Helsinki Design Week",
        "Beijing Design Week",
        "in_progress",
    ),
    (
        "Startups",
        "A startup exchange programme; incubators, accelerators and growth funds to co-operate.",
        "Economic Development Division",
        "Administrative Committee of Zhongguancun Science Park",
        "done",
    ),
]
PLAN_2019 = [
    (
        "Diplomatic exchanges",
        "High-level visits; one Helsinki Week in Beijing and one Beijing "
        "Week in Helsinki during the plan.",
        HELSINKI_CO,
        BEIJING_FAO,
        "done",
    ),
    (
        "Science & technology and startups",
        "Healthcare, smart energy, smart mobility, 5G; joint research funding; startup exchange.",
        "Economic Development Division",
        "Beijing Municipal Science & Technology Commission; Administrative Committee of "
        "Zhongguancun Science Park",
        "in_progress",
    ),
    (
        "Business and investments",
        "A regular communication mechanism; trade and investment promotion.",
        "Economic Development Division",
        "Beijing Municipal Bureau of Commerce; Beijing Municipal Commission of Development and "
        "Reform; Beijing Investment Promotion Service Center",
        "in_progress",
    ),
    (
        "City planning",
        "Urban design, underground space, multi-modal stations, city-airport connections.",
        "Urban Environment Division",
        "Beijing Municipal Commission of Planning and Natural Resources",
        "in_progress",
    ),
    (
        "Education and training",
        "An annual dialogue, teacher training, partner schools, the Future School.",
        "Education Division",
        "Beijing Municipal Commission of Education",
        "done",
    ),
    (
        "Environmental protection",
        "Air quality monitoring; companies and universities in joint projects.",
        "Urban Environment Division",
        "Beijing Municipal Ecology and Environment Bureau",
        "in_progress",
    ),
    (
        "Culture and tourism",
        "Helsinki Chinese New Year, Reading Beijing, libraries, WTCF, museums.",
        "Culture and Leisure Division",
        "Beijing Municipal Bureau of Culture and Tourism",
        "done",
    ),
    (
        "Winter sports",
        "Personnel exchanges, youth sports, events management; Beijing 2022 and after.",
        "Culture and Leisure Division",
        "Beijing Municipal Bureau of Sports",
        "done",
    ),
    (
        "Television and film",
        "Co-productions; Helsinki as a location; TV and film events.",
        "Economic Development Division",
        "Beijing Municipal Radio and Television Bureau",
        "not_started",
    ),
    (
        "Healthcare",
        "Medical technology, expertise and practice; pilot projects.",
        "Social Services and Health Care Division",
        "Beijing Municipal Health Commission",
        "not_started",
    ),
]


def _officer(slug: str) -> User:
    return db.session.scalar(
        select(User)
        .join(City, City.id == User.city_id)
        .where(City.slug == slug, User.role == "officer")
    )


def _exists(model, city: City, title: str) -> bool:
    return bool(
        db.session.scalar(select(model.id).where(model.city_id == city.id, model.title == title))
    )


def load_demo_records_ii() -> dict[str, int]:
    """Add the missing demo projects, events, agreements and offers; returns how many of
    each. Expects the demo accounts and demo organisations; the caller commits."""
    added = {"projects": 0, "events": 0, "agreements": 0, "offers": 0}
    hel, lahti, espoo = _officer("helsinki"), _officer("lahti"), _officer("espoo")
    if not (hel and lahti and espoo):
        return added
    theme = {t.slug: t for t in db.session.scalars(select(Theme))}
    place = {p.slug: p for p in db.session.scalars(select(ChinesePlace))}
    city = {c.slug: c for c in db.session.scalars(select(City))}

    def org(name: str) -> Organisation | None:
        return db.session.scalar(
            select(Organisation).where(Organisation.match_en == exact_key(name))
        )

    today = local_today()
    project_rows = [
        (
            hel,
            "Startup exchange with Zhongguancun",
            "active",
            date(2019, 11, 1),
            None,
            80000,
            ["own", "partner"],
            "network",
            ["science-technology-startups"],
            ["espoo"],
            ["Administrative Committee of Zhongguancun Science Park"],
            "Helsinki startups at Zpark and Beijing startups at Maria 01, a month each.",
        ),
        (
            hel,
            "Helsinki Week in Beijing",
            "completed",
            date(2021, 3, 1),
            date(2021, 9, 30),
            150000,
            ["own", "partner"],
            "network",
            ["diplomatic-exchanges", "business-investment"],
            [],
            [BEIJING_FAO],
            "The week of the 2019-2023 action plan: business, culture, design.",
        ),
        (
            lahti,
            "Winter-sports coaching with Zhangjiakou",
            "active",
            date(2019, 1, 1),
            None,
            60000,
            ["own", "national"],
            "network",
            ["winter-sports"],
            ["helsinki", "rovaniemi"],
            ["Zhangjiakou Municipal Sports Bureau"],
            "Ski-jumping and cross-country coaches; training camps in Lahti and Chongli.",
        ),
    ]
    made_projects: dict[str, Project] = {}
    for (
        actor,
        title,
        status,
        starts,
        ends,
        budget,
        funding,
        visibility,
        themes,
        partners,
        orgs,
        description,
    ) in project_rows:
        existing = db.session.scalar(select(Project).where(Project.title == title))
        if existing is None:
            existing = projects.create_project(
                actor,
                actor.city,
                {
                    "title": title,
                    "description": description,
                    "status": status,
                    "starts_on": starts,
                    "ends_on": ends,
                    "budget_eur": budget,
                    "funding_sources": funding,
                    "outcomes": "",
                    "visibility": visibility,
                    "themes": [theme[t] for t in themes],
                    "partner_cities": [city[p] for p in partners],
                    "organisations": [o for o in (org(n) for n in orgs) if o],
                },
            )
            added["projects"] += 1
        made_projects[title] = existing
    coaching = made_projects["Winter-sports coaching with Zhangjiakou"]
    if not coaching.updates:
        projects.add_update(
            hel,
            coaching,
            happened_on=today - timedelta(days=20),
            text="Helsinki's ice-hockey coaches join the next camp.",
        )
        projects.add_update(
            lahti,
            coaching,
            happened_on=today - timedelta(days=5),
            text="Dates of the Lahti training camp confirmed.",
        )

    event_rows = [
        (
            hel,
            "festival",
            "Chinese New Year festival 2019",
            date(2019, 2, 9),
            date(2019, 2, 10),
            None,
            None,
            city["helsinki"],
            None,
            "Railway Square and Central Library Oodi",
            25000,
            30000,
            None,
            ["culture", "tourism"],
            "network",
        ),
        (
            hel,
            "festival",
            "Chinese New Year festival 2027",
            date(2027, 2, 6),
            date(2027, 2, 7),
            None,
            None,
            city["helsinki"],
            None,
            "Railway Square",
            30000,
            None,
            None,
            ["culture", "tourism"],
            "network",
        ),
        (
            hel,
            "outgoing_delegation",
            "Helsinki Week in Beijing",
            date(2021, 9, 13),
            date(2021, 9, 17),
            None,
            None,
            None,
            place["beijing"],
            "",
            400,
            350,
            made_projects["Helsinki Week in Beijing"],
            ["diplomatic-exchanges"],
            "network",
        ),
        (
            lahti,
            "sports_event",
            "Winter-sports training camp for Chinese athletes",
            today + timedelta(days=20),
            today + timedelta(days=34),
            None,
            None,
            city["lahti"],
            None,
            "Lahti Sports Centre",
            40,
            None,
            coaching,
            ["winter-sports"],
            "network",
        ),
        (
            hel,
            "seminar",
            "Air-quality monitoring seminar",
            today + timedelta(days=9),
            today + timedelta(days=9),
            "09:00",
            "15:00",
            None,
            place["beijing"],
            "Beijing Municipal Ecology and Environment Bureau",
            60,
            None,
            None,
            ["environment-air-quality"],
            "city",
        ),
    ]
    made_events: dict[str, Event] = {}
    for (
        actor,
        kind,
        title,
        starts,
        ends,
        start_time,
        end_time,
        place_city,
        place_china,
        place_text,
        expected,
        actual,
        project,
        themes,
        visibility,
    ) in event_rows:
        existing = db.session.scalar(select(Event).where(Event.title == title))
        if existing is None:
            from datetime import time

            existing = events.create_event(
                actor,
                actor.city,
                {
                    "kind": kind,
                    "title": title,
                    "description": "",
                    "starts_on": starts,
                    "ends_on": ends,
                    "start_time": time.fromisoformat(start_time) if start_time else None,
                    "end_time": time.fromisoformat(end_time) if end_time else None,
                    "timezone": "Asia/Shanghai" if place_china else "Europe/Helsinki",
                    "place_city": place_city,
                    "place_china": place_china,
                    "place_text": place_text,
                    "expected_attendance": expected,
                    "actual_attendance": actual,
                    "project": project,
                    "themes": [theme[t] for t in themes],
                    "visibility": visibility,
                    "contacts": [],
                    "organisations": [],
                },
            )
            added["events"] += 1
        made_events[title] = existing

    agreement_rows = [
        (
            hel,
            "sister_city",
            "Sister City Agreement between Beijing and Helsinki",
            date(2006, 7, 14),
            "Beijing",
            date(2006, 7, 14),
            None,
            None,
            None,
            "in_force",
            ["beijing"],
            ["Beijing Municipal People's Government"],
            [],
            None,
        ),
        (
            hel,
            "action_plan",
            "Action Plan for Sister-City Cooperation in 2017-2019 between Beijing and Helsinki",
            date(2017, 8, 29),
            "Helsinki",
            date(2017, 8, 29),
            date(2019, 12, 31),
            None,
            None,
            "expired",
            ["beijing"],
            [BEIJING_FAO],
            ["winter-sports", "education", "culture", "design", "science-technology-startups"],
            PLAN_2017,
        ),
        (
            hel,
            "action_plan",
            "Action Plan between Helsinki and Beijing on promoting the Sister-City Cooperation "
            "2019-2023",
            date(2019, 10, 11),
            "Helsinki",
            date(2019, 10, 11),
            date(2023, 12, 31),
            date(2021, 6, 30),
            date(2023, 6, 30),
            "expired",
            ["beijing"],
            [BEIJING_FAO],
            [
                "diplomatic-exchanges",
                "science-technology-startups",
                "business-investment",
                "city-planning",
                "education",
                "environment-air-quality",
                "culture",
                "tourism",
                "winter-sports",
                "tv-film",
                "healthcare",
            ],
            PLAN_2019,
        ),
        (
            lahti,
            "sister_city",
            "Twin-city agreement between Lahti and Zhangjiakou",
            date(2018, 11, 25),
            "Lahti",
            date(2018, 11, 25),
            None,
            today + timedelta(days=45),
            None,
            "in_force",
            ["zhangjiakou"],
            ["Zhangjiakou Municipal People's Government"],
            ["winter-sports"],
            None,
        ),
        (
            espoo,
            "sister_city",
            "Sister-city agreement between Espoo and Shanghai",
            date(1998, 1, 1),
            "Shanghai",
            date(1998, 1, 1),
            None,
            None,
            None,
            "in_force",
            ["shanghai"],
            ["Foreign Affairs Office of the Shanghai Municipal People's Government"],
            [],
            None,
        ),
    ]
    made_agreements: dict[str, Agreement] = {}
    for (
        actor,
        kind,
        title,
        signed_on,
        signed_at,
        valid_from,
        valid_until,
        review_on,
        evaluation_on,
        status,
        places,
        orgs,
        themes,
        plan,
    ) in agreement_rows:
        existing = db.session.scalar(select(Agreement).where(Agreement.title == title))
        if existing is None:
            existing = agreements.create_agreement(
                actor,
                actor.city,
                {
                    "kind": kind,
                    "title": title,
                    "summary": "",
                    "counterpart_place": place[places[0]],
                    "signed_on": signed_on,
                    "signed_at": signed_at,
                    "valid_from": valid_from,
                    "valid_until": valid_until,
                    "review_on": review_on,
                    "evaluation_on": evaluation_on,
                    "status": status,
                    "project": None,
                    "organisations": [o for o in (org(n) for n in orgs) if o],
                    "themes": [theme[t] for t in themes],
                    "visibility": "network",
                },
            )
            if plan:
                agreements.save_plan_themes(
                    actor,
                    existing,
                    expected_version=existing.version,
                    rows=[
                        PlanThemeRow(
                            number=i,
                            title=t,
                            description=d,
                            finnish_bodies=f,
                            chinese_bodies=c,
                            progress=p,
                        )
                        for i, (t, d, f, c, p) in enumerate(plan, start=1)
                    ],
                )
            added["agreements"] += 1
        made_agreements[title] = existing

    offer_rows = [
        (
            hel,
            "culture",
            "Organising a Chinese New Year festival for 25 000-30 000 visitors",
            "Helsinki has celebrated the Chinese New Year in the city centre since 2007, with a "
            "business programme alongside since 2018.",
            [],
            ["Chinese New Year festival 2019"],
            [],
        ),
        (
            hel,
            "education",
            "Sister-school partnerships with Chinese schools",
            "Five Helsinki schools have sister schools in China; we share how the pairs were made "
            "and what they do.",
            [],
            [],
            ["Action Plan for Sister-City Cooperation in 2017-2019 between Beijing and Helsinki"],
        ),
        (
            lahti,
            "winter-sports",
            "Winter-sports co-operation with a Chinese twin city",
            "Coaching exchanges and training camps with Zhangjiakou, a 2022 Winter Olympics host.",
            ["Winter-sports coaching with Zhangjiakou"],
            ["Winter-sports training camp for Chinese athletes"],
            ["Twin-city agreement between Lahti and Zhangjiakou"],
        ),
    ]
    for (
        actor,
        theme_slug,
        title,
        description,
        project_titles,
        event_titles,
        agreement_titles,
    ) in offer_rows:
        if _exists(ExpertiseOffer, actor.city, title):
            continue
        expertise.create_offer(
            actor,
            actor.city,
            {
                "theme": theme[theme_slug],
                "title": title,
                "description": description,
                "contact_user": actor,
                "visibility": "network",
                "projects": [made_projects[t] for t in project_titles],
                "events": [made_events[t] for t in event_titles],
                "agreements": [made_agreements[t] for t in agreement_titles],
            },
        )
        added["offers"] += 1
    return added

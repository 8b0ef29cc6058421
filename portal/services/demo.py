"""The demo data set: accounts in five cities plus the network's coordinator and admin,
and the records of demo_records.py.

Drawn from ../shared/seeds/: Helsinki's sister-city relationship with Beijing (2006, with the
action plans of 2017-2019 and 2019-2023) comes with the reference data. Every address is
under the reserved .example domain.
"""

from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.models.accounts import Role, User
from portal.models.reference import City
from portal.services.accounts import create_user
from portal.services.demo_meetings import load_demo_meetings
from portal.services.demo_records import load_demo_records
from portal.services.demo_records_ii import load_demo_records_ii

# Shown on the console by `make run`; good for a demo only, never for real accounts.
DEMO_PASSWORD = "kiina-verkosto-demo"  # noqa: S105

DEMO_ACCOUNTS = [
    # (e-mail, name, role, city slug)
    ("admin@c21.example", "Sanna Lindqvist", Role.ADMIN, None),
    ("coordinator@c21.example", "Mikko Heinonen", Role.COORDINATOR, None),
    ("officer@helsinki.example", "Aino Virtanen", Role.OFFICER, "helsinki"),
    ("viewer@helsinki.example", "Juha Korhonen", Role.VIEWER, "helsinki"),
    ("officer@espoo.example", "Liisa Mäkinen", Role.OFFICER, "espoo"),
    ("viewer@espoo.example", "Pekka Nieminen", Role.VIEWER, "espoo"),
    ("officer@turku.example", "Elina Laine", Role.OFFICER, "turku"),
    ("viewer@turku.example", "Timo Heikkinen", Role.VIEWER, "turku"),
    ("officer@lahti.example", "Kaisa Koskinen", Role.OFFICER, "lahti"),
    ("viewer@lahti.example", "Antti Järvinen", Role.VIEWER, "lahti"),
    ("officer@rovaniemi.example", "Minna Lehtonen", Role.OFFICER, "rovaniemi"),
    ("viewer@rovaniemi.example", "Jari Saarinen", Role.VIEWER, "rovaniemi"),
]


def account_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def load_demo_data() -> list[User]:
    """Add whatever part of the demo data set is missing; returns the accounts created.

    For the operator at the command line (actor None); expects the reference data loaded.
    The caller commits.
    """
    created = []
    for email, name, role, slug in DEMO_ACCOUNTS:
        if db.session.scalar(select(User.id).where(User.email == email)):
            continue
        city = db.session.scalar(select(City).where(City.slug == slug)) if slug else None
        created.append(
            create_user(None, email=email, name=name, role=role, city=city, password=DEMO_PASSWORD)
        )
    db.session.flush()
    load_demo_records()
    load_demo_records_ii()
    load_demo_meetings()
    return created

"""The role table, can() and the scoped loaders (DESIGN.md section 3)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from werkzeug.exceptions import NotFound

from portal.database import run_side_writes
from portal.extensions import db
from portal.models import AuditEvent, City, User
from portal.security.permissions import can, load_visible, select_visible

HELSINKI, ESPOO = 1, 2


@dataclass
class FakeUser:
    role: str
    city_id: int | None
    active: bool = True
    is_authenticated: bool = True
    id: int = 0


@dataclass
class Record:
    city_id: int
    visibility: str


# The table of DESIGN.md section 3, written out independently of the implementation:
# (role, user's city) -> {(record city, visibility): (may read, may write)}.
EXPECTED = {
    ("officer", HELSINKI): {
        (HELSINKI, "city"): (True, True),
        (HELSINKI, "network"): (True, True),
        (ESPOO, "city"): (False, False),
        (ESPOO, "network"): (True, False),
    },
    ("viewer", HELSINKI): {
        (HELSINKI, "city"): (True, False),
        (HELSINKI, "network"): (True, False),
        (ESPOO, "city"): (False, False),
        (ESPOO, "network"): (True, False),
    },
    ("coordinator", HELSINKI): {
        (HELSINKI, "city"): (True, True),
        (HELSINKI, "network"): (True, True),
        (ESPOO, "city"): (False, False),
        (ESPOO, "network"): (True, False),
    },
    ("coordinator", None): {
        (HELSINKI, "city"): (False, False),
        (HELSINKI, "network"): (True, False),
        (ESPOO, "city"): (False, False),
        (ESPOO, "network"): (True, False),
    },
    ("admin", None): {
        (HELSINKI, "city"): (True, True),
        (HELSINKI, "network"): (True, True),
        (ESPOO, "city"): (True, True),
        (ESPOO, "network"): (True, True),
    },
}


@pytest.mark.parametrize(
    "role,user_city,record_city,visibility",
    [
        (role, user_city, record_city, visibility)
        for (role, user_city), cells in EXPECTED.items()
        for (record_city, visibility) in cells
    ],
)
def test_record_rules_match_design(role, user_city, record_city, visibility):
    user = FakeUser(role, user_city)
    record = Record(record_city, visibility)
    may_read, may_write = EXPECTED[(role, user_city)][(record_city, visibility)]
    assert can(user, "read", record) is may_read
    assert can(user, "write", record) is may_write


@pytest.mark.parametrize("role", ["officer", "viewer", "coordinator", "admin"])
def test_deactivated_and_anonymous_users_may_do_nothing(role):
    record = Record(HELSINKI, "network")
    assert not can(FakeUser(role, HELSINKI, active=False), "read", record)
    assert not can(FakeUser(role, HELSINKI, is_authenticated=False), "read", record)
    assert not can(None, "network.read")


NETWORK_EXPECTED = {
    "officer": {"network.read", "organisation.add", "agenda.propose"},
    "viewer": {"network.read"},
    "coordinator": {"network.read", "organisation.add", "organisation.merge", "meeting.manage"},
    "admin": {
        "network.read",
        "organisation.add",
        "organisation.merge",
        "meeting.manage",
        "agenda.propose",
        "users.manage",
        "cities.manage",
        "themes.manage",
    },
}


@pytest.mark.parametrize("role", list(NETWORK_EXPECTED))
def test_network_wide_actions(role):
    user = FakeUser(role, HELSINKI if role != "admin" else None)
    for action in NETWORK_EXPECTED["admin"]:
        assert can(user, action) is (action in NETWORK_EXPECTED[role]), action


def test_records_are_created_only_in_ones_own_city():
    helsinki, espoo = City(id=HELSINKI), City(id=ESPOO)
    assert can(FakeUser("officer", HELSINKI), "city.create_records", helsinki)
    assert not can(FakeUser("officer", HELSINKI), "city.create_records", espoo)
    assert not can(FakeUser("viewer", HELSINKI), "city.create_records", helsinki)
    assert not can(FakeUser("coordinator", None), "city.create_records", helsinki)
    assert can(FakeUser("admin", None), "city.create_records", espoo)


def test_unknown_actions_fail_closed():
    assert not can(FakeUser("admin", None), "delete.everything")
    assert not can(FakeUser("officer", HELSINKI), "reed", Record(HELSINKI, "city"))


# --- Scoped loaders against a real table -------------------------------------------------
# A throwaway city-owned table on its own metadata, so that the loaders are tested on real
# SQL before the first real record kind arrives and without touching the app's schema.

_meta = MetaData()
Table("cities", _meta, Column("id", Integer, primary_key=True))


class _Base(DeclarativeBase):
    metadata = _meta


class Probe(_Base):
    __tablename__ = "test_probe_records"
    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"))
    visibility: Mapped[str] = mapped_column(String(10))
    archived_at: Mapped[str | None] = mapped_column(String(30))


@pytest.fixture
def probes(app):
    with app.app_context():
        table = Probe.__table__
        table.create(db.engine, checkfirst=True)
        ids = {
            slug: db.session.scalar(select(City.id).where(City.slug == slug))
            for slug in ("helsinki", "espoo")
        }
        rows = {}
        for slug, visibility in itertools.product(ids, ("city", "network")):
            probe = Probe(city_id=ids[slug], visibility=visibility)
            db.session.add(probe)
            db.session.flush()
            rows[(slug, visibility)] = probe.id
        archived = Probe(city_id=ids["helsinki"], visibility="network", archived_at="2026")
        db.session.add(archived)
        db.session.commit()
        rows["archived"] = archived.id
    yield rows
    with app.app_context():
        Probe.__table__.drop(db.engine)


@pytest.mark.parametrize(
    "role,city",
    [
        ("officer", "helsinki"),
        ("viewer", "helsinki"),
        ("coordinator", "helsinki"),
        ("coordinator", None),
        ("admin", None),
    ],
)
def test_scoped_loaders_agree_with_can(app, make_user, probes, role, city):
    ref = make_user(role, city)
    with app.app_context():
        user = db.session.get(User, ref.id)
        listed = set(db.session.scalars(select_visible(user, Probe).with_only_columns(Probe.id)))
        for key, probe_id in probes.items():
            if key == "archived":
                continue
            record = db.session.get(Probe, probe_id)
            readable = can(user, "read", record)
            assert (probe_id in listed) is readable, (role, city, key)
            if readable:
                assert load_visible(user, Probe, probe_id).id == probe_id
            else:
                with pytest.raises(NotFound):
                    load_visible(user, Probe, probe_id)
        # Archived records leave lists but their city can still open them.
        assert probes["archived"] not in listed
        if city == "helsinki" or role == "admin" or role == "coordinator":
            assert load_visible(user, Probe, probes["archived"]).id == probes["archived"]


def test_hidden_record_is_a_404_and_the_denial_is_audited(app, make_user, probes):
    ref = make_user("officer", "espoo")
    with app.app_context():
        user = db.session.get(User, ref.id)
        with app.test_request_context():
            with pytest.raises(NotFound):
                load_visible(user, Probe, probes[("helsinki", "city")])
            # The denial is written when the request's own work is over.
            run_side_writes(db)
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "access.denied")
        ).one()
        assert event.actor_id == ref.id and event.object_id == probes[("helsinki", "city")]
        assert "404" in event.detail


@dataclass
class ProjectLike:
    city_id: int
    visibility: str
    partner_city_ids: frozenset = frozenset()


TURKU = 3


@pytest.mark.parametrize("visibility", ["city", "network"])
def test_partner_cities_read_a_project_whatever_its_visibility_and_add_updates(visibility):
    project = ProjectLike(ESPOO, visibility, frozenset({HELSINKI}))
    officer, viewer = FakeUser("officer", HELSINKI), FakeUser("viewer", HELSINKI)
    assert can(officer, "read", project) and can(officer, "contribute", project)
    assert not can(officer, "write", project)  # only the lead city edits the project itself
    assert can(viewer, "read", project) and not can(viewer, "contribute", project)
    outsider = FakeUser("officer", TURKU)
    assert can(outsider, "read", project) is (visibility == "network")
    assert not can(outsider, "contribute", project)
    lead = FakeUser("officer", ESPOO)
    assert can(lead, "write", project) and can(lead, "contribute", project)
    assert not can(FakeUser("coordinator", None), "contribute", project)
    assert can(FakeUser("admin", None), "contribute", project)


def test_the_changes_in_a_records_history_are_for_its_own_city():
    shared = Record(HELSINKI, "network")
    assert can(FakeUser("viewer", HELSINKI), "history", shared)
    assert not can(FakeUser("officer", ESPOO), "history", shared)
    assert can(FakeUser("officer", ESPOO), "read", shared)
    assert can(FakeUser("admin", None), "history", shared)
    assert can(
        FakeUser("viewer", HELSINKI), "history", ProjectLike(ESPOO, "city", frozenset({HELSINKI}))
    )

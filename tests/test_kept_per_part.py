"""Values kept per part (portal.caching.per_part_state): a kind of record and a city, whose
token every write of that city's records of that kind changes (issue 18)."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def computed(app, monkeypatch) -> list[list[tuple[str, int]]]:
    """The parts computed again, one list per call of per_part_state that computed any,
    from a start with nothing kept."""
    from portal import caching

    calls: list[list[tuple[str, int]]] = []
    real = caching.per_part_state

    def watching(name, key, parts, compute, **options):
        def compute_and_note(missing):
            calls.append(sorted(missing))
            return compute(missing)

        return real(name, key, parts, compute_and_note, **options)

    monkeypatch.setattr(caching, "per_part_state", watching)
    app.extensions.pop("per_part_state", None)
    return calls


def _home_counts(client) -> dict[str, int]:
    page = client.get("/").get_data(as_text=True)
    counts = page[page.index('<ul class="counts">') :]
    counts = counts[: counts.index("</ul>")]
    found = re.findall(r">(\d+) (contact|interaction|project|event)s?<", counts)
    return {kind: int(n) for n, kind in found}


def test_a_citys_counts_are_counted_again_after_its_own_writes_of_that_kind_only(
    app, client_as, make_contact, make_record, computed
):
    """The home page's counts of the city's records: a write of another city, or of another
    kind, counts nothing again; the city's own write of a kind counts that kind again, and
    the figure is the new one (its private records, and archiving, included)."""
    from portal.extensions import db
    from portal.models import Contact
    from portal.timeutil import utcnow

    def counted() -> list[list[str]]:
        kinds = [[kind for kind, _city in call] for call in computed]
        computed.clear()
        return kinds

    wang = make_contact("helsinki", "city", family_name="Wang")
    make_record("project", "helsinki", "network")
    client, _ = client_as("officer", "helsinki")
    assert _home_counts(client) == {"contact": 1, "interaction": 0, "project": 1, "event": 0}
    counted()
    make_contact("espoo", "network", family_name="Li")  # another city
    make_record("event", "helsinki", "city")  # another kind
    assert _home_counts(client) == {"contact": 1, "interaction": 0, "project": 1, "event": 1}
    assert counted() == [["event"]]
    make_contact("helsinki", "network", family_name="Zhang")
    assert _home_counts(client)["contact"] == 2 and counted() == [["contact"]]
    with app.app_context():
        db.session.get(Contact, wang).archived_at = utcnow()
        db.session.commit()
    assert _home_counts(client)["contact"] == 1 and counted() == [["contact"]]


def test_only_what_the_index_holds_is_kept_per_part(app):
    """A kind whose writes change no token (not in the search index) cannot be kept per
    part: its kept value would never be renewed."""
    from portal.caching import per_part_state

    with app.app_context(), pytest.raises(ValueError, match="audit"):
        per_part_state("x", None, [("audit", 1)], lambda parts: {p: 0 for p in parts})


def test_readers_with_the_same_view_of_a_city_share_its_part_of_a_feed(
    app, client_as, make_record, computed
):
    """The network's feed is written city by city: a second reader writes only the cities
    it sees otherwise than the first (its own), a change of one city's event writes only
    that city's part again, and every feed is the one written from scratch."""
    from datetime import timedelta

    from portal.extensions import db
    from portal.models import Event
    from portal.timeutil import local_today
    from tests.conftest import city_id
    from tests.test_projects_events import _feed_url, parse

    def written() -> list[list[int]]:
        cities = [[city for _kind, city in call] for call in computed]
        computed.clear()
        return cities

    day = local_today() + timedelta(days=7)
    when = {"starts_on": day, "ends_on": day}
    make_record("event", "oulu", "city", title="Oulu private", **when)
    make_record("event", "oulu", "network", title="Oulu shared", **when)
    espoo_event = make_record("event", "espoo", "network", title="Espoo shared", **when)
    make_record("event", "turku", "city", title="Turku private", **when)
    oulu_url = _feed_url(client_as("viewer", "oulu")[0])
    turku_url = _feed_url(client_as("viewer", "turku")[0])
    calendar = app.test_client()

    def titles(url):
        return sorted(str(e["summary"]) for e in parse(calendar.get(url).data))

    def from_scratch(url):  # with nothing kept, and left out of ``written``
        kept, before = app.extensions.pop("per_part_state", None), len(computed)
        try:
            return titles(url)
        finally:
            del computed[before:]
            if kept is not None:
                app.extensions["per_part_state"] = kept

    with app.app_context():
        oulu, turku, espoo = city_id("oulu"), city_id("turku"), city_id("espoo")
    assert titles(oulu_url) == ["Espoo shared", "Oulu shared"]
    assert sorted(len(cities) for cities in written()) == [1, 20]  # its own city; the others
    assert titles(turku_url) == ["Espoo shared", "Oulu shared"] == from_scratch(turku_url)
    # Turku's own view of Turku, and Oulu's shared events (Oulu's reader saw its own); the
    # 19 other cities' shared events as Oulu's reader had them.
    assert sorted(written()) == sorted([[turku], [oulu]])
    with app.app_context():
        db.session.get(Event, espoo_event).title = "Espoo shared, renamed"
        db.session.commit()
    assert titles(turku_url) == ["Espoo shared, renamed", "Oulu shared"]
    assert written() == [[espoo]]
    assert titles(turku_url) == from_scratch(turku_url) and written() == []
    assert "Oulu private" not in titles(turku_url)


def test_a_key_for_a_citys_rows_means_the_same_rows(app, make_user, make_record, make_contact):
    """visibility_scope_in: any two readers with the same key for a city see the same rows
    of it, for events, projects (with partner cities) and contacts (restricted ones)."""

    from portal.extensions import db
    from portal.models import Contact, Event, Project, User
    from portal.security.permissions import select_visible, visibility_scope_in
    from portal.timeutil import utcnow
    from tests.conftest import city_id

    for city in ("helsinki", "espoo"):
        for visibility in ("city", "network"):
            make_record("event", city, visibility)
            make_record("project", city, visibility, partners=["oulu"])
            make_contact(city, visibility, family_name=f"{city} {visibility}")
    restricted = make_contact("helsinki", "city", family_name="Restricted")
    with app.app_context():
        db.session.get(Contact, restricted).restricted_at = utcnow()
        db.session.commit()
    readers = [
        make_user(role, city)
        for role, city in [
            ("officer", "helsinki"),
            ("viewer", "helsinki"),
            ("officer", "espoo"),
            ("officer", "oulu"),
            ("viewer", "turku"),
            ("coordinator", None),
            ("admin", None),
        ]
    ]
    readers.append(make_user("officer", "helsinki"))
    with app.app_context():
        db.session.get(User, readers[-1].id).data_protection = True  # sees the restricted
        db.session.commit()
        for model in (Event, Project, Contact):
            for slug in ("helsinki", "espoo"):
                seen: dict = {}
                for reader in readers:
                    user = db.session.get(User, reader.id)
                    key = visibility_scope_in(user, model, city_id(slug))
                    rows = set(
                        db.session.scalars(
                            select_visible(user, model)
                            .where(model.city_id == city_id(slug))
                            .with_only_columns(model.id)
                        )
                    )
                    assert seen.setdefault(key, rows) == rows, (model, slug, user.email)
                assert len(seen) >= 2, (model, slug)  # the key tells some readers apart


def test_who_knows_counts_again_the_kinds_written_and_all_of_them_when_an_organisation_moves(
    app, client_as, make_organisation, make_contact, make_record, monkeypatch
):
    """Who in the network knows a place keeps what each kind of record comes to
    (portal.caching.per_parts_state) until a record of that kind, of any city, changes: an
    event saved anywhere counts the events again, not the contacts. Which organisations are
    at the place is the organisations' own: one moved there counts every kind again, and its
    records appear."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import ChinesePlace, Event, Organisation
    from portal.services import who_knows

    found: list[str] = []
    real = who_knows._find

    def watching(actor, name, *args):
        found.append(name)
        return real(actor, name, *args)

    monkeypatch.setattr(who_knows, "_find", watching)
    app.extensions.pop("per_parts_state", None)
    org = make_organisation("Shanghai Tourism Bureau", place="shanghai")
    make_contact("espoo", "network", family_name="Lin", organisation=org)
    fair = make_record("event", "espoo", "network", title="Tourism fair")
    with app.app_context():
        db.session.get(Event, fair).organisations = [db.session.get(Organisation, org)]
        db.session.commit()
    client, _ = client_as("officer", "helsinki")
    page = client.get("/places/beijing").get_data(as_text=True)
    assert "Tourism fair" not in page and "Lin" not in page
    assert sorted(found) == sorted(who_knows.KINDS)
    found.clear()
    client.get("/places/beijing")
    assert found == []  # nothing written since
    make_record("event", "oulu", "network", title="Ice festival")
    client.get("/places/beijing")
    assert found == ["events"]
    found.clear()
    with app.app_context():
        beijing = db.session.scalar(select(ChinesePlace.id).where(ChinesePlace.slug == "beijing"))
        db.session.get(Organisation, org).place_id = beijing
        db.session.commit()
    page = client.get("/places/beijing").get_data(as_text=True)
    assert "Tourism fair" in page and "Lin" in page
    assert sorted(found) == sorted(who_knows.KINDS)

"""The network overview: shared records only, by theme and city, as tables and charts."""

from __future__ import annotations

import re

from sqlalchemy import select


def test_the_overview_counts_only_shared_records(client_as, make_record):
    make_record("project", "lahti", "network", title="Shared coaching")
    make_record("project", "lahti", "city", title="Private coaching")
    make_record("event", "helsinki", "network", title="Shared festival")
    make_record("offer", "helsinki", "network")
    client, _ = client_as("viewer", "oulu")
    page = client.get("/overview").get_data(as_text=True)
    by_city = page[page.index("Shared records per city and kind") :]
    lahti = re.search(r'<th scope="row">Lahti</th>(.*?)</tr>', by_city, re.S).group(1)
    assert re.findall(r'<td class="num">(\d+)</td>', lahti) == ["1", "0", "0", "0", "1"]
    helsinki = re.search(r'<th scope="row">Helsinki</th>(.*?)</tr>', by_city, re.S).group(1)
    assert re.findall(r'<td class="num">(\d+)</td>', helsinki) == ["0", "1", "0", "1", "2"]
    assert 'role="img"' in page and '<title id="city-chart-title">' in page
    assert "Shared festival" in page  # upcoming shared events
    assert "Private coaching" not in page


def test_the_overview_issues_a_fixed_number_of_statements(client_as, count_statements, make_record):
    client, _ = client_as()

    def statements():
        client.get("/overview")
        with count_statements() as counter:
            assert client.get("/overview").status_code == 200
        return counter.count

    make_record("event", "helsinki", "network")
    few = statements()
    for i in range(40):
        make_record(
            ["project", "event", "agreement", "offer"][i % 4],
            ["helsinki", "espoo", "turku"][i % 3],
            "network",
        )
    assert statements() == few


def test_the_map_draws_partnerships_and_visible_agreements_with_a_table(
    client_as, make_record, app
):
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import ChinesePlace

    with app.app_context():
        kunming = db.session.scalar(select(ChinesePlace.id).where(ChinesePlace.slug == "kunming"))
        harbin = db.session.scalar(select(ChinesePlace.id).where(ChinesePlace.slug == "harbin"))
    make_record(
        "agreement", "oulu", "network", title="Oulu-Kunming letter", counterpart_place_id=kunming
    )
    make_record(
        "agreement", "vaasa", "city", title="Vaasa-Harbin draft", counterpart_place_id=harbin
    )
    client, _ = client_as("viewer", "turku")
    page = client.get("/overview").get_data(as_text=True)
    assert 'class="network-map"' in page and 'aria-labelledby="map-title map-desc"' in page
    table = page[page.index("partnerships and agreements with places in China") :]
    assert '<th scope="row">Helsinki</th><td>Beijing</td>' in table  # public partnership
    assert "Oulu – Kunming: Oulu-Kunming letter" in table  # a shared agreement
    assert "Harbin" not in page  # another city's private agreement draws no line
    assert page.count('class="map-city"') == 21


def test_activity_counts_shared_records_per_quarter_to_the_day(app, make_record):
    """Each quarter counts the shared records created and the shared events held in it, its
    first day in and the next quarter's first day out; private and archived ones never."""
    from datetime import UTC, date, datetime

    from portal.extensions import db
    from portal.models import Event, Project
    from portal.services import overview
    from portal.timeutil import utcnow

    def created(kind, model, when, visibility="network", **fields):
        record = make_record(kind, "helsinki", visibility, **fields)
        with app.app_context():
            db.session.get(model, record).created_at = when.replace(tzinfo=UTC)
            db.session.commit()

    created("project", Project, datetime(2026, 7, 1, 0, 0))  # Q3's first moment
    created("project", Project, datetime(2026, 6, 30, 23, 59))  # Q2's last
    created("project", Project, datetime(2026, 8, 1), "city")  # private: never
    created("project", Project, datetime(2026, 8, 1), archived_at=utcnow())  # archived: never
    created("event", Event, datetime(2026, 9, 30), starts_on=date(2026, 10, 1))  # held in Q4
    created("event", Event, datetime(2025, 12, 31), starts_on=date(2025, 12, 31))
    with app.app_context():
        activity = overview.figures(date(2026, 11, 23)).activity()
        quarters = {q.label: (q.created, q.events_held) for q in activity}
    assert list(quarters) == [f"{y} Q{q}" for y in (2025, 2026) for q in (1, 2, 3, 4)]
    assert quarters["2026 Q3"] == (2, 0)  # a project, and the event created on 30 September
    assert quarters["2026 Q2"] == (1, 0)
    assert quarters["2026 Q4"] == (0, 1)
    assert quarters["2025 Q4"] == (1, 1)
    assert sum(c for c, _ in quarters.values()) == 4


def test_the_overview_names_themes_and_cities_in_each_readers_language(app, client_as, make_record):
    """The figures are kept for everyone; the names are not: a Swedish reader right after an
    English one reads the themes and cities in Swedish."""
    from portal.extensions import db
    from portal.models import Event, Theme

    event_id = make_record("event", "vantaa", "network")
    with app.app_context():
        event = db.session.get(Event, event_id)
        event.themes = [db.session.scalar(select(Theme).where(Theme.slug == "tourism"))]
        db.session.commit()
    english, _ = client_as("viewer", "oulu")
    page = english.get("/overview").get_data(as_text=True)
    assert '<th scope="row">Tourism</th>' in page and '<th scope="row">Vantaa</th>' in page
    swedish, _ = client_as("viewer", "turku", locale="sv")
    page = swedish.get("/overview").get_data(as_text=True)
    assert '<th scope="row">Turism</th>' in page and '<th scope="row">Tourism</th>' not in page
    by_city = page[page.index('<th scope="row">Turism</th>') :]
    assert '<th scope="row">Vanda</th>' in by_city and '<th scope="row">Vantaa</th>' not in page


def test_a_write_counts_again_only_the_city_and_kind_it_changed(
    app, make_record, make_contact, monkeypatch
):
    """Each city's shares of each kind are kept until a record of that kind of that city is
    written (issue 18: the whole network's were counted again after any write anywhere):
    after each change of Espoo's events, only Espoo's events are counted again, and the
    figures are those of a count from scratch; a write of another kind changes nothing kept."""
    from portal.extensions import db
    from portal.models import Event, Theme
    from portal.services import overview
    from portal.timeutil import local_today, utcnow
    from tests.conftest import city_id

    counted: list[list[tuple[str, int]]] = []
    real_count = overview._count

    def count(parts, spans):
        counted.append(sorted(parts))
        return real_count(parts, spans)

    monkeypatch.setattr(overview, "_count", count)

    def figures():
        with app.app_context():
            found = overview.figures(local_today())
            return (
                {r.key: r.counts for r in found.by_city()},
                {r.key: r.counts for r in found.by_theme()},
                [(q.created, q.events_held) for q in found.activity()],
            )

    def from_scratch():  # with nothing kept (and not among the counts the test checks)
        kept, before = app.extensions.pop("per_part_state", None), len(counted)
        try:
            return figures()
        finally:
            del counted[before:]
            if kept is not None:
                app.extensions["per_part_state"] = kept

    def change(event_id, **values):
        with app.app_context():
            event = db.session.get(Event, event_id)
            for name, value in values.items():
                setattr(event, name, value)
            db.session.commit()

    with app.app_context():
        espoo = city_id("espoo")
    make_record("project", "helsinki", "network")
    first = make_record("event", "espoo", "network", starts_on=local_today())
    figures()
    counted.clear()
    kept = figures()
    assert counted == [] and kept == from_scratch()  # all kept

    second = make_record("event", "espoo", "network")
    shown = figures()
    assert counted == [[("event", espoo)]] and shown == from_scratch()
    assert shown[0]["espoo"]["events"] == 2 and shown[0]["helsinki"]["projects"] == 1
    with app.app_context():
        tourism = db.session.scalar(select(Theme).where(Theme.slug == "tourism"))
    for values, espoo_events in [
        ({"themes": [tourism]}, 2),
        ({"visibility": "city"}, 1),
        ({"visibility": "network", "archived_at": utcnow()}, 1),
    ]:
        counted.clear()
        change(second, **values)
        shown = figures()
        assert counted == [[("event", espoo)]] and shown == from_scratch(), values
        assert shown[0]["espoo"]["events"] == espoo_events
    assert "tourism" not in shown[1]  # the archived event's theme counts no more
    counted.clear()
    with app.app_context():
        db.session.delete(db.session.get(Event, first))
        db.session.commit()
    shown = figures()
    assert counted == [[("event", espoo)]] and shown == from_scratch()
    assert shown[0]["espoo"]["events"] == 0 and shown[2][-1] == (1, 0)  # the project's
    counted.clear()
    make_contact("espoo", "network", family_name="Wang")
    kept = figures()
    assert counted == [] and kept == from_scratch()

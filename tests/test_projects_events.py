"""Projects with partner cities, and events with their calendar and iCalendar feeds."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from portal.extensions import db
from portal.models import Project, User
from portal.timeutil import local_today


def project_form(**fields) -> dict:
    data = {
        "title": "Winter sports coaching exchange",
        "description": "",
        "status": "active",
        "starts_on": "2026-01-01",
        "ends_on": "2027-12-31",
        "budget_eur": "120000",
        "funding_sources": ["own", "eu"],
        "outcomes": "",
        "visibility": "city",
        "organisation_name": "",
    }
    data.update(fields)
    return data


def test_partner_cities_read_and_update_a_private_project_but_do_not_edit_it(
    app, client_as, make_record
):
    project = make_record(
        "project", "lahti", "city", partners=["helsinki"], title="Ski-jumping coaching in Chongli"
    )
    partner, _ = client_as("officer", "helsinki")
    assert "Ski-jumping coaching in Chongli" in partner.get("/projects/").get_data(as_text=True)
    page = partner.get(f"/projects/{project}").get_data(as_text=True)
    assert "Ski-jumping coaching in Chongli" in page and "Add the update" in page
    assert "/edit" not in page  # no edit button for a partner
    assert partner.get(f"/projects/{project}/edit").status_code == 403
    response = partner.post(
        f"/projects/{project}/updates",
        data={"happened_on": "2026-11-01", "text": "Coaches selected."},
    )
    assert response.status_code == 302
    assert "Coaches selected." in partner.get(f"/projects/{project}").get_data(as_text=True)
    outsider, _ = client_as("officer", "turku")
    assert outsider.get(f"/projects/{project}").status_code == 404
    assert "Chongli" not in outsider.get("/projects/?city=lahti").get_data(as_text=True)
    viewer, _ = client_as("viewer", "helsinki")
    assert viewer.get(f"/projects/{project}").status_code == 200
    assert (
        viewer.post(
            f"/projects/{project}/updates", data={"happened_on": "2026-11-01", "text": "x"}
        ).status_code
        == 403
    )


def test_an_officer_starts_a_project_with_partners(app, client_as):
    client, _ = client_as("officer", "helsinki")
    with app.app_context():
        from tests.conftest import city_id

        espoo, vantaa = city_id("espoo"), city_id("vantaa")
    response = client.post(
        "/projects/new", data=project_form(partner_cities=[str(espoo), str(vantaa)])
    )
    assert response.status_code == 302
    with app.app_context():
        project = db.session.scalars(select(Project)).one()
        assert {c.slug for c in project.partner_cities} == {"espoo", "vantaa"}
        assert project.funding_sources == ["eu", "own"] and project.budget_eur == 120000
    home, _ = client_as("viewer", "espoo")
    assert "Winter sports coaching exchange" in home.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"title": ""}, "Give the project a name."),
        (
            {"starts_on": "2027-01-01", "ends_on": "2026-01-01"},
            "The end cannot be before the start.",
        ),
        ({"budget_eur": "-5"}, "The budget cannot be negative."),
    ],
)
def test_project_validation(client_as, fields, message):
    client, _ = client_as()
    assert message in client.post("/projects/new", data=project_form(**fields)).get_data(
        as_text=True
    )


def test_the_lead_city_cannot_be_its_own_partner(app, client_as):
    client, _ = client_as("officer", "helsinki")
    with app.app_context():
        from tests.conftest import city_id

        helsinki = city_id("helsinki")
    page = client.post("/projects/new", data=project_form(partner_cities=[str(helsinki)])).get_data(
        as_text=True
    )
    assert "not a valid choice" in page.lower()  # Helsinki is not even offered


def test_project_page_lists_linked_events_and_agreements(client_as, make_record):
    project = make_record("project", "helsinki", "network", title="Helsinki Week in Beijing")
    make_record("event", "helsinki", "network", title="Helsinki Week opening", project_id=project)
    make_record(
        "agreement", "helsinki", "network", title="Week co-operation MoU", project_id=project
    )
    make_record("event", "helsinki", "city", title="Private planning day", project_id=project)
    own, _ = client_as("officer", "helsinki")
    page = own.get(f"/projects/{project}").get_data(as_text=True)
    assert "Helsinki Week opening" in page and "Week co-operation MoU" in page
    assert "Private planning day" in page
    other, _ = client_as("officer", "espoo")
    page = other.get(f"/projects/{project}").get_data(as_text=True)
    assert "Helsinki Week opening" in page and "Private planning day" not in page


# --- Events ---------------------------------------------------------------------------------


def event_form(**fields) -> dict:
    data = {
        "kind": "festival",
        "title": "Chinese New Year festival",
        "description": "",
        "starts_on": "2027-02-06",
        "ends_on": "2027-02-07",
        "start_time": "",
        "end_time": "",
        "timezone": "Europe/Helsinki",
        "place_city": "",
        "place_china": "",
        "place_text": "Railway Square",
        "expected_attendance": "25000",
        "actual_attendance": "",
        "project": "",
        "visibility": "network",
        "organisation_name": "",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"starts_on": ""}, "Enter the first day."),
        (
            {"starts_on": "2027-02-07", "ends_on": "2027-02-06"},
            "The last day cannot be before the first.",
        ),
        ({"end_time": "12:00"}, "Enter the start time too"),
        ({"ends_on": "", "start_time": "14:00", "end_time": "13:00"}, "must end after it starts"),
        ({"expected_attendance": "-1"}, "zero or more"),
    ],
)
def test_event_validation(client_as, fields, message):
    client, _ = client_as()
    assert message in client.post("/events/new", data=event_form(**fields)).get_data(as_text=True)


def parse(body: bytes) -> list:
    return [c for c in Calendar.from_ical(body).walk("VEVENT")]


def test_an_event_downloads_as_icalendar_with_a_stable_uid_and_a_link_back(app, client_as):
    client, _ = client_as()
    response = client.post(
        "/events/new",
        data=event_form(
            kind="outgoing_delegation",
            title="Helsinki Week in Beijing",
            starts_on="2026-05-20",
            ends_on="2026-05-20",
            start_time="09:30",
            end_time="17:00",
            timezone="Asia/Shanghai",
        ),
    )
    event_id = int(response.headers["Location"].rsplit("/", 1)[1])
    first = client.get(f"/events/{event_id}/event.ics")
    assert first.mimetype == "text/calendar"
    (item,) = parse(first.data)
    assert str(item["uid"]) == f"event-{event_id}@c21-portal"
    assert str(item["summary"]) == "Helsinki Week in Beijing"
    start = item.decoded("dtstart")
    assert (start.hour, start.minute, str(start.tzinfo)) == (9, 30, "Asia/Shanghai")
    assert str(item["url"]).endswith(f"/events/{event_id}")
    assert b"BEGIN:VTIMEZONE" in first.data
    (again,) = parse(client.get(f"/events/{event_id}/event.ics").data)
    assert again["uid"] == item["uid"]


def test_an_all_day_event_ends_the_day_after_its_last_day(client_as, make_record):
    event = make_record(
        "event", "helsinki", "network", starts_on=date(2027, 2, 6), ends_on=date(2027, 2, 7)
    )
    client, _ = client_as()
    (item,) = parse(client.get(f"/events/{event}/event.ics").data)
    assert item.decoded("dtstart") == date(2027, 2, 6)
    assert item.decoded("dtend") == date(2027, 2, 8)


def test_the_month_calendar_shows_each_day_and_only_what_the_user_may_see(client_as, make_record):
    make_record(
        "event",
        "helsinki",
        "city",
        title="Own planning day",
        starts_on=date(2027, 2, 1),
        ends_on=date(2027, 2, 1),
    )
    make_record(
        "event",
        "espoo",
        "network",
        title="Espoo shared fair",
        starts_on=date(2027, 2, 10),
        ends_on=date(2027, 2, 12),
    )
    make_record(
        "event",
        "espoo",
        "city",
        title="Espoo private dinner",
        starts_on=date(2027, 2, 10),
        ends_on=date(2027, 2, 10),
    )
    client, _ = client_as("officer", "helsinki")
    own = client.get("/events/calendar?month=2027-02&scope=city").get_data(as_text=True)
    assert "Own planning day" in own and "Espoo shared fair" not in own
    shared = client.get("/events/calendar?month=2027-02&scope=network").get_data(as_text=True)
    assert shared.count("Espoo shared fair") == 3  # on each of its three days
    assert "Espoo private dinner" not in shared and "Own planning day" not in shared
    assert "Previous month" in shared and 'rel="next"' in shared
    assert client.get("/events/calendar?month=2027-13").status_code == 404  # no such month


def test_upcoming_and_past_lists(client_as, make_record):
    today = local_today()
    make_record(
        "event",
        "helsinki",
        "network",
        title="Next week's seminar",
        starts_on=today + timedelta(days=7),
        ends_on=today + timedelta(days=7),
    )
    make_record(
        "event",
        "helsinki",
        "network",
        title="Last year's fair",
        starts_on=today - timedelta(days=300),
        ends_on=today - timedelta(days=299),
    )
    client, _ = client_as()
    upcoming = client.get("/events/").get_data(as_text=True)
    past = client.get("/events/?when=past").get_data(as_text=True)
    assert "Next week&#39;s seminar" in upcoming and "Last year" not in upcoming
    assert "Last year&#39;s fair" in past and "Next week" not in past


def test_calendar_feeds_hold_only_what_their_user_may_see_and_can_be_revoked(
    app, client_as, make_record
):
    today = local_today()
    soon = {"starts_on": today + timedelta(days=3), "ends_on": today + timedelta(days=3)}
    make_record("event", "helsinki", "city", title="Helsinki private", **soon)
    make_record("event", "helsinki", "network", title="Helsinki shared", **soon)
    make_record("event", "espoo", "city", title="Espoo private", **soon)
    make_record("event", "espoo", "network", title="Espoo shared", **soon)
    client, _ = client_as("viewer", "helsinki")
    page = client.post("/events/feeds/new").get_data(as_text=True)
    city_url, network_url = re.findall(r'value="http://localhost(/calendar/[^"]+\.ics)"', page)
    anonymous = app.test_client()  # a calendar client: no login
    city_titles = {str(e["summary"]) for e in parse(anonymous.get(city_url).data)}
    network_titles = {str(e["summary"]) for e in parse(anonymous.get(network_url).data)}
    assert city_titles == {"Helsinki private", "Helsinki shared"}
    assert network_titles == {"Helsinki shared", "Espoo shared"}
    # The page does not show the secret again.
    assert city_url not in client.get("/events/feeds").get_data(as_text=True)
    # A new address replaces the old one; revoking stops them all.
    client.post("/events/feeds/new")
    assert anonymous.get(city_url).status_code == 404
    client.post("/events/feeds/revoke")
    assert client.get("/events/feeds").get_data(as_text=True).count("Stop my calendar") == 0


def test_a_deactivated_users_feed_stops(app, client_as):
    client, user = client_as("officer", "helsinki")
    page = client.post("/events/feeds/new").get_data(as_text=True)
    url = re.search(r'value="http://localhost(/calendar/[^"]+/network\.ics)"', page).group(1)
    assert app.test_client().get(url).status_code == 200
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert app.test_client().get(url).status_code == 404
    assert app.test_client().get("/calendar/not-a-token/network.ics").status_code == 404


@pytest.mark.parametrize("kind", ["projects", "events", "agreements", "expertise"])
def test_list_pages_issue_a_fixed_number_of_statements(
    app, client_as, count_statements, make_record, kind
):
    client, _ = client_as("officer", "helsinki")
    record_kind = {
        "projects": "project",
        "events": "event",
        "agreements": "agreement",
        "expertise": "offer",
    }[kind]

    def fill(n):
        for i in range(n):
            make_record(
                record_kind,
                ["helsinki", "espoo"][i % 2],
                ["city", "network"][i % 2],
                title=f"{kind} {i}",
                **({"partners": ["helsinki", "turku"]} if record_kind == "project" else {}),
            )

    def statements():
        path = f"/{kind}/?when=all" if kind == "events" else f"/{kind}/"
        client.get(path)
        with count_statements() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    fill(5)
    few = statements()
    fill(200)
    assert statements() == few


def _feed_url(client, scope: str = "network") -> str:
    page = client.post("/events/feeds/new").get_data(as_text=True)
    return re.search(rf'value="http://localhost(/calendar/[^"]+/{scope}\.ics)"', page).group(1)


def test_a_feed_holds_the_last_90_days_and_the_next_two_years(app, client_as, make_record):
    today = local_today()

    def on(days: int) -> dict:
        day = today + timedelta(days=days)
        return {"starts_on": day, "ends_on": day}

    make_record("event", "helsinki", "network", title="Long ago", **on(-120))
    make_record("event", "helsinki", "network", title="Last month", **on(-30))
    make_record("event", "helsinki", "network", title="Next year", **on(365))
    make_record("event", "helsinki", "network", title="Far ahead", **on(800))
    client, _ = client_as("viewer", "espoo")
    feed = app.test_client().get(_feed_url(client))
    assert {str(e["summary"]) for e in parse(feed.data)} == {"Last month", "Next year"}


def test_a_calendar_poll_costs_nothing_until_the_feed_changes(app, client_as, make_record):
    from portal.models import Event
    from portal.timeutil import utcnow

    day = local_today() + timedelta(days=5)
    first = make_record(
        "event", "helsinki", "network", title="Harbin ice festival", starts_on=day, ends_on=day
    )
    client, _ = client_as("viewer", "espoo")
    url = _feed_url(client)
    calendar = app.test_client()

    def change(seconds_ago: int, **values) -> None:
        with app.app_context():
            event = db.session.get(Event, first)
            for name, value in values.items():
                setattr(event, name, value)
            event.updated_at = utcnow() - timedelta(seconds=seconds_ago)
            db.session.commit()

    change(60)
    response = calendar.get(url)
    etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
    assert response.status_code == 200 and "private" in response.headers["Cache-Control"]

    def poll(**headers):
        return calendar.get(url, headers=headers)

    again = poll(**{"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert poll(**{"If-Modified-Since": modified}).status_code == 304

    change(30, title="Harbin ice and snow festival")  # Helsinki renames its event
    changed = poll(**{"If-None-Match": etag})
    assert changed.status_code == 200 and b"Harbin ice and snow festival" in changed.data
    assert poll(**{"If-Modified-Since": modified}).status_code == 200
    etag, modified = changed.headers["ETag"], changed.headers["Last-Modified"]
    assert poll(**{"If-None-Match": etag}).status_code == 304

    change(10, visibility="city")  # ... and makes it private: it leaves Espoo's feed
    left = poll(**{"If-None-Match": etag})
    assert left.status_code == 200 and b"Harbin" not in left.data
    assert poll(**{"If-Modified-Since": modified}).status_code == 200


def test_a_change_within_the_second_sends_no_last_modified(app, client_as, make_record):
    """HTTP dates count whole seconds: a time that another change could still share would
    let a client keep a stale feed, so only the tag is sent then."""
    day = local_today() + timedelta(days=5)
    make_record("event", "helsinki", "network", title="Fresh", starts_on=day, ends_on=day)
    client, _ = client_as("viewer", "espoo")
    response = app.test_client().get(_feed_url(client))
    assert "ETag" in response.headers and "Last-Modified" not in response.headers


def test_a_feed_polled_late_in_the_evening_utc_still_says_when_it_changed(
    app, client_as, make_record, monkeypatch
):
    """The feed's window moves at midnight in Finland, which is 22:00 UTC in winter: between
    then and midnight UTC the feed must still give a Last-Modified in the past (it once gave
    none, so calendars re-downloaded the feed every poll for two hours a night)."""
    from datetime import UTC, datetime

    from portal.models import Event
    from portal.services import events

    evening = datetime(2026, 11, 22, 22, 30, tzinfo=UTC)  # 00:30 on the 23rd in Helsinki
    monkeypatch.setattr(events, "utcnow", lambda: evening)
    day = local_today() + timedelta(days=5)
    first = make_record(
        "event", "helsinki", "network", title="Harbin ice festival", starts_on=day, ends_on=day
    )
    with app.app_context():
        db.session.get(Event, first).updated_at = evening - timedelta(hours=3)
        db.session.commit()
    client, _ = client_as("viewer", "espoo")
    url = _feed_url(client)
    response = app.test_client().get(url)
    modified = response.headers.get("Last-Modified")
    assert modified == "Sun, 22 Nov 2026 22:00:00 GMT"  # midnight in Helsinki
    again = app.test_client().get(url, headers={"If-Modified-Since": modified})
    assert again.status_code == 304

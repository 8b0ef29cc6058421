"""Reminders by e-mail (issue 14): each person chooses daily, weekly or never; `flask
reminders send` puts what is due into the outbox once per person and period, in their
language, as text and HTML with links back; an overdue action item shows on the home page."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import ActionItem, AgendaItem, Interaction, Meeting, MeetingSeries, User
from portal.models.mail import OutboxMail
from portal.timeutil import local_today
from tests.conftest import city_id
from tests.test_notifications import smtp_server

TODAY = date(2026, 11, 23)  # a Monday


def _send(app, day: date = TODAY):
    return app.test_cli_runner().invoke(args=["reminders", "send", "--date", day.isoformat()])


def _mails(app) -> list[OutboxMail]:
    with app.app_context():
        found = list(db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)))
        db.session.expunge_all()
        return found


def _set(app, user_id: int, **values) -> None:
    with app.app_context():
        user = db.session.get(User, user_id)
        for name, value in values.items():
            setattr(user, name, value)
        db.session.commit()


def _meeting_with_action_item(app, *, due_on: date, deadline: date) -> None:
    with app.app_context():
        series = db.session.scalar(select(MeetingSeries))
        meeting = Meeting(
            series_id=series.id,
            title="C21 China network meeting",
            held_on=deadline + timedelta(days=14),
            starts_at=time(13),
            ends_at=time(15),
            proposal_deadline=deadline,
        )
        db.session.add(meeting)
        db.session.flush()
        item = AgendaItem(meeting_id=meeting.id, title="Matters arising", status="accepted")
        db.session.add(item)
        db.session.flush()
        db.session.add(
            ActionItem(
                item_id=item.id,
                description="Send the sports exchange report to Beijing",
                owner_city_id=city_id("helsinki"),
                due_on=due_on,
            )
        )
        db.session.commit()


def test_an_officers_reminder_holds_what_is_due_in_their_language_once(
    app, make_user, make_interaction, make_record
):
    officer = make_user("officer", "helsinki", email="aino@helsinki.example", locale="fi")
    _set(app, officer.id, reminder_frequency="daily")
    follow_up = make_interaction("helsinki", "city", title="Call the Beijing sports bureau")
    with app.app_context():
        db.session.get(Interaction, follow_up).follow_up_on = TODAY
        db.session.commit()
    make_record(
        "agreement",
        "helsinki",
        "city",
        title="Action plan 2024-2027",
        review_on=TODAY + timedelta(days=10),
    )
    _meeting_with_action_item(app, due_on=date(2019, 6, 1), deadline=TODAY + timedelta(days=3))
    make_interaction("espoo", "city", title="Espoo's own follow-up")  # never in Helsinki's

    result = _send(app)
    assert result.exit_code == 0, result.output
    assert "1 mails queued" in result.output
    [mail] = _mails(app)
    assert mail.recipient == "aino@helsinki.example"
    assert mail.subject.startswith("C21-portaali")  # in Finnish, as the account says
    for text in (mail.body, mail.html):
        assert "Call the Beijing sports bureau" in text
        assert "Action plan 2024-2027" in text
        assert "Send the sports exchange report to Beijing" in text
        assert "1.6.2019" in text  # overdue since 2019, in Finnish dates
        assert "C21 China network meeting" in text
        assert "Espoo's own follow-up" not in text
        assert f"/interactions/{follow_up}" in text and "/account" in text
    assert mail.html.startswith("<!doctype html>") and '<html lang="fi">' in mail.html
    # The same day again: nothing twice. The next day: a new one.
    again = _send(app).output
    assert "0 mails queued" in again and "1 already made" in again
    assert len(_mails(app)) == 1
    _send(app, TODAY + timedelta(days=1))
    assert len(_mails(app)) == 2


def test_never_means_never_and_weekly_comes_once_a_week(app, make_user, make_interaction):
    never = make_user("officer", "helsinki", email="never@helsinki.example")
    _set(app, never.id, reminder_frequency="never")
    weekly = make_user("officer", "helsinki", email="weekly@helsinki.example")
    follow_up = make_interaction("helsinki", "city", title="Send the invitation")
    with app.app_context():
        db.session.get(Interaction, follow_up).follow_up_on = TODAY + timedelta(days=4)
        db.session.commit()
    _send(app)  # Monday: the weekly one looks at the coming week
    _send(app, TODAY + timedelta(days=2))  # Wednesday, the same week: nothing new
    assert [m.recipient for m in _mails(app)] == ["weekly@helsinki.example"]
    assert "Send the invitation" in _mails(app)[0].body
    _send(app, TODAY + timedelta(days=7))  # next week
    assert [m.recipient for m in _mails(app)] == [weekly.email, weekly.email]


def test_the_weekly_digest_tells_what_other_cities_shared_on_ones_themes(
    app, make_user, make_record
):
    from portal.models import Project, Theme

    viewer = make_user("viewer", "oulu", email="viewer@oulu.example")
    with app.app_context():
        culture = db.session.scalar(select(Theme).where(Theme.slug == "culture"))
        db.session.get(User, viewer.id).themes = [culture]
        db.session.commit()
        culture_id = culture.id

    def project(city, visibility, title):
        pid = make_record("project", city, visibility, title=title)
        with app.app_context():
            db.session.get(Project, pid).themes = [db.session.get(Theme, culture_id)]
            db.session.commit()

    project("turku", "network", "Chinese New Year in Turku")
    project("turku", "city", "Turku's private plan")
    project("oulu", "network", "Oulu's own festival")
    make_record("project", "lahti", "network", title="Lahti, another theme")
    _send(app, local_today())
    [mail] = _mails(app)
    assert "Chinese New Year in Turku" in mail.body and "Chinese New Year in Turku" in mail.html
    assert "Turku's private plan" not in mail.body
    assert "Oulu's own festival" not in mail.body and "Lahti, another theme" not in mail.body


def test_a_reminder_goes_out_as_text_and_html(app, make_user, make_interaction):
    make_user("officer", "helsinki", email="aino@helsinki.example")
    follow_up = make_interaction("helsinki", "city", title="Call back")
    with app.app_context():
        db.session.get(Interaction, follow_up).follow_up_on = TODAY
        db.session.commit()
    _send(app)
    with smtp_server(app) as server:
        assert app.test_cli_runner().invoke(args=["mail", "send"]).exit_code == 0
    [message] = server.messages
    assert "multipart/alternative" in message
    assert "text/plain" in message and "text/html" in message


def test_people_choose_how_often_and_their_themes_on_their_account_page(app, client_as):
    client, user = client_as("officer", "helsinki")
    page = client.get("/account").get_data(as_text=True)
    assert "Reminders by e-mail" in page and "Themes you follow" in page
    assert 'value="weekly" checked' in page or "checked" in page
    with app.app_context():
        from portal.models import Theme

        culture = db.session.scalar(select(Theme.id).where(Theme.slug == "culture"))
    response = client.post(
        "/account", data={"reminder_frequency": "daily", "themes": [str(culture)]}
    )
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored.reminder_frequency == "daily"
        assert [t.id for t in stored.themes] == [culture]
    page = client.post("/account", data={"reminder_frequency": "hourly"}).get_data(as_text=True)
    assert 'id="reminder_frequency-error"' in page  # said by the field
    with app.app_context():
        assert db.session.get(User, user.id).reminder_frequency == "daily"


def test_an_action_item_overdue_for_years_is_flagged_on_the_home_page(app, client_as):
    _meeting_with_action_item(app, due_on=date(2019, 6, 1), deadline=local_today())
    client, _ = client_as("officer", "helsinki")
    page = client.get("/").get_data(as_text=True)
    assert "Send the sports exchange report to Beijing" in page
    assert "overdue since 1 Jun 2019" in page


def test_calendars_remind_of_meetings_and_proposal_deadlines(app, client_as):
    """The network feed carries the meetings, each with a reminder the day before, and the
    last day for proposals with a reminder two days before (VALARM, RFC 5545 3.6.6); a
    change to a meeting changes the feed's version."""
    import re

    _meeting_with_action_item(
        app, due_on=local_today(), deadline=local_today() + timedelta(days=10)
    )
    client, _ = client_as("officer", "helsinki")
    page = client.post("/events/feeds/new").get_data(as_text=True)
    network = re.search(r'value="http://localhost(/calendar/[^"]+/network\.ics)"', page).group(1)
    feed = app.test_client().get(network)
    body = feed.get_data(as_text=True)
    assert "UID:meeting-" in body and "SUMMARY:C21 China network meeting" in body
    assert body.count("BEGIN:VALARM") == 2
    assert "TRIGGER:-P1D" in body and "TRIGGER:-P2D" in body
    assert "SUMMARY:Last day for proposals: C21 China network meeting" in body
    assert "ACTION:DISPLAY" in body
    city = app.test_client().get(network.replace("network.ics", "city.ics"))
    assert "BEGIN:VALARM" not in city.get_data(as_text=True)  # the city's own events only
    with app.app_context():
        meeting = db.session.scalar(select(Meeting))
        meeting.venue = "Helsinki City Hall"
        db.session.commit()
        meeting_id = meeting.id
    again = app.test_client().get(network, headers={"If-None-Match": feed.headers["ETag"]})
    assert again.status_code == 200 and "Helsinki City Hall" in again.get_data(as_text=True)
    ics = client.get(f"/meetings/{meeting_id}/meeting.ics").get_data(as_text=True)
    assert "BEGIN:VALARM" in ics and "TRIGGER:-P1D" in ics

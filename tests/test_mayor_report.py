"""The report to the mayor (issue 12): per city and period, what the city did with China,
private records included, for the city's own people only; printable and as PDF."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    ActionItem,
    AgendaItem,
    Agreement,
    AuditEvent,
    Interaction,
    Meeting,
    MeetingSeries,
    Project,
    ProjectUpdate,
    Theme,
)
from portal.models.agreements import ActionPlanTheme, AgreementFollowUp
from portal.timeutil import local_today
from tests.conftest import city_id


def _text(response) -> str:
    import html
    import re

    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def test_a_citys_report_tells_its_year_with_china_and_nothing_of_other_cities(
    app, client_as, make_interaction, make_record
):
    today = local_today()
    sports = make_interaction("helsinki", "city", title="Sports bureau meeting")
    visit = make_interaction("helsinki", "network", title="Mayor's visit to Beijing")
    make_interaction("espoo", "network", title="Espoo's trade talks")
    project = make_record("project", "helsinki", "city", title="Winter sports coaching")
    make_record("event", "helsinki", "city", title="Chinese New Year gala", starts_on=today)
    make_record("offer", "helsinki", "network", title="Arctic construction know-how")
    plan = make_record("agreement", "helsinki", "network", title="Action plan 2024-2027")
    with app.app_context():
        culture = db.session.scalar(select(Theme).where(Theme.slug == "culture"))
        db.session.get(Interaction, sports).themes = [culture]
        db.session.get(Interaction, visit).kind = "visit"
        for i in (sports, visit):
            db.session.get(Interaction, i).occurred_on = today
        db.session.get(Project, project).status = "active"
        db.session.add(
            ProjectUpdate(
                project_id=project,
                city_id=city_id("helsinki"),
                happened_on=today,
                text="Coaches trained in Beijing.",
            )
        )
        agreement = db.session.get(Agreement, plan)
        agreement.plan_themes.append(
            ActionPlanTheme(number=1, title="Winter sports", progress="in_progress")
        )
        agreement.follow_ups.append(
            AgreementFollowUp(
                kind="review", done_on=today, outcome="on_track", notes="Mid-term review held."
            )
        )
        db.session.commit()
    with app.app_context():
        series = db.session.scalar(select(MeetingSeries))
        meeting = Meeting(
            series_id=series.id,
            title="C21 spring meeting",
            held_on=today,
            starts_at=time(13),
            ends_at=time(15),
            proposal_deadline=today,
            status="held",
        )
        item = AgendaItem(
            title="Helsinki's sports exchange",
            status="accepted",
            city_id=city_id("helsinki"),
        )
        meeting.items.append(item)
        db.session.add(meeting)
        db.session.flush()
        db.session.add(
            ActionItem(
                item_id=item.id,
                description="Send the report to Beijing",
                owner_city_id=city_id("helsinki"),
                due_on=date(2019, 6, 1),
            )
        )
        db.session.commit()
    viewer, _ = client_as("viewer", "helsinki")
    assert "/cities/helsinki/report" in viewer.get("/cities/helsinki").get_data(as_text=True)
    page = _text(viewer.get(f"/cities/helsinki/report?start={date(today.year, 1, 1)}"))
    assert "2 interactions" in page and "Culture" in page
    assert "Mayor's visit to Beijing" in page  # a visit, listed
    assert "Winter sports coaching" in page and "Coaches trained in Beijing." in page
    assert "Chinese New Year gala" in page and "Arctic construction know-how" in page
    assert "C21 spring meeting" in page and "Helsinki's sports exchange" in page
    assert "Send the report to Beijing" in page and "overdue since 1 Jun 2019" in page
    assert "Progress of the action plan: Action plan 2024-2027" in page
    assert "Winter sports" in page and "Mid-term review held." in page
    assert "Espoo's trade talks" not in page
    assert "<svg" in page  # the chart, with its table
    pdf = viewer.get(f"/cities/helsinki/report.pdf?start={date(today.year, 1, 1)}")
    assert pdf.status_code == 200 and pdf.get_data().startswith(b"%PDF")
    # Another period leaves it out; another city's report is not for Helsinki's people.
    start, end = today - timedelta(days=900), today - timedelta(days=800)
    earlier = _text(viewer.get(f"/cities/helsinki/report?start={start}&end={end}"))
    assert "Sports bureau meeting" not in earlier and "0 interactions" in earlier
    assert viewer.get("/cities/espoo/report").status_code == 403
    assert viewer.get("/cities/helsinki/report?start=2026-13-40").status_code == 400
    assert viewer.get("/cities/helsinki/report?start=2026-05-01&end=2026-01-01").status_code == 400
    with app.app_context():
        audited = db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "city.report")
        ).all()
        assert len(audited) >= 3

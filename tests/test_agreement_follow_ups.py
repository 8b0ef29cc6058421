"""An agreement's reviews, evaluations and the end of its term, recorded as done (issue 14):
off the due lists, kept in its history; an agreement past its end date is expired, not "In
force", and stays due until someone decides; an action plan's themes fit on one page."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import Agreement, AuditEvent
from portal.timeutil import local_today


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_a_review_recorded_as_done_leaves_the_due_list_and_stays_in_the_history(
    app, client_as, make_record
):
    today = local_today()
    agreement = make_record(
        "agreement",
        "helsinki",
        "city",
        title="Action plan 2024-2027",
        review_on=today - timedelta(days=3),
    )
    officer, _ = client_as("officer", "helsinki")
    assert "Action plan 2024-2027" in _text(officer.get("/agreements/due"))
    form = _text(officer.get(f"/agreements/{agreement}/follow-up/review"))
    assert "Record the review as done" in form and "Changes needed" in form
    response = officer.post(
        f"/agreements/{agreement}/follow-up/review",
        data={
            "done_on": today.isoformat(),
            "outcome": "needs_changes",
            "notes": "Sports theme to be renewed with the new bureau.",
            "next_on": (today + timedelta(days=365)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert "Action plan 2024-2027" not in _text(officer.get("/agreements/due"))
    page = _text(officer.get(f"/agreements/{agreement}"))
    assert "Recorded as done" in page and "Changes needed" in page
    assert "Sports theme to be renewed with the new bureau." in page
    assert "Review recorded" in page  # the history, in words
    with app.app_context():
        stored = db.session.get(Agreement, agreement)
        assert stored.review_on == today + timedelta(days=365)
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_id == agreement)
        ).all()
        assert "agreement.review" in actions


def test_bad_input_is_said_by_its_field_and_nothing_is_recorded(app, client_as, make_record):
    today = local_today()
    agreement = make_record("agreement", "helsinki", "city", valid_until=today - timedelta(days=1))
    officer, _ = client_as("officer", "helsinki")
    page = _text(
        officer.post(
            f"/agreements/{agreement}/follow-up/expiry",
            data={"done_on": (today + timedelta(days=2)).isoformat(), "outcome": "renewed"},
        )
    )
    assert "The date cannot be in the future" in page
    assert "Give the date the renewed agreement is valid until." in page
    assert 'aria-invalid="true"' in page
    with app.app_context():
        assert db.session.get(Agreement, agreement).follow_ups == []
    other, _ = client_as("officer", "espoo")
    assert other.get(f"/agreements/{agreement}/follow-up/review").status_code == 404
    assert officer.get(f"/agreements/{agreement}/follow-up/lunch").status_code == 404


def test_an_agreement_past_its_end_is_expired_and_stays_due_until_someone_decides(
    app, client_as, make_record
):
    """It once said "In force" for ever, and dropped off the due list 90 days after it
    lapsed with nothing decided."""
    today = local_today()
    lapsed = make_record(
        "agreement",
        "helsinki",
        "city",
        title="Friendship agreement 2016",
        valid_until=today - timedelta(days=200),
    )
    officer, _ = client_as("officer", "helsinki")
    page = _text(officer.get(f"/agreements/{lapsed}"))
    assert "Expired: the end of the term is not decided yet" in page
    assert "In force" not in page
    assert "Friendship agreement 2016" in _text(officer.get("/agreements/due"))
    assert "Expired: the end of the term" in _text(officer.get("/agreements/"))
    response = officer.post(
        f"/agreements/{lapsed}/follow-up/expiry",
        data={"done_on": today.isoformat(), "outcome": "continued_informally"},
    )
    assert response.status_code == 302
    assert "Friendship agreement 2016" not in _text(officer.get("/agreements/due"))
    assert "Expired, continued informally" in _text(officer.get(f"/agreements/{lapsed}"))
    # A renewal keeps it in force with its new end date.
    renewed = make_record(
        "agreement",
        "helsinki",
        "city",
        title="Sister-city agreement",
        valid_until=today - timedelta(days=1),
    )
    officer.post(
        f"/agreements/{renewed}/follow-up/expiry",
        data={
            "done_on": today.isoformat(),
            "outcome": "renewed",
            "next_on": (today + timedelta(days=5 * 365)).isoformat(),
        },
    )
    with app.app_context():
        stored = db.session.get(Agreement, renewed)
        assert stored.status == "in_force" and stored.valid_until > today
    assert "In force" in _text(officer.get(f"/agreements/{renewed}"))


def test_a_whole_action_plan_fits_on_one_page_and_more_blocks_keep_what_was_typed(
    app, client_as, make_record
):
    """Three empty blocks a save made a ten-theme plan take four saves."""
    agreement = make_record("agreement", "helsinki", "city")
    officer, _ = client_as("officer", "helsinki")
    page = officer.get(f"/agreements/{agreement}/plan").get_data(as_text=True)
    assert page.count('name="themes-') and "themes-11-title" in page
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    typed = {
        "version": version,
        "more": "1",
        **{f"themes-{i}-title": f"Theme {i + 1}" for i in range(12)},
        **{f"themes-{i}-progress": "not_started" for i in range(12)},
    }
    page = officer.post(f"/agreements/{agreement}/plan", data=typed).get_data(as_text=True)
    assert "themes-16-title" in page  # five more blocks
    assert 'value="Theme 12"' in page  # nothing typed lost
    with app.app_context():
        assert db.session.get(Agreement, agreement).plan_themes == []  # nothing saved yet
    del typed["more"]
    typed.update({"themes-12-title": "Theme 13", "themes-12-progress": "in_progress"})
    assert officer.post(f"/agreements/{agreement}/plan", data=typed).status_code == 302
    with app.app_context():
        assert len(db.session.get(Agreement, agreement).plan_themes) == 13

"""A meeting's whole cycle in a real browser, with axe-core on every page: two cities
propose, the coordinator decides, orders and publishes, an officer reads the agenda, the
secretary records a decision and an action item, and the next meeting shows it under
matters arising. Also: minutes typed before a session expired are offered back."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from portal.extensions import db
from portal.models import Meeting
from portal.timeutil import local_today
from tests.browser.test_accounts_in_browser import log_in, log_out
from tests.conftest import PASSWORD


def _publish(ui) -> None:
    """Publish from the meeting's page: the portal asks first, on a page of its own."""
    page = ui.page
    ui.follow(page.get_by_role("button", name="Publish the agenda"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Publish the agenda of")
    ui.follow(page.get_by_role("button", name="Publish the agenda"))


def _create_meeting(ui, title: str, days: int) -> None:
    page = ui.page
    ui.goto("/meetings/")
    ui.follow(page.get_by_role("link", name="New meeting"))
    held_on = local_today() + timedelta(days=days)
    page.get_by_label("Title").fill(title)
    page.get_by_label("Date", exact=True).fill(held_on.isoformat())
    page.get_by_label("Starts at (Helsinki time)").fill("13:00")
    page.get_by_label("Ends at (Helsinki time)").fill("15:00")
    page.get_by_label("Host city").select_option(label="Espoo")
    page.get_by_label("Venue").fill("Espoo City Hall")
    page.get_by_label("Last day for proposals").fill((held_on - timedelta(days=7)).isoformat())
    ui.follow(page.get_by_role("button", name="Create the meeting"))
    expect(page.get_by_role("status")).to_contain_text("The meeting was created as a draft.")


def _meeting_path(app, title: str) -> str:
    with app.app_context():
        return f"/meetings/{db.session.scalar(select(Meeting.id).where(Meeting.title == title))}"


def _propose(ui, path: str, title: str, minutes: str) -> None:
    page = ui.page
    ui.goto(path)
    ui.follow(page.get_by_role("link", name="Propose an item"))
    page.get_by_label("Title").fill(title)
    page.get_by_label("Discussion").check()
    page.get_by_label("Duration in minutes").fill(minutes)
    ui.follow(page.get_by_role("button", name="Send the proposal"))
    expect(page.get_by_role("status")).to_contain_text("Your proposal was sent")


def test_a_meeting_from_proposals_to_matters_arising(app, ui, make_user, make_record):
    page = ui.page
    coordinator = make_user("coordinator", None, name="Mikko Heinonen")
    helsinki = make_user("officer", "helsinki", name="Aino Virtanen")
    espoo = make_user("officer", "espoo", name="Liisa Mäkinen")
    make_record("project", "helsinki", "network", title="Winter sports coaching")

    log_in(ui, coordinator.email, PASSWORD)
    _create_meeting(ui, "Autumn meeting", 20)
    path = _meeting_path(app, "Autumn meeting")
    log_out(ui)

    log_in(ui, helsinki.email, PASSWORD)
    ui.goto(path)
    ui.follow(page.get_by_role("link", name="Propose an item"))
    page.get_by_label("Title").fill("Winter sports exchange")
    page.get_by_label("Discussion").check()
    page.get_by_label("Duration in minutes").fill("20")
    page.get_by_label("Project: Winter sports coaching").check()
    ui.follow(page.get_by_role("button", name="Send the proposal"))
    log_out(ui)
    log_in(ui, espoo.email, PASSWORD)
    _propose(ui, path, "Tourism fair in Shanghai", "15")
    # Espoo sees its own proposal, not Helsinki's.
    expect(page.get_by_text("Winter sports exchange")).to_have_count(0)
    log_out(ui)

    log_in(ui, coordinator.email, PASSWORD)
    ui.goto(path)
    for title in ("Winter sports exchange", "Tourism fair in Shanghai"):
        form = page.locator("form.decide-form").filter(has_text=title)
        form.get_by_label("Accept onto the agenda").check()
        ui.follow(form.get_by_role("button", name="Save the decision"))
    # Keyboard-usable ordering: Espoo's item one place up.
    ui.follow(page.get_by_role("button", name=re.compile(r"^Move up\s*: \d+ Tourism fair")))
    rows = page.locator("table.agenda tbody tr")
    titles = [t.strip() for t in rows.locator(".agenda-title").all_inner_texts()]
    assert titles.index("Tourism fair in Shanghai") < titles.index("Winter sports exchange")
    # Focus is back on the moved item and the move is announced (issue 15).
    moved = page.locator("tr.agenda-row").filter(has_text="Tourism fair in Shanghai")
    expect(moved).to_be_focused()
    expect(page.locator("[data-announce]")).to_have_text(re.compile("was moved"))
    # 65 min of standard items + 35 min of proposals in a two-hour meeting: no overrun.
    expect(page.get_by_text("past the end time")).to_have_count(0)
    _publish(ui)
    expect(page.get_by_role("status")).to_contain_text("The agenda is published")
    log_out(ui)

    log_in(ui, helsinki.email, PASSWORD)
    expect(page.get_by_text("The agenda of Autumn meeting")).to_be_visible()
    ui.follow(page.get_by_role("link", name=re.compile("The agenda of Autumn meeting")))
    row = page.locator("table.agenda tr").filter(has_text="Winter sports exchange")
    expect(row).to_contain_text("14:10")  # after the reports (13:25-13:55) and Espoo's 15 min
    expect(row.get_by_role("link", name="Winter sports coaching")).to_be_visible()
    ui.follow(page.get_by_role("link", name="Printable agenda"))
    expect(page.get_by_role("heading", name="Autumn meeting")).to_be_visible()
    log_out_path = path
    ui.goto(log_out_path)
    log_out(ui)

    log_in(ui, coordinator.email, PASSWORD)
    ui.goto(path)
    # The item's actions are behind its "Item actions" menu (a disclosure, keyboard too).
    page.locator("summary", has_text=re.compile(r"Item actions.*Winter sports exchange")).click()
    ui.check()
    ui.follow(page.get_by_role("link", name=re.compile(r"^Minutes\s*: Winter sports exchange")))
    page.get_by_label("Decision").fill("The network supports the exchange.")
    ui.follow(page.get_by_role("button", name="Save the minutes of this item"))
    page.get_by_label("Action").fill("Share the coaching programme")
    page.get_by_label("Owner city").select_option(label="Helsinki")
    page.get_by_label("Due date").fill((local_today() + timedelta(days=60)).isoformat())
    ui.follow(page.get_by_role("button", name="Add the action item"))
    expect(
        page.get_by_role("cell", name="Share the coaching programme", exact=True)
    ).to_be_visible()
    _create_meeting(ui, "Spring meeting", 200)
    spring = _meeting_path(app, "Spring meeting")
    _publish(ui)
    row = page.locator("table.agenda tr").filter(has_text="Matters arising")
    expect(row).to_contain_text("Share the coaching programme")
    log_out(ui)

    log_in(ui, helsinki.email, PASSWORD)
    expect(
        page.get_by_role("cell", name="Share the coaching programme", exact=True)
    ).to_be_visible()
    page.get_by_label("Status of “Share the coaching programme”").select_option(label="Done")
    ui.follow(
        page.get_by_role("button", name=re.compile(r"^Save\s*: Share the coaching programme"))
    )
    expect(page.get_by_text("No open action items.")).to_be_visible()
    ui.goto(spring)
    expect(page.get_by_text("Share the coaching programme")).to_have_count(0)


def test_minutes_typed_when_the_session_expired_are_offered_back(app, ui, make_user):
    from portal.models import UserSession
    from portal.timeutil import utcnow

    page = ui.page
    coordinator = make_user("coordinator", None)
    log_in(ui, coordinator.email, PASSWORD)
    _create_meeting(ui, "Winter meeting", 20)
    _publish(ui)
    # The item's actions are behind its "Item actions" menu (a disclosure, keyboard too).
    page.locator("summary", has_text=re.compile(r"Item actions.*Approval of the agenda")).click()
    ui.check()
    ui.follow(page.get_by_role("link", name=re.compile(r"^Minutes\s*: Approval of the agenda")))
    page.get_by_label("Decision").fill("The agenda was approved as presented.")
    page.wait_for_timeout(500)  # the draft is kept a moment after typing stops
    with app.app_context():  # the session ends while the secretary is typing
        for session in db.session.scalars(select(UserSession)):
            session.ended_at = utcnow()
        db.session.commit()
    with page.expect_navigation():
        page.get_by_role("button", name="Save the minutes of this item").click()
    expect(page.get_by_label("E-mail address")).to_be_visible()
    ui.check()
    page.get_by_label("E-mail address").fill(coordinator.email)
    page.get_by_label("Password").fill(PASSWORD)
    ui.follow(page.get_by_role("button", name="Log in"))
    expect(page.get_by_label("Decision")).to_have_value("The agenda was approved as presented.")
    expect(page.get_by_text("Your unsaved text from")).to_be_visible()
    ui.follow(page.get_by_role("button", name="Save the minutes of this item"))
    expect(page.get_by_role("status")).to_contain_text("The minutes of this item were saved.")


def test_drag_and_drop_reorders_the_agenda(app, ui, make_user):
    page = ui.page
    coordinator = make_user("coordinator", None)
    log_in(ui, coordinator.email, PASSWORD)
    _create_meeting(ui, "Drag meeting", 20)
    rows = page.locator("table.agenda tbody tr")
    first, last = rows.first, rows.last
    expect(last).to_contain_text("Closing of the meeting")
    # The drag gesture as the browser reports it to the page (headless chromium does not
    # synthesise HTML5 drag events from mouse moves).
    transfer = page.evaluate_handle("() => new DataTransfer()")
    last.dispatch_event("dragstart", {"dataTransfer": transfer})
    first.dispatch_event("dragover", {"dataTransfer": transfer})
    with page.expect_navigation():
        first.dispatch_event("drop", {"dataTransfer": transfer})
    ui.check()
    expect(page.get_by_role("status")).to_contain_text("The new order of the agenda was saved.")
    titles = [t.strip() for t in rows.locator(".agenda-title").all_inner_texts()]
    assert titles[:2] == ["Closing of the meeting", "Opening of the meeting"]


def test_a_deferred_proposal_reaches_the_next_meeting_and_minutes_are_approved_only_when_held(
    app, ui, make_user
):
    """Issue 14 in a real browser: a proposal deferred without a date waits for the next
    meeting and is there when it is created; the minutes can be approved only once the
    meeting is held, after a confirmation; reopening them needs a reason everyone sees."""
    page = ui.page
    coordinator = make_user("coordinator", None, name="Mikko Heinonen")
    helsinki = make_user("officer", "helsinki", name="Aino Virtanen")

    log_in(ui, coordinator.email, PASSWORD)
    _create_meeting(ui, "Winter meeting", 20)
    winter = _meeting_path(app, "Winter meeting")
    log_out(ui)
    log_in(ui, helsinki.email, PASSWORD)
    _propose(ui, winter, "Ice hockey school visit", "15")
    log_out(ui)

    log_in(ui, coordinator.email, PASSWORD)
    ui.goto(winter)
    form = page.locator("form.decide-form").filter(has_text="Ice hockey school visit")
    form.get_by_label("Defer to a later meeting").check()
    form.get_by_label("Reason (the city sees it; needed to defer or reject)").fill(
        "The winter agenda is full."
    )
    form.get_by_label("Defer to", exact=True).select_option(
        label="The next meeting of the series, when it is created"
    )
    ui.follow(form.get_by_role("button", name="Save the decision"))
    expect(
        page.get_by_text("to the next meeting of the series, when it is created")
    ).to_be_visible()
    # Not yet held: no approval offered, only when it can be marked held.
    _publish(ui)
    expect(page.get_by_role("button", name="Approve the minutes")).to_have_count(0)
    expect(page.get_by_text("can be marked held on")).to_be_visible()

    _create_meeting(ui, "Spring meeting", 120)
    ui.goto(_meeting_path(app, "Spring meeting"))
    proposal = page.locator("li.card").filter(has_text="Ice hockey school visit")
    expect(proposal).to_be_visible()
    expect(proposal).to_contain_text("Helsinki")

    # The winter meeting's day comes.
    with app.app_context():
        meeting = db.session.scalar(select(Meeting).where(Meeting.title == "Winter meeting"))
        meeting.held_on = local_today()
        meeting.proposal_deadline = local_today()
        db.session.commit()
    ui.goto(winter)
    ui.follow(page.get_by_role("button", name="Mark the meeting held"))
    ui.follow(page.get_by_role("button", name="Approve the minutes"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Approve the minutes of")
    ui.follow(page.get_by_role("button", name="Approve the minutes"))
    expect(page.get_by_role("status")).to_contain_text("The minutes are approved and locked.")
    page.get_by_label("Reason for reopening the approved minutes").fill(
        "The decision on item 5 was recorded wrongly."
    )
    ui.follow(page.get_by_role("button", name="Reopen the minutes"))
    expect(page.get_by_role("status")).to_contain_text("open for corrections again")
    expect(page.get_by_text("The decision on item 5 was recorded wrongly.")).to_be_visible()

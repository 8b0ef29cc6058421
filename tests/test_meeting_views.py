"""Meetings through the web: the whole cycle from proposals to the next meeting's matters
arising, the PDF and calendar outputs, and the minutes' conflict handling."""

from __future__ import annotations

import html
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import ActionItem, AgendaItem, City, Meeting, Notification
from portal.timeutil import local_today

# The confirmation a coordinator gives on the page that asks (publishing, approving).
CONFIRMED = {"confirmed": "yes"}


def _hold(app, client, meeting_id) -> None:
    """The meeting's day comes (it is moved to today) and a coordinator marks it held."""
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        meeting.held_on = local_today()
        meeting.proposal_deadline = min(meeting.proposal_deadline, meeting.held_on)
        db.session.commit()
    assert client.post(f"/meetings/{meeting_id}/held").status_code == 302


def _city_id(app, slug):
    with app.app_context():
        return db.session.scalar(select(City.id).where(City.slug == slug))


def _new_meeting(client, held_on, **over):
    data = {
        "title": "C21 China network, autumn meeting",
        "held_on": held_on.isoformat(),
        "starts_at": "13:00",
        "ends_at": "14:00",
        "host_city": "",
        "venue": "Espoo City Hall, Espoonportti",
        "online_url": "",
        "proposal_deadline": (held_on - timedelta(days=7)).isoformat(),
        "chair": "Mayor of Espoo",
        "secretary": "Network coordinator",
        "start": "standard",
    }
    data.update(over)
    return client.post("/meetings/new", data=data)


def _meeting_id(app, title="C21 China network, autumn meeting"):
    with app.app_context():
        return db.session.scalar(select(Meeting.id).where(Meeting.title == title))


def _item_id(app, title):
    with app.app_context():
        return db.session.scalar(select(AgendaItem.id).where(AgendaItem.title == title))


def _text(response) -> str:
    return _text_of(response.get_data(as_text=True))


def _text_of(markup: str) -> str:
    page = re.sub(r"<[^>]+>", " ", markup)
    return re.sub(r"\s+", " ", html.unescape(page))


def test_from_proposals_to_minutes_and_the_next_meetings_matters_arising(
    app, client_as, make_record
):
    coordinator, _ = client_as("coordinator", None)
    helsinki, _ = client_as("officer", "helsinki")
    espoo, _ = client_as("officer", "espoo")
    viewer, _ = client_as("viewer", "turku")
    shared = make_record("project", "helsinki", "network", title="Winter sports coaching")
    held_on = local_today() + timedelta(days=20)

    assert _new_meeting(coordinator, held_on).status_code == 302
    meeting = _meeting_id(app)
    # Before publication another city sees the meeting but not the agenda.
    page = _text(viewer.get(f"/meetings/{meeting}"))
    assert "The coordinators are preparing the agenda" in page
    assert "Opening of the meeting" not in page

    page = helsinki.get(f"/meetings/{meeting}/propose").get_data(as_text=True)
    assert "Winter sports coaching" in page  # offered as a link
    assert (
        helsinki.post(
            f"/meetings/{meeting}/propose",
            data={
                "title": "Winter sports exchange with Beijing",
                "description": "Coaches' visit in January.",
                "kind": "discussion",
                "duration_minutes": "20",
                "presenter": "Helsinki liaison officer",
                "links": [f"project:{shared}"],
            },
        ).status_code
        == 302
    )
    espoo.post(
        f"/meetings/{meeting}/propose",
        data={
            "title": "Tourism fair in Shanghai",
            "kind": "information",
            "duration_minutes": "10",
            "presenter": "Espoo liaison officer",
        },
    )
    # Each city sees its own proposal only.
    assert "Tourism fair in Shanghai" not in helsinki.get(f"/meetings/{meeting}").get_data(
        as_text=True
    )
    hel_item = _item_id(app, "Winter sports exchange with Beijing")
    espoo_item = _item_id(app, "Tourism fair in Shanghai")
    assert espoo.get(f"/meetings/items/{hel_item}/edit").status_code == 404

    for item in (hel_item, espoo_item):
        r = coordinator.post(f"/meetings/items/{item}/decide", data={"decision": "accept"})
        assert r.status_code == 302
    # The Espoo item goes before Helsinki's: one step up with the keyboard-usable button.
    coordinator.post(f"/meetings/items/{espoo_item}/move", data={"direction": "up"})
    page = _text(coordinator.get(f"/meetings/{meeting}"))
    assert "The agenda runs 35 minutes past the end time (14:00)" in page
    agenda = page[page.index("Agenda with planned start times") :]
    assert agenda.index("Tourism fair in Shanghai") < agenda.index("Winter sports exchange")

    assert coordinator.post(f"/meetings/{meeting}/publish", data=CONFIRMED).status_code == 302
    page = _text(viewer.get(f"/meetings/{meeting}"))
    assert "Winter sports exchange with Beijing" in page
    assert "Winter sports coaching" in page  # the linked shared project
    # 7 standard items: opening 13:00 (5), agenda 13:05 (5), minutes 13:10 (5), matters
    # arising 13:15 (10), reports 13:25 (30), then Espoo's item at 13:55 and Helsinki's at 14:05.
    assert re.search(r"13:55 .*Tourism fair in Shanghai", page)
    assert re.search(r"14:05 past the end .*Winter sports exchange", page)
    home = _text(helsinki.get("/"))
    assert "The agenda of C21 China network, autumn meeting" in home

    # The PDF carries the items, times, presenters and the annex.
    pdf = viewer.get(f"/meetings/{meeting}/agenda.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    text = re.sub(r"\s+", " ", text)
    for expected in (
        "Tourism fair in Shanghai",
        "13:55",
        "Presenter: Helsinki liaison officer",
        "Annex: network update since the previous meeting",
        "Winter sports coaching",
    ):
        assert expected in text, expected
    # A tagged PDF (PDF/UA) with its language and title, read back from its structure
    # (issue 15: "Tagged: no", and a hidden caption read between two columns).
    document = PdfReader(io.BytesIO(pdf.data))
    root = document.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert str(root["/Lang"]) == "en"
    assert document.metadata.title.startswith("C21 China network, autumn meeting")
    roles = set()
    stack = [root["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if "/S" in node:
                roles.add(str(node["/S"]))
            kids = node.get("/K")
            if kids is not None:
                stack.extend(kids if isinstance(kids, list) else [kids])
        elif isinstance(node, list):
            stack.extend(node)
    assert {"/H1", "/Table", "/TH", "/TD"} <= roles, roles
    ics = viewer.get(f"/meetings/{meeting}/meeting.ics").get_data(as_text=True)
    assert "SUMMARY:C21 China network\\, autumn meeting" in ics
    assert "TZID=Europe/Helsinki" in ics and "Tourism fair in Shanghai" in ics

    # The secretary records a decision and an action item for Helsinki.
    minutes_page = coordinator.get(f"/meetings/items/{hel_item}/minutes")
    assert minutes_page.status_code == 200
    r = coordinator.post(
        f"/meetings/items/{hel_item}/minutes",
        data={
            "decision": "The network supports the exchange.",
            "notes": "",
            "minutes_version": "0",
        },
    )
    assert r.status_code == 302
    coordinator.post(
        f"/meetings/items/{hel_item}/actions",
        data={
            "action-description": "Share the coaching programme with the cities",
            "action-owner_city": str(_city_id(app, "helsinki")),
            "action-due_on": (held_on + timedelta(days=60)).isoformat(),
        },
    )
    assert helsinki.post(f"/meetings/items/{hel_item}/minutes", data={}).status_code == 403
    assert "Share the coaching programme" in _text(helsinki.get("/"))

    # The next meeting shows it under matters arising until Helsinki marks it done.
    _new_meeting(
        coordinator,
        held_on + timedelta(days=180),
        title="C21 China network, spring meeting",
    )
    spring = _meeting_id(app, "C21 China network, spring meeting")
    coordinator.post(f"/meetings/{spring}/publish", data=CONFIRMED)
    assert "Share the coaching programme" in _text(viewer.get(f"/meetings/{spring}"))
    with app.app_context():
        action = db.session.scalar(select(ActionItem))
        action_id, version = action.id, action.version
    assert (
        espoo.post(
            f"/meetings/actions/{action_id}/status", data={"status": "done", "version": version}
        ).status_code
        == 403
    )
    helsinki.post(
        f"/meetings/actions/{action_id}/status", data={"status": "done", "version": version}
    )
    assert "Share the coaching programme" not in _text(viewer.get(f"/meetings/{spring}"))
    assert "Share the coaching programme" not in _text(helsinki.get("/"))


def test_a_second_secretary_gets_a_conflict_not_a_silent_overwrite(app, client_as):
    first, _ = client_as("coordinator", None)
    second, _ = client_as("coordinator", None)
    _new_meeting(first, local_today() + timedelta(days=20))
    meeting = _meeting_id(app)
    first.post(f"/meetings/{meeting}/publish", data=CONFIRMED)
    item = _item_id(app, "Approval of the agenda")
    first.post(
        f"/meetings/items/{item}/minutes",
        data={"decision": "The agenda was approved.", "notes": "", "minutes_version": "0"},
    )
    page = second.post(
        f"/meetings/items/{item}/minutes",
        data={"decision": "Approved with one change.", "notes": "", "minutes_version": "0"},
    )
    text = _text(page)
    assert page.status_code == 200
    assert "Someone else saved this while you were editing it" in text
    assert "The agenda was approved." in text  # theirs, shown
    assert "Approved with one change." in text  # yours, still in the form
    with app.app_context():
        assert db.session.get(AgendaItem, item).decision == "The agenda was approved."
    # Saving again, having seen theirs, goes through.
    second.post(
        f"/meetings/items/{item}/minutes",
        data={"decision": "Approved with one change.", "notes": "", "minutes_version": "1"},
    )
    _hold(app, first, meeting)
    first.post(f"/meetings/{meeting}/approve", data=CONFIRMED)
    with app.app_context():
        assert db.session.get(AgendaItem, item).decision == "Approved with one change."
    # Approved minutes are locked.
    assert first.get(f"/meetings/items/{item}/minutes").status_code == 403


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("title", "", "Give the meeting a title."),
        ("ends_at", "12:00", "The meeting must end after it starts."),
        ("online_url", "javascript:alert(1)", "Give a web address starting with https://."),
    ],
)
def test_bad_meeting_input_is_named_by_its_field_and_nothing_is_saved(
    app, client_as, field, value, message
):
    coordinator, _ = client_as("coordinator", None)
    page = _new_meeting(coordinator, local_today() + timedelta(days=20), **{field: value})
    assert page.status_code == 200
    assert message in page.get_data(as_text=True)
    assert f'id="{field}-error"' in page.get_data(as_text=True)
    assert _meeting_id(app) is None


def test_a_rejection_reaches_the_city_with_its_reason(app, client_as):
    coordinator, _ = client_as("coordinator", None)
    helsinki, officer = client_as("officer", "helsinki")
    _new_meeting(coordinator, local_today() + timedelta(days=20), start="empty")
    meeting = _meeting_id(app)
    helsinki.post(
        f"/meetings/{meeting}/propose",
        data={"title": "Panda loan", "kind": "decision", "duration_minutes": "5"},
    )
    item = _item_id(app, "Panda loan")
    refused = coordinator.post(f"/meetings/items/{item}/decide", data={"decision": "reject"})
    assert "Give the reason; the city will see it." in _text(coordinator.get(refused.location))
    coordinator.post(
        f"/meetings/items/{item}/decide",
        data={"decision": "reject", "reason": "Outside the network's remit."},
    )
    page = _text(helsinki.get(f"/meetings/{meeting}"))
    assert "Rejected" in page and "Reason: Outside the network's remit." in page
    with app.app_context():
        told = db.session.scalars(
            select(Notification.message).where(Notification.user_id == officer.id)
        ).all()
    assert any("Outside the network's remit." in m for m in told)


def _zip(names: dict[str, bytes]) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODS = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"x"})
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600


@pytest.mark.parametrize(
    "name,data,accepted",
    [
        ("agenda.pdf", None, True),  # MINIMAL_PDF
        ("plan.docx", DOCX, True),
        ("budget.ods", ODS, True),
        ("old.doc", OLE, True),
        ("old.exe", OLE, False),  # the old Office signature under a foreign name
        ("fake.pdf", b"<html><script>alert(1)</script></html>", False),
        ("archive.docx", _zip({"evil.sh": b"rm -rf /"}), False),  # a zip but no document
        ("empty.pdf", b"", False),
    ],
)
def test_papers_are_recognised_by_their_content(app, client_as, name, data, accepted):
    from portal.models import AgendaAttachment
    from tests.conftest import MINIMAL_PDF

    coordinator, _ = client_as("coordinator", None)
    reader, _ = client_as("viewer", "turku")
    _new_meeting(coordinator, local_today() + timedelta(days=20))
    meeting = _meeting_id(app)
    coordinator.post(f"/meetings/{meeting}/publish", data=CONFIRMED)
    item = _item_id(app, "Reports from the cities")
    content = MINIMAL_PDF if data is None else data
    coordinator.post(
        f"/meetings/items/{item}/attachments",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )
    with app.app_context():
        stored = db.session.scalars(select(AgendaAttachment)).all()
        ids = [a.id for a in stored]
    raw = coordinator.get(f"/meetings/{meeting}").get_data(as_text=True)
    page = _text_of(raw)
    if not accepted:
        assert ids == []
        assert "Attach a PDF or an office document" in page or "Choose a file to attach." in page
        # Said by the item's file field, linked from the error summary (issue 15).
        assert f'<a href="#file-{item}">' in raw and "data-error-summary" in raw
        assert f'aria-describedby="file-{item}-error"' in raw and 'aria-invalid="true"' in raw
        # The item's actions menu is open on that item only, its file field in view.
        row = re.search(rf'<tr id="item-{item}".*?</tr>', raw, re.S).group(0)
        assert '<details class="item-actions" open>' in row
        assert raw.count('<details class="item-actions" open>') == 1
        # Once: the next visit is clean.
        assert "data-error-summary" not in coordinator.get(f"/meetings/{meeting}").get_data(
            as_text=True
        )
        return
    assert len(ids) == 1 and name in page
    download = reader.get(f"/meetings/attachments/{ids[0]}")
    assert download.status_code == 200 and download.data == content
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in download.headers["Content-Security-Policy"]
    download.close()


def test_a_paper_over_the_size_limit_is_refused(app, client_as):
    from portal.models import AgendaAttachment

    coordinator, _ = client_as("coordinator", None)
    _new_meeting(coordinator, local_today() + timedelta(days=20))
    item = _item_id(app, "Reports from the cities")
    limit = app.config["ATTACHMENT_MAX_BYTES"]
    app.config["ATTACHMENT_MAX_BYTES"] = 1000
    try:
        response = coordinator.post(
            f"/meetings/items/{item}/attachments",
            data={"file": (io.BytesIO(b"%PDF-1.4\n" + b"x" * 2000 + b"%%EOF"), "big.pdf")},
            content_type="multipart/form-data",
        )
    finally:
        app.config["ATTACHMENT_MAX_BYTES"] = limit
    assert "The file is larger than" in _text(coordinator.get(response.location))
    with app.app_context():
        assert db.session.scalars(select(AgendaAttachment)).all() == []


def test_a_changed_published_agenda_says_what_changed(app, client_as):
    coordinator, _ = client_as("coordinator", None)
    viewer, _ = client_as("viewer", "oulu")
    _new_meeting(coordinator, local_today() + timedelta(days=20))
    meeting = _meeting_id(app)
    coordinator.post(f"/meetings/{meeting}/publish", data=CONFIRMED)
    assert "has changed since it was published" not in _text(viewer.get(f"/meetings/{meeting}"))
    coordinator.post(
        f"/meetings/{meeting}/items",
        data={
            "add-title": "Panda diplomacy",
            "add-kind": "information",
            "add-duration_minutes": "5",
        },
    )
    page = _text(viewer.get(f"/meetings/{meeting}"))
    assert "This agenda has changed since it was published" in page
    assert "Version 2" in page and "Added: 6 Panda diplomacy" in page


def test_a_record_made_private_after_publication_leaves_the_annex_for_other_cities(
    app, client_as, make_record
):
    """The annex is frozen at publication, but "private" stays reversible: another city's
    readers no longer see the title or the link (page, printable page, PDF); the owning
    city still does."""
    from pypdf import PdfReader

    from portal.models import Project

    coordinator, _ = client_as("coordinator", None)
    helsinki, _ = client_as("officer", "helsinki")
    turku, _ = client_as("viewer", "turku")
    project = make_record("project", "helsinki", "network", title="Secret panda diplomacy")
    make_record("project", "espoo", "network", title="Shanghai design week")
    _new_meeting(coordinator, local_today() + timedelta(days=20))
    meeting = _meeting_id(app)
    assert coordinator.post(f"/meetings/{meeting}/publish", data=CONFIRMED).status_code == 302
    assert "Secret panda diplomacy" in _text(turku.get(f"/meetings/{meeting}"))

    with app.app_context():
        db.session.get(Project, project).visibility = "city"
        db.session.commit()

    for path in (f"/meetings/{meeting}", f"/meetings/{meeting}/print"):
        page = turku.get(path).get_data(as_text=True)
        assert "Secret panda diplomacy" not in page and f"/projects/{project}" not in page
        assert "Shanghai design week" in page  # the rest of the annex stays
        assert "Secret panda diplomacy" in helsinki.get(path).get_data(as_text=True)
    pdf = turku.get(f"/meetings/{meeting}/agenda.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Shanghai design week" in text and "Secret panda diplomacy" not in text


def test_the_annex_is_rendered_once_for_each_language_and_form(app, client_as, make_record):
    """The published annex's rendering is kept (it does not change), but per language and
    per page form: a Finnish reader after an English one reads it in Finnish, and the
    printable page has no links where the page has them."""
    coordinator, _ = client_as("coordinator", None)
    english, _ = client_as("viewer", "turku")
    finnish, _ = client_as("viewer", "oulu", locale="fi")
    project = make_record("project", "espoo", "network", title="Shanghai design week")
    _new_meeting(coordinator, local_today() + timedelta(days=20))
    meeting = _meeting_id(app)
    coordinator.post(f"/meetings/{meeting}/publish", data=CONFIRMED)
    page = english.get(f"/meetings/{meeting}").get_data(as_text=True)
    assert "Annex: network update since the previous meeting" in page
    assert f'href="/projects/{project}"' in page
    page = finnish.get(f"/meetings/{meeting}").get_data(as_text=True)
    assert "Liite: verkoston tilannekatsaus edellisen kokouksen jälkeen" in page
    assert "Annex: network update" not in page
    printed = english.get(f"/meetings/{meeting}/print").get_data(as_text=True)
    assert "Shanghai design week" in printed and f'href="/projects/{project}"' not in printed


def test_an_agenda_row_shows_its_order_buttons_and_one_menu_for_the_rest(app, client_as):
    """Issue 15: a row carried a file picker, three buttons and two links; now the order
    buttons (keyboard-only ordering) and one "Item actions" disclosure with the rest."""
    coordinator, _ = client_as("coordinator", None)
    _new_meeting(coordinator, local_today() + timedelta(days=20))
    meeting = _meeting_id(app)
    coordinator.post(f"/meetings/{meeting}/publish", data=CONFIRMED)
    item = _item_id(app, "Reports from the cities")
    raw = coordinator.get(f"/meetings/{meeting}").get_data(as_text=True)
    row = re.search(rf'<tr id="item-{item}".*?</tr>', raw, re.S).group(0)
    controls, menu = row.split('<details class="item-actions">')
    assert "Move up" in controls and "Move down" in controls
    assert 'type="file"' not in controls and "Take off the agenda" not in controls
    assert "<summary>Item actions" in menu
    assert 'type="file"' in menu and "Take off the agenda" in menu and ">Edit<" in menu
    # Every row has one menu; a reader without rights sees none.
    assert raw.count('<details class="item-actions">') == raw.count('class="agenda-row')
    reader, _ = client_as("viewer", "turku")
    assert "item-actions" not in reader.get(f"/meetings/{meeting}").get_data(as_text=True)

"""Every list as a file (issue 12): what the page shows with the same filters, as CSV
(UTF-8 with a byte order mark, semicolons) and XLSX, headers in the reader's language;
never another city's private record, never a private contact named by a shared
interaction; a formula typed into a form stays text; each export audited."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent


def _csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for å, ä, ö and 北京
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def _xlsx(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _cells(rows) -> str:
    return "\n".join(";".join("" if v is None else str(v) for v in row) for row in rows)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_contacts_file_holds_what_the_list_shows_and_nothing_private_of_others(
    app, client_as, make_contact, fmt
):
    make_contact("helsinki", "city", family_name="Omakaupunki", name_zh="北京人")
    make_contact("espoo", "network", family_name="Jaettu")
    make_contact("espoo", "city", family_name="Salainen")
    client, _ = client_as("officer", "helsinki")
    response = client.get(f"/contacts/export.{fmt}")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    rows = _csv(response) if fmt == "csv" else _xlsx(response)
    text = _cells(rows)
    assert "Omakaupunki" in text and "北京人" in text and "Jaettu" in text
    assert "Salainen" not in text
    assert rows[0][:3] == ["ID", "City", "Family name"]
    assert len(rows) == 3  # the header and the two the list shows
    # The same filters as the page.
    filtered = client.get(f"/contacts/export.{fmt}?city=espoo")
    rows = _csv(filtered) if fmt == "csv" else _xlsx(filtered)
    assert "Jaettu" in _cells(rows) and "Omakaupunki" not in _cells(rows)


def test_a_shared_interaction_in_a_file_never_names_a_private_contact(
    app, client_as, make_contact, make_interaction
):
    private = make_contact("espoo", "city", family_name="Yksityinen")
    shared = make_contact("espoo", "network", family_name="Julkinen")
    make_interaction("espoo", "network", title="Trade talks in Beijing", contacts=[private, shared])
    client, _ = client_as("viewer", "oulu")
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/interactions/export.{fmt}")
        text = _cells(_csv(response) if fmt == "csv" else _xlsx(response))
        assert "Trade talks in Beijing" in text and "Julkinen" in text
        assert "Yksityinen" not in text
    # Espoo itself sees both.
    espoo, _ = client_as("viewer", "espoo")
    assert "Yksityinen" in _cells(_csv(espoo.get("/interactions/export.csv")))


def test_headers_are_in_the_readers_language(client_as, make_contact):
    make_contact("helsinki", "city", family_name="Virtanen")
    client, _ = client_as("officer", "helsinki", locale="fi")
    rows = _csv(client.get("/contacts/export.csv"))
    assert rows[0][:3] == ["Tunniste", "Kaupunki", "Sukunimi"]
    swedish, _ = client_as("officer", "helsinki", locale="sv")
    assert _csv(swedish.get("/contacts/export.csv"))[0][1] == "Stad"


def test_a_formula_typed_into_a_form_stays_text_in_the_file(app, client_as, make_contact):
    make_contact("helsinki", "city", family_name='=HYPERLINK("http://evil.example","x")')
    client, _ = client_as("officer", "helsinki")
    rows = _csv(client.get("/contacts/export.csv"))
    assert rows[1][2] == '\'=HYPERLINK("http://evil.example","x")'
    sheet = load_workbook(io.BytesIO(client.get("/contacts/export.xlsx").get_data())).active
    cell = sheet.cell(row=2, column=3)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_every_export_is_audited_with_its_filters(app, client_as, make_record):
    make_record("project", "helsinki", "network", title="Winter sports")
    client, user = client_as("officer", "helsinki")
    client.get("/projects/export.xlsx?q=winter")
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "project.export"))
        assert event is not None and event.actor_id == user.id
        assert "xlsx, 1 rows" in event.detail and "q=winter" in event.detail
    assert client.get("/projects/export.pdf").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/events/export.csv",
        "/agreements/export.csv",
        "/expertise/export.csv",
        "/organisations/export.csv",
        "/projects/export.csv",
    ],
)
def test_every_list_has_its_file(client_as, make_record, make_organisation, path):
    make_record("event", "espoo", "city", title="Espoo's private festival")
    make_record("agreement", "espoo", "city", title="Espoo's draft memorandum")
    make_record("offer", "espoo", "city", title="Espoo's unshared know-how")
    make_record("project", "espoo", "city", title="Espoo's private plan")
    make_organisation("Beijing Municipal Bureau of Culture")
    client, _ = client_as("officer", "helsinki")
    response = client.get(path)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Espoo's" not in text
    if "organisations" in path:
        assert "Beijing Municipal Bureau of Culture" in text
    page = client.get(path.replace("export.csv", "")).get_data(as_text=True)
    assert "Download this list:" in page or "No " in page


def test_a_citys_data_package_holds_all_it_owns_and_only_that(
    app, client_as, make_contact, make_interaction, make_record
):
    """One workbook, a sheet per kind: private and shared, archived too, with their links;
    another city's records never; only the city's own people (and admins) may take it."""
    private = make_contact("helsinki", "city", family_name="Yksityinen")
    make_contact("helsinki", "network", family_name="Jaettu", archived=True)
    make_contact("espoo", "network", family_name="Espoolainen")
    make_interaction("helsinki", "city", title="Sports talks", contacts=[private])
    make_record("agreement", "helsinki", "city", title="Draft memorandum")
    viewer, _ = client_as("viewer", "helsinki")
    profile = viewer.get("/cities/helsinki").get_data(as_text=True)
    assert "/cities/helsinki/package.xlsx" in profile
    response = viewer.get("/cities/helsinki/package.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()))
    assert {"Contacts", "Interactions", "Projects", "Events", "Agreements"} <= set(book.sheetnames)
    contacts = _cells(book["Contacts"].iter_rows(values_only=True))
    assert "Yksityinen" in contacts and "Jaettu" in contacts and "Espoolainen" not in contacts
    assert "Archived" in contacts
    interactions = _cells(book["Interactions"].iter_rows(values_only=True))
    assert "Sports talks" in interactions and "Yksityinen" in interactions  # its links
    assert "Draft memorandum" in _cells(book["Agreements"].iter_rows(values_only=True))
    assert viewer.get("/cities/espoo/package.xlsx").status_code == 403
    assert "/cities/espoo/package.xlsx" not in viewer.get("/cities/espoo").get_data(as_text=True)
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "city.package"))
        assert event is not None and "contact 2" in event.detail


def test_search_results_as_a_file_hold_what_the_search_shows(client_as, make_record):
    make_record("project", "espoo", "network", title="Tourism seminar in Shanghai")
    make_record("project", "espoo", "city", title="Private seminar plan")
    make_record("project", "helsinki", "network", title="Winter sports")
    client, _ = client_as("officer", "helsinki")
    page = client.get("/search?q=seminar").get_data(as_text=True)
    assert "/search/export.xlsx?q=seminar" in page
    text = _cells(_csv(client.get("/search/export.csv?q=seminar")))
    assert "Tourism seminar in Shanghai" in text
    assert "Private seminar plan" not in text and "Winter sports" not in text
    rows = _xlsx(client.get("/search/export.xlsx?q=seminar"))
    assert rows[0][:2] == ["Kind", "Title"] and rows[1][1] == "Tourism seminar in Shanghai"


def test_a_meetings_action_items_as_a_file(app, client_as):
    from portal.models import Meeting
    from portal.timeutil import local_today
    from tests.test_reminders import _meeting_with_action_item

    _meeting_with_action_item(app, due_on=local_today(), deadline=local_today())
    with app.app_context():
        meeting = db.session.scalar(select(Meeting))
        meeting.status = "published"
        db.session.commit()
        meeting_id = meeting.id
    client, _ = client_as("viewer", "oulu")
    assert f"/meetings/{meeting_id}/actions.xlsx" in client.get(f"/meetings/{meeting_id}").get_data(
        as_text=True
    )
    rows = _csv(client.get(f"/meetings/{meeting_id}/actions.csv"))
    assert rows[0][:3] == ["No.", "Item", "Action"]
    assert "Send the sports exchange report to Beijing" in _cells(rows)
    assert "Helsinki" in _cells(rows)
    with app.app_context():
        db.session.get(Meeting, meeting_id).status = "draft"
        db.session.commit()
    assert client.get(f"/meetings/{meeting_id}/actions.csv").status_code == 403

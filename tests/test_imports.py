"""Importing a city's spreadsheets (issue 12): every format as the cities' programs write
it, the columns recognised in three languages, each bad cell named by row and field,
duplicates offered, all or nothing, undo, the limits, the command line, the pages."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEvent, City, Contact, Event, Interaction, Organisation, User
from portal.models.imports import ImportBatch, ImportMapping
from portal.services import imports
from portal.services.errors import NotFound, ValidationError
from tests.import_files import csv_bytes, ods, xlsx

HEADER = [
    "Family name",
    "Given name",
    "E-mail address",
    "Organisation",
    "Themes",
    "Legal basis for keeping the data",
    "Visibility",
]


def _row(
    family, given="Lei", email="", organisation="", themes="", basis="public_task", visibility=""
):
    return [family, given, email, organisation, themes, basis, visibility]


def _actor(ref) -> User:
    return db.session.get(User, ref.id)


def _city(slug) -> City:
    return db.session.scalar(select(City).where(City.slug == slug))


def _start(user_ref, name, content, kind="contacts", city="helsinki"):
    actor = _actor(user_ref)
    batch = imports.start(actor, _city(city), kind, name, content)
    db.session.commit()
    return actor, batch


def _count(model, **where) -> int:
    stmt = select(func.count()).select_from(model)
    for key, value in where.items():
        stmt = stmt.where(getattr(model, key) == value)
    return db.session.scalar(stmt)


# --- Reading every format --------------------------------------------------------------


ROWS = [HEADER, _row("Wang", email="wang.lei@example.cn", themes="Education"), _row("Zhang", "Wei")]


@pytest.mark.parametrize(
    "name,content",
    [
        ("contacts.xlsx", xlsx(ROWS)),
        ("contacts.ods", ods(ROWS)),
        ("contacts.csv", csv_bytes(ROWS)),  # Finnish Excel: BOM and semicolons
        ("contacts.csv", csv_bytes(ROWS, delimiter=",", bom=False)),
    ],
)
def test_each_format_reads_to_the_same_rows(app, make_user, name, content):
    officer = make_user("officer", "helsinki")
    with app.test_request_context():
        actor, batch = _start(officer, name, content)
        shown = imports.preview(actor, batch)
        assert [r.number for r in shown.rows] == [2, 3]
        assert not shown.invalid, [r.errors for r in shown.rows]
        first = shown.rows[0].values
        assert first["family_name"] == "Wang" and first["email"] == "wang.lei@example.cn"
        assert [t.slug for t in first["themes"]] == ["education"]
        assert first["visibility"] == "city" and first["legal_basis"] == "public_task"


def test_headers_in_finnish_swedish_and_field_names_are_recognised(app, make_user):
    officer = make_user("officer", "helsinki")
    header = ["Sukunimi", "Förnamn", "email", "name_zh", "Näkyvyys", "Muistiinpanot", "Oma sarake"]
    rows = [header, ["Wang", "Lei", "w@example.cn", "王磊", "Jaettu verkostolle", "", "x"]]
    with app.test_request_context():
        actor, batch = _start(officer, "oma.xlsx", xlsx(rows))
        assert imports.mapping_of(batch) == {
            0: "family_name",
            1: "given_name",
            2: "email",
            3: "name_zh",
            4: "visibility",
            5: "notes",
        }
        shown = imports.preview(actor, batch)
        assert shown.rows[0].values["visibility"] == "network"


def test_a_title_row_and_merged_header_cells_above_the_header_are_passed_over(app, make_user):
    officer = make_user("officer", "helsinki")
    rows = [
        ["Helsingin Kiina-yhteystiedot 2025", None, None],
        ["Family name", "Given name", "Legal basis for keeping the data"],
        ["Wang", "Lei", "public_task"],
        [None, None, None],  # an empty row in the middle
        ["Li", "Na", "Consent of the person"],
    ]
    with app.test_request_context():
        actor, batch = _start(officer, "title.xlsx", xlsx(rows, merge="A1:C1"))
        shown = imports.preview(actor, batch)
        assert [r.number for r in shown.rows] == [3, 5]  # numbered as the sheet numbers them
        assert shown.rows[1].values["legal_basis"] == "consent"
        assert not shown.invalid


def test_dates_as_excel_serials_as_finnish_text_and_as_dates(app, make_user):
    officer = make_user("officer", "helsinki")
    header = ["Family name", "Legal basis for keeping the data", "Last verified on"]
    rows = [
        header,
        ["A", "public_task", 45000],  # a date the file kept as a number
        ["B", "public_task", "22.11.2025"],
        ["C", "public_task", date(2025, 3, 1)],
        ["D", "public_task", "2025-01-31"],
        ["E", "public_task", "31.2.2025"],
    ]
    with app.test_request_context():
        actor, batch = _start(officer, "dates.xlsx", xlsx(rows))
        shown = imports.preview(actor, batch)
        values = [r.values.get("last_verified_on") for r in shown.rows[:4]]
        assert values == [
            date(2023, 3, 15),
            date(2025, 11, 22),
            date(2025, 3, 1),
            date(2025, 1, 31),
        ]
        assert imports.row_error_lines(shown.kind, shown.invalid) == [
            "row 6, Last verified on: not a date; write it as 22.11.2026"
        ]


def test_each_bad_cell_is_named_by_its_row_and_field(app, make_user):
    officer = make_user("officer", "helsinki")
    rows = [
        HEADER,
        _row("Wang", email="wang@example.cn"),
        _row("Li", email="not an e-mail address"),
        _row("Zhao", themes="Astrology"),
        _row("", "", basis="maybe"),
    ]
    with app.test_request_context():
        actor, batch = _start(officer, "bad.csv", csv_bytes(rows))
        shown = imports.preview(actor, batch)
        lines = imports.row_error_lines(shown.kind, shown.invalid)
    assert "row 3, E-mail address: Enter an e-mail address in the form name@example.cn." in lines
    assert "row 4, Themes: no theme is called “Astrology”" in lines
    assert "row 5, Legal basis for keeping the data: “maybe” is not one of the list" in lines
    assert len(shown.invalid) == 3 and shown.rows[0].valid


# --- Duplicates and a second upload ----------------------------------------------------


def test_same_email_is_offered_as_already_recorded_and_a_near_name_of_the_registry(
    app, make_user, make_contact, make_organisation
):
    officer = make_user("officer", "helsinki")
    existing = make_contact("helsinki", family_name="Wang", given_name="Lei")
    make_organisation("Beijing Municipal Bureau of Commerce")
    with app.app_context():
        db.session.get(Contact, existing).email = "wang.lei@example.cn"
        db.session.commit()
    rows = [
        HEADER,
        _row("Wang", email="WANG.LEI@example.cn"),
        _row("Liu", organisation="Beijing Municipal Commerce Bureau"),
    ]
    with app.test_request_context():
        actor, batch = _start(officer, "dups.csv", csv_bytes(rows))
        shown = imports.preview(actor, batch)
        same, near = shown.rows
        assert same.default == f"existing:{existing}"
        assert {o.value for o in same.options} == {"create", f"existing:{existing}", "skip"}
        assert near.new_organisation == "Beijing Municipal Commerce Bureau"
        org_options = [o for o in near.options if o.value.startswith("organisation:")]
        assert org_options and "Beijing Municipal Bureau of Commerce" in org_options[0].label
        # Link the new contact to the registry's organisation instead of adding a second.
        outcome = imports.confirm(actor, batch, {3: org_options[0].value})
        db.session.commit()
        assert (outcome.created, outcome.linked) == (1, 1)
        liu = db.session.scalar(select(Contact).where(Contact.family_name == "Liu"))
        assert liu.organisation.name_en == "Beijing Municipal Bureau of Commerce"
        assert _count(Organisation) == 1


def test_uploading_the_same_file_again_offers_to_skip_what_it_created(app, make_user):
    officer = make_user("officer", "helsinki")
    content = csv_bytes([HEADER, _row("Wang"), _row("Li")])
    with app.test_request_context():
        actor, batch = _start(officer, "kontaktit.csv", content)
        imports.confirm(actor, batch)
        db.session.commit()
        actor, again = _start(officer, "kontaktit.csv", content)
        shown = imports.preview(actor, again)
        assert [r.default for r in shown.rows] == ["skip", "skip"]
        assert "Imported already from kontaktit.csv (row 2)." in shown.rows[0].note
        outcome = imports.confirm(actor, again)
        db.session.commit()
        assert (outcome.created, outcome.skipped) == (0, 2)
        assert _count(Contact) == 2


# --- Confirm: all or nothing, audited ---------------------------------------------------


def test_nothing_is_written_before_confirm_and_confirm_audits_each_row(app, make_user):
    officer = make_user("officer", "helsinki")
    content = xlsx([HEADER, _row("Wang", organisation="Shanghai Jiao Tong University"), _row("Li")])
    with app.test_request_context():
        actor, batch = _start(officer, "yhteystiedot.xlsx", content)
        imports.preview(actor, batch)
        assert _count(Contact) == 0 and _count(Organisation) == 0
        outcome = imports.confirm(actor, batch)
        db.session.commit()
        assert outcome.created == 2
        wang = db.session.scalar(select(Contact).where(Contact.family_name == "Wang"))
        assert wang.organisation.name_en == "Shanghai Jiao Tong University"  # added to the registry
        events = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action.in_(["contact.create", "organisation.create"])
            )
        ).all()
        assert len(events) == 3
        assert all(
            e.detail == f"import {batch.id}: yhteystiedot.xlsx, by {officer.email}" for e in events
        )
        assert batch.state == "done" and batch.content is None


def test_one_bad_row_in_five_thousand_leaves_nothing(app, make_user):
    officer = make_user("officer", "helsinki")
    rows = [HEADER] + [_row(f"Wang{i}") for i in range(5_000)]
    rows[4_999][2] = "no-at-sign"  # the file's row 5,000
    with app.test_request_context():
        actor, batch = _start(officer, "big.csv", csv_bytes(rows))
        with pytest.raises(ValidationError) as refused:
            imports.confirm(actor, batch)
        db.session.rollback()
        assert "row 5000, E-mail address" in refused.value.errors[""]
        assert _count(Contact) == 0
        assert db.session.get(ImportBatch, batch.id).state == "draft"


def test_a_failure_while_writing_rolls_back_every_row(app, make_user, monkeypatch):
    officer = make_user("officer", "helsinki")
    content = csv_bytes([HEADER, _row("Wang"), _row("Li"), _row("Zhao")])
    original = imports._create
    calls = []

    def fail_on_third(*args):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return original(*args)

    monkeypatch.setattr(imports, "_create", fail_on_third)
    with app.test_request_context():
        actor, batch = _start(officer, "k.csv", content)
        with pytest.raises(RuntimeError):
            imports.confirm(actor, batch)
        db.session.rollback()
        assert _count(Contact) == 0 and _count(AuditEvent, action="contact.create") == 0


def test_skip_invalid_imports_the_valid_rows(app, make_user):
    officer = make_user("officer", "helsinki")
    content = csv_bytes([HEADER, _row("Wang"), _row("Li", email="@"), _row("Zhao")])
    with app.test_request_context():
        actor, batch = _start(officer, "k.csv", content)
        outcome = imports.confirm(actor, batch, skip_invalid=True)
        db.session.commit()
        assert (outcome.created, outcome.invalid) == (2, 1)
        assert {c.family_name for c in db.session.scalars(select(Contact))} == {"Wang", "Zhao"}


# --- Undo ------------------------------------------------------------------------------


def test_undo_archives_what_the_import_created_unless_changed_since(
    app, make_user, make_organisation
):
    officer = make_user("officer", "helsinki")
    make_organisation("Shanghai Jiao Tong University")
    with app.test_request_context():
        # At organisations of the registry and new to it: created with them, unchanged.
        content = csv_bytes(
            [
                HEADER,
                _row("Wang", organisation="Fudan University"),
                _row("Li", organisation="Shanghai Jiao Tong University"),
                _row("Zhou", organisation="Shanghai Jiao Tong University"),
            ]
        )
        actor, batch = _start(officer, "k.csv", content)
        imports.confirm(actor, batch)
        db.session.commit()
        assert {c.version for c in db.session.scalars(select(Contact))} == {1}
        li = db.session.scalar(select(Contact).where(Contact.family_name == "Li"))
        li.title = "Director"  # someone worked on it since
        db.session.commit()
        result = imports.undo(actor, batch)
        db.session.commit()
        assert result.archived == 2 and result.kept == ["Li Lei"]
        wang = db.session.scalar(select(Contact).where(Contact.family_name == "Wang"))
        assert wang.archived_at is not None and li.archived_at is None
        assert batch.state == "undone"
        with pytest.raises(ValidationError):
            imports.undo(actor, batch)


def test_an_import_older_than_seven_days_cannot_be_undone(app, make_user):
    officer = make_user("officer", "helsinki")
    with app.test_request_context():
        actor, batch = _start(officer, "k.csv", csv_bytes([HEADER, _row("Wang")]))
        imports.confirm(actor, batch)
        batch.imported_at -= timedelta(days=8)
        db.session.commit()
        assert not imports.may_undo(batch)
        with pytest.raises(ValidationError):
            imports.undo(actor, batch)


# --- Limits ----------------------------------------------------------------------------


def test_a_file_that_is_not_what_its_name_says_is_refused(app, make_user):
    officer = make_user("officer", "helsinki")
    with app.test_request_context():
        actor = _actor(officer)
        for name, content in [
            ("contacts.xlsx", csv_bytes(ROWS)),  # text named .xlsx
            ("contacts.csv", xlsx(ROWS)),  # a workbook named .csv
            ("contacts.ods", xlsx(ROWS)),  # a workbook named .ods
            ("contacts.xlsx", ods(ROWS)),
            ("contacts.pdf", b"%PDF-1.7"),
            ("contacts.csv", "Sukunimi;Etunimi\nMäkelä;Åsa\n".encode("cp1252")),
        ]:
            with pytest.raises(ValidationError) as refused:
                imports.start(actor, _city("helsinki"), "contacts", name, content)
            assert refused.value.errors["file"], name
        db.session.rollback()
        assert _count(ImportBatch) == 0


def test_more_than_five_thousand_rows_is_refused(app, make_user):
    officer = make_user("officer", "helsinki")
    rows = [HEADER] + [_row(f"W{i}") for i in range(5_001)]
    with app.test_request_context(), pytest.raises(ValidationError) as refused:
        imports.start(_actor(officer), _city("helsinki"), "contacts", "k.csv", csv_bytes(rows))
    assert "more than 5\u00a0000 rows" in refused.value.errors["file"]


def _with_saved_value(content: bytes, cell: str, formula: str, value: str) -> bytes:
    """The workbook with ``cell`` a formula and the value Excel saved with it (openpyxl
    writes formulas without one)."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rf'<c r="{cell}"[^>]*>.*?</c>'.encode(),
                    f'<c r="{cell}" t="str"><f>{formula}</f><v>{value}</v></c>'.encode(),
                    data,
                )
            target.writestr(item, data)
    return out.getvalue()


def test_formulas_are_read_as_their_saved_values_and_never_evaluated(app, make_user):
    officer = make_user("officer", "helsinki")
    content = _with_saved_value(xlsx([HEADER, _row("x")]), "A2", 'CONCAT("Wa","ng")', "Wang")
    content = _with_saved_value(content, "B2", "WEBSERVICE(&quot;http://x&quot;)", "Lei")
    with app.test_request_context():
        actor, batch = _start(officer, "f.xlsx", content)
        shown = imports.preview(actor, batch)
    assert shown.rows[0].values["family_name"] == "Wang"
    assert shown.rows[0].values["given_name"] == "Lei"


# --- Other kinds -----------------------------------------------------------------------


def test_interactions_name_the_citys_own_contacts_and_registry_organisations(
    app, make_user, make_contact, make_organisation
):
    officer = make_user("officer", "helsinki")
    wang = make_contact("helsinki", family_name="Wang", given_name="Lei")
    make_contact("espoo", "city", family_name="Secret", given_name="Person")
    make_organisation("Beijing Municipal Bureau of Sports")
    header = ["Date", "Kind", "Title", "Contacts who took part", "Organisations", "Visibility"]
    rows = [
        header,
        [
            "11.10.2019",
            "Meeting",
            "Sports co-operation",
            "Wang Lei",
            "Beijing Municipal Bureau of Sports",
            "",
        ],
        ["12.10.2019", "Kokous", "A secret", "Secret Person", "", ""],
    ]
    with app.test_request_context():
        actor, batch = _start(officer, "i.xlsx", xlsx(rows), kind="interactions")
        shown = imports.preview(actor, batch)
        assert imports.row_error_lines(shown.kind, shown.invalid) == [
            "row 3, Contacts who took part: no contact of your city is called “Secret Person”"
        ]
        outcome = imports.confirm(actor, batch, skip_invalid=True)
        db.session.commit()
        assert outcome.created == 1
        interaction = db.session.scalar(select(Interaction))
        assert [c.id for c in interaction.contacts] == [wang]
        assert [o.name_en for o in interaction.organisations] == [
            "Beijing Municipal Bureau of Sports"
        ]


def test_events_and_organisations_import(app, make_user):
    officer = make_user("officer", "helsinki")
    events = [
        [
            "Kind",
            "Name of the event",
            "First day",
            "Last day",
            "Place in China",
            "Who sees this event",
        ],
        [
            "Seminar",
            "Helsinki Week",
            "2.11.2026",
            "4.11.2026",
            "Beijing",
            "Shared with the network",
        ],
    ]
    orgs = [
        ["Name in English", "Name in Chinese characters", "Kind", "Place in China"],
        ["Tsinghua University", "清华大学", "University", "Beijing"],
    ]
    with app.test_request_context():
        actor, batch = _start(officer, "e.ods", ods(events), kind="events")
        assert imports.confirm(actor, batch).created == 1
        actor, batch = _start(officer, "o.csv", csv_bytes(orgs), kind="organisations")
        assert imports.confirm(actor, batch).created == 1
        db.session.commit()
        event = db.session.scalar(select(Event))
        assert (event.title, event.place_china.slug, event.visibility) == (
            "Helsinki Week",
            "beijing",
            "network",
        )
        assert event.ends_on == date(2026, 11, 4)
        org = db.session.scalar(select(Organisation))
        assert (org.name_zh, org.kind) == ("清华大学", "university")


# --- Tenancy ---------------------------------------------------------------------------


def test_a_batch_of_another_city_does_not_exist_for_an_officer(app, make_user):
    helsinki = make_user("officer", "helsinki")
    espoo = make_user("officer", "espoo")
    viewer = make_user("viewer", "helsinki")
    with app.test_request_context():
        _, batch = _start(helsinki, "k.csv", csv_bytes([HEADER, _row("Wang")]))
        for other in (espoo, viewer):
            with pytest.raises(NotFound):
                imports.batch_by_id(_actor(other), batch.id)
        assert imports.batches(_actor(espoo), _city("espoo")) == []


# --- The command line ------------------------------------------------------------------


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["import", *args])


def test_the_command_line_dry_run_writes_nothing_and_an_error_means_exit_1(app, tmp_path):
    good = tmp_path / "hyvat.csv"
    good.write_bytes(csv_bytes([HEADER, _row("Wang"), _row("Li")]))
    bad = tmp_path / "huonot.xlsx"
    bad.write_bytes(xlsx([HEADER, _row("Wang"), _row("Li", email="li@"), _row("Zhao")]))

    result = _run(app, "contacts", str(good), "--city", "helsinki", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "2 to import" in result.output and "Dry run: nothing was imported." in result.output

    result = _run(app, "contacts", str(bad), "--city", "helsinki")
    assert result.exit_code == 1
    assert "row 3, E-mail address" in result.output
    assert "nothing was imported" in result.output
    with app.app_context():
        assert _count(Contact) == 0 and _count(ImportBatch) == 0

    result = _run(app, "contacts", str(bad), "--city", "helsinki", "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "Imported 2" in result.output
    with app.app_context():
        assert _count(Contact) == 2
        assert db.session.scalar(
            select(AuditEvent.detail).where(AuditEvent.action == "contact.create")
        ).endswith("by command line")


def test_the_command_line_refuses_an_unknown_city_and_an_unreadable_file(app, tmp_path):
    f = tmp_path / "x.xlsx"
    f.write_bytes(b"not a workbook")
    assert _run(app, "contacts", str(f), "--city", "atlantis").exit_code == 1
    result = _run(app, "contacts", str(f), "--city", "helsinki")
    assert result.exit_code == 1 and "not a readable .xlsx file" in result.output


# --- The pages -------------------------------------------------------------------------


def _upload(client, content, name, kind="contacts"):
    return client.post(
        "/import/",
        data={"kind": kind, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_the_whole_import_in_the_browsers_steps(app, client_as):
    client, _ = client_as("officer", "helsinki")
    header = ["Sukunimi", "Etunimi", "Sähköposti", "Oikeusperuste"]  # two headers unknown
    content = xlsx(
        [header, ["Wang", "Lei", "wang@example.cn", "public_task"], ["Li", "Na", "li@", "consent"]]
    )
    response = _upload(client, content, "yhteystiedot.xlsx")
    assert response.status_code == 302
    columns_url = response.location
    page = client.get(columns_url).get_data(as_text=True)
    assert "yhteystiedot.xlsx" in page and "Sähköposti" in page
    assert re.search(r'<option value="family_name" selected>', page)
    response = client.post(
        columns_url,
        data={
            "column-0": "family_name",
            "column-1": "given_name",
            "column-2": "email",
            "column-3": "legal_basis",
        },
    )
    assert response.status_code == 302
    preview = client.get(response.location).get_data(as_text=True)
    assert "row 3, E-mail address: Enter an e-mail address" in preview
    with app.app_context():
        assert _count(Contact) == 0
        # The mapping is remembered for the city's next file of contacts.
        remembered = db.session.scalar(select(ImportMapping.mapping))
        assert remembered["sähköposti"] == "email"
    batch_id = int(re.search(r"/import/(\d+)/", columns_url).group(1))
    refused = client.post(f"/import/{batch_id}/confirm", data={})
    assert refused.status_code == 302
    assert "Nothing was imported" in client.get(refused.location).get_data(as_text=True)
    done = client.post(f"/import/{batch_id}/confirm", data={"skip_invalid": "y"})
    assert done.status_code == 302
    listing = client.get(done.location).get_data(as_text=True)
    assert "Imported 1 rows from yhteystiedot.xlsx" in listing
    assert "Undo" in listing
    with app.app_context():
        assert _count(Contact) == 1
    # Undo asks first, then archives.
    assert "Undo the import of yhteystiedot.xlsx?" in client.get(
        f"/import/{batch_id}/undo"
    ).get_data(as_text=True)
    client.post(f"/import/{batch_id}/undo", data={"confirmed": "yes"})
    with app.app_context():
        assert db.session.scalar(select(Contact.archived_at)) is not None


def test_the_pages_of_another_citys_import_are_not_found(app, client_as):
    helsinki, _ = client_as("officer", "helsinki")
    response = _upload(helsinki, csv_bytes([HEADER, _row("Wang")]), "k.csv")
    batch_path = response.location.rsplit("/", 1)[0]
    espoo, _ = client_as("officer", "espoo")
    for path in ("/columns", "/preview", "/undo"):
        assert espoo.get(batch_path + path).status_code == 404
    assert espoo.post(batch_path + "/confirm", data={}).status_code == 404
    viewer, _ = client_as("viewer", "helsinki")
    assert viewer.get("/import/").status_code == 404
    assert "k.csv" not in espoo.get("/import/").get_data(as_text=True)


def test_an_upload_too_large_or_of_the_wrong_kind_says_so_by_the_field(app, client_as):
    app.config["IMPORT_MAX_BYTES"] = 1000
    try:
        client, _ = client_as("officer", "helsinki")
        big = _upload(client, b"x" * 2000, "k.csv")
        assert big.status_code == 200
        assert "The file is larger than" in big.get_data(as_text=True)
        wrong = _upload(client, b"%PDF-1.7", "k.pdf")
        assert "Upload a spreadsheet saved as .xlsx, .ods or .csv." in wrong.get_data(as_text=True)
        assert 'aria-invalid="true"' in wrong.get_data(as_text=True)
    finally:
        app.config["IMPORT_MAX_BYTES"] = 5 * 1024 * 1024


def test_the_template_has_headers_in_the_readers_language_hints_and_lists(app, client_as):
    from openpyxl import load_workbook

    client, _ = client_as("officer", "helsinki", locale="fi")
    response = client.get("/import/template/contacts.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["Sukunimi", "Etunimi"] and "Näkyvyys" in header
    assert sheet["A2"].value == "Teksti"
    lists = {str(v.sqref).split(":")[0][:1] for v in sheet.data_validations.dataValidation}
    assert len(lists) >= 4  # name order, themes, legal basis, visibility
    # The template as filled in imports as it is (the hints row is passed over).
    sheet.append(["Wang", "Lei"])
    with app.test_request_context():
        out = io.BytesIO()
        book.save(out)
        officer = db.session.scalar(select(User).where(User.city_id.is_not(None)))
        batch = imports.start(officer, officer.city, "contacts", "pohja.xlsx", out.getvalue())
        _, body = imports.sheet_of(batch)
        assert [r.cells[:2] for r in body] == [["Wang", "Lei"]]
        db.session.rollback()


# --- Round trip ------------------------------------------------------------------------

FIELDS = (
    "family_name",
    "given_name",
    "family_name_first",
    "name_zh",
    "pinyin",
    "title",
    "email",
    "phone",
    "wechat",
    "languages",
    "notes",
    "source",
    "legal_basis",
    "last_verified_on",
    "visibility",
)


def _contact_rows(city: str) -> list[tuple]:
    contacts = db.session.scalars(
        select(Contact).where(Contact.city_id == _city(city).id).order_by(Contact.family_name)
    )
    return [
        (
            *(getattr(c, f) for f in FIELDS),
            c.organisation.name_en if c.organisation else "",
            sorted(t.slug for t in c.themes),
        )
        for c in contacts
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_citys_contacts_exported_and_imported_into_another_city_match(
    app, client_as, make_organisation, fmt
):
    from portal.services import contacts as contact_service

    make_organisation("Beijing Municipal Bureau of Sports")
    helsinki, officer = client_as("officer", "helsinki", locale="fi")
    with app.test_request_context():
        actor = _actor(officer)
        for values in (
            dict(
                family_name="Wang",
                given_name="Lei",
                name_zh="王磊",
                pinyin="Wáng Lěi",
                title="Director",
                email="wang.lei@example.cn",
                phone="+86 10 6519 2000",
                wechat="wanglei88",
                languages="Chinese, English",
                notes="Met in 2019;\nlikes tea",
                source="Business card",
                legal_basis="public_task",
                last_verified_on=date(2026, 9, 1),
                visibility="network",
                organisation_name="Beijing Municipal Bureau of Sports",
                themes=[t for t in contact_service.themes() if t.slug in ("education", "culture")],
            ),
            dict(
                family_name="Smith",
                given_name="Anna",
                family_name_first=False,
                legal_basis="consent",
                visibility="city",
                themes=[],
            ),
        ):
            contact_service.create_contact(
                actor,
                _city("helsinki"),
                {
                    **{
                        "family_name_first": True,
                        "name_zh": "",
                        "pinyin": "",
                        "title": "",
                        "email": "",
                        "phone": "",
                        "wechat": "",
                        "languages": "",
                        "notes": "",
                        "source": "",
                        "last_verified_on": None,
                        "organisation_name": "",
                    },
                    **values,
                },
            )
        db.session.commit()
    exported = helsinki.get(f"/contacts/export.{fmt}?city=helsinki")
    assert exported.status_code == 200
    espoo, _ = client_as("officer", "espoo", locale="sv")
    response = _upload(espoo, exported.get_data(), f"helsinki.{fmt}")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    batch_id = int(re.search(r"/import/(\d+)/", response.location).group(1))
    preview = espoo.get(f"/import/{batch_id}/preview")
    assert "error-message" not in preview.get_data(as_text=True)
    assert espoo.post(f"/import/{batch_id}/confirm", data={}).status_code == 302
    with app.app_context():
        assert _contact_rows("espoo") == _contact_rows("helsinki")
        assert len(_contact_rows("espoo")) == 2

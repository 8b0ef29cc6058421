"""The import in a real browser (issue 12): an officer brings a Finnish Excel sheet of
contacts in, checks the columns and the rows, chooses for a duplicate, imports, finds the
contacts, and undoes the import; axe checks every page on the way."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_accounts_in_browser import log_in
from tests.conftest import PASSWORD
from tests.import_files import xlsx


def test_an_officer_imports_a_sheet_of_contacts_and_undoes_it(
    ui, make_user, make_contact, tmp_path
):
    make_contact("helsinki", family_name="Wang", given_name="Lei")
    officer = make_user("officer", "helsinki")
    sheet = tmp_path / "kiina-yhteystiedot.xlsx"
    sheet.write_bytes(
        xlsx(
            [
                ["Sukunimi", "Etunimi", "Sähköposti", "Tietojen säilyttämisen oikeusperuste"],
                ["Zhang", "Wei", "zhang.wei@example.cn", "public_task"],
                ["Wang", "Lei", "", "public_task"],  # recorded already
                ["Liu", "Yang", "liu@", "consent"],  # not an e-mail address
            ]
        )
    )
    log_in(ui, officer.email, PASSWORD)
    page = ui.page
    ui.follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="Contacts"))
    ui.follow(page.get_by_role("link", name="Import from a spreadsheet"))
    expect(page.get_by_label("What the file holds")).to_have_value("contacts")
    page.get_by_label("The file (.xlsx, .ods or .csv)").set_input_files(str(sheet))
    ui.follow(page.get_by_role("button", name="Upload and continue"))

    # The Finnish headers were recognised but "Sähköposti" (the template says
    # "Sähköpostiosoite"): the officer chooses it.
    expect(page.get_by_role("heading", level=1)).to_have_text("Which column is which")
    expect(page.get_by_label("Sukunimi")).to_have_value("family_name")
    page.get_by_label("Sähköposti").select_option("email")
    ui.follow(page.get_by_role("button", name="Continue to the preview"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Check the rows before importing")
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("row 4, E-mail address")
    row3 = page.get_by_role("group", name="Row 3")
    expect(row3.get_by_label("Already recorded as Wang Lei: do not import")).to_be_checked()
    row3.get_by_label("Import as new").check()
    page.get_by_label("Import the other rows and leave out those with problems").check()
    ui.follow(page.get_by_role("button", name="Import", exact=True))
    expect(page.locator(".flash")).to_contain_text("Imported 2 rows from kiina-yhteystiedot.xlsx")

    ui.follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="Contacts"))
    expect(page.get_by_role("link", name="Zhang Wei")).to_be_visible()
    expect(page.get_by_role("link", name="Wang Lei")).to_have_count(2)

    ui.goto("/import/")
    ui.follow(page.get_by_role("link", name="Undo kiina-yhteystiedot.xlsx"))
    ui.follow(page.get_by_role("button", name="Undo the import"))
    expect(page.locator(".flash")).to_contain_text("2 records archived")
    ui.follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="Contacts"))
    expect(page.get_by_role("link", name="Zhang Wei")).to_have_count(0)

"""Agreements (document, action-plan themes, due soon) and expertise offers."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Agreement, ExpertiseOffer
from portal.services.errors import ValidationError
from portal.timeutil import local_today
from tests.conftest import MINIMAL_PDF


def agreement_form(**fields) -> dict:
    data = {
        "kind": "action_plan",
        "title": "Action Plan 2019-2023 between Helsinki and Beijing",
        "summary": "",
        "counterpart_place": "",
        "signed_on": "2019-10-11",
        "signed_at": "Helsinki",
        "valid_from": "2019-10-11",
        "valid_until": "2023-12-31",
        "review_on": "",
        "evaluation_on": "",
        "status": "in_force",
        "project": "",
        "visibility": "network",
        "organisation_name": "",
    }
    data.update(fields)
    return data


def test_an_agreement_with_its_signed_pdf(app, client_as):
    client, _ = client_as("officer", "helsinki")
    response = client.post(
        "/agreements/new",
        content_type="multipart/form-data",
        data=agreement_form(visibility="city", document=(io.BytesIO(MINIMAL_PDF), "plan.pdf")),
    )
    assert response.status_code == 302
    agreement_id = int(response.headers["Location"].rsplit("/", 1)[1])
    document = client.get(f"/agreements/{agreement_id}/document")
    assert document.status_code == 200 and document.mimetype == "application/pdf"
    assert document.data == MINIMAL_PDF
    assert "sandbox" in document.headers["Content-Security-Policy"]
    document.close()
    with app.app_context():
        stored = db.session.get(Agreement, agreement_id)
        assert stored.document_name == "plan.pdf"
        assert "static" not in str(app.config["UPLOAD_FOLDER"])
    other, _ = client_as("officer", "espoo")
    assert other.get(f"/agreements/{agreement_id}/document").status_code == 404


@pytest.mark.parametrize(
    "content,name",
    [
        (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "scan.pdf"),  # a picture with a .pdf name
        (b"<html><script>alert(1)</script></html>", "agreement.pdf"),
        (b"%PDF-1.4 but cut off in the middle", "truncated.pdf"),
        (b"", "empty.pdf"),
    ],
)
def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_is_saved(app, client_as, content, name):
    client, _ = client_as()
    page = client.post(
        "/agreements/new",
        content_type="multipart/form-data",
        data=agreement_form(document=(io.BytesIO(content), name)),
    ).get_data(as_text=True)
    assert 'id="document-error"' in page
    assert "not a PDF" in page or "Choose a PDF" in page
    with app.app_context():
        assert db.session.query(Agreement).count() == 0


def test_a_file_over_the_size_limit_is_refused(app, app_factory, login, make_user):
    assert app.config["DOCUMENT_MAX_BYTES"] == 10 * 1024 * 1024
    small_limit = app_factory(DOCUMENT_MAX_BYTES=1024 * 1024 // 10)  # 0.1 MB, for speed
    client = login(small_limit.test_client(), make_user())
    big = MINIMAL_PDF[:-6] + b"0" * (1024 * 1024 // 10) + b"%%EOF\n"
    page = client.post(
        "/agreements/new",
        content_type="multipart/form-data",
        data=agreement_form(document=(io.BytesIO(big), "big.pdf")),
    ).get_data(as_text=True)
    assert "The file is larger than 0.1 MB." in page


def test_action_plan_themes_are_entered_in_rows(app, client_as, make_record):
    agreement = make_record("agreement", "helsinki", "network")
    client, _ = client_as()
    page = client.get(f"/agreements/{agreement}/plan").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    data = {"version": version}
    rows = [
        (
            "1",
            "Winter sports",
            "Culture and Leisure Division",
            "Beijing Municipal Bureau of Sports",
        ),
        ("2", "Sister schools", "Education Division", "Beijing Municipal Commission of Education"),
        ("", "Design", "Helsinki Design Week", "Beijing Design Week"),
    ]
    for i, (number, title, finnish, chinese) in enumerate(rows):
        data.update(
            {
                f"themes-{i}-number": number,
                f"themes-{i}-title": title,
                f"themes-{i}-finnish_bodies": finnish,
                f"themes-{i}-chinese_bodies": chinese,
                f"themes-{i}-progress": "in_progress",
                f"themes-{i}-description": "",
                f"themes-{i}-progress_note": "",
            }
        )
    assert client.post(f"/agreements/{agreement}/plan", data=data).status_code == 302
    page = client.get(f"/agreements/{agreement}").get_data(as_text=True)
    assert "Winter sports" in page and "Beijing Municipal Commission of Education" in page
    with app.app_context():
        numbers = [(t.number, t.title) for t in db.session.get(Agreement, agreement).plan_themes]
    assert numbers == [(1, "Winter sports"), (2, "Sister schools"), (3, "Design")]
    # The same form again (a stale version) is refused, nothing overwritten.
    page = client.post(f"/agreements/{agreement}/plan", data=data).get_data(as_text=True)
    assert "Someone else saved this" in page
    data.update({"themes-0-number": "1", "themes-1-number": "1"})
    data["version"] = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    assert "Two themes have the same number." in client.post(
        f"/agreements/{agreement}/plan", data=data
    ).get_data(as_text=True)


def test_reviews_evaluations_and_expiries_due_within_90_days(client_as, make_record):
    today = local_today()
    make_record(
        "agreement", "helsinki", "city", title="Review soon", review_on=today + timedelta(days=30)
    )
    make_record(
        "agreement",
        "helsinki",
        "city",
        title="Evaluation far away",
        evaluation_on=today + timedelta(days=120),
    )
    make_record(
        "agreement",
        "espoo",
        "network",
        title="Espoo shared expiry",
        valid_until=today + timedelta(days=60),
    )
    make_record(
        "agreement",
        "espoo",
        "city",
        title="Espoo private review",
        review_on=today + timedelta(days=10),
    )
    own, _ = client_as("officer", "helsinki")
    home = own.get("/").get_data(as_text=True)
    assert "Review soon" in home and "Evaluation far away" not in home
    assert "Espoo shared expiry" not in home  # another city's: on the network page instead
    coordinator, _ = client_as("coordinator", None)
    network = coordinator.get("/").get_data(as_text=True)
    assert "Espoo shared expiry" in network
    assert "Espoo private review" not in network and "Review soon" not in network
    due = own.get("/agreements/due").get_data(as_text=True)
    assert "Review soon" in due and "Espoo shared expiry" in due
    assert "Espoo private review" not in due


def test_an_agreement_in_force_needs_its_signing_date(client_as):
    client, _ = client_as()
    page = client.post("/agreements/new", data=agreement_form(signed_on="")).get_data(as_text=True)
    assert "An agreement in force has a signing date." in page


def offer_form(app, **fields) -> dict:
    from portal.models import Theme

    with app.app_context():
        culture = db.session.scalar(select(Theme.id).where(Theme.slug == "culture"))
    data = {
        "theme": str(culture),
        "title": "Organising a Chinese New Year festival for 25 000 visitors",
        "description": "Helsinki has organised the festival since 2007.",
        "contact_user": "",
    }
    data.update(fields)
    return data


def test_an_expertise_offer_is_shared_by_default_and_names_whom_to_ask(app, client_as, make_record):
    event = make_record("event", "helsinki", "city", title="Chinese New Year 2019")
    client, officer = client_as("officer", "helsinki")
    page = client.get("/expertise/new").get_data(as_text=True)
    assert (
        'checked id="visibility-1"' in page
        or 'id="visibility-1" name="visibility" type="radio" value="network" checked' in page
        or re.search(r'value="network"[^>]*checked|checked[^>]*value="network"', page)
    )
    response = client.post(
        "/expertise/new",
        data=offer_form(
            app, contact_user=str(officer.id), events=[str(event)], visibility="network"
        ),
    )
    assert response.status_code == 302
    other, _ = client_as("viewer", "oulu")
    listing = other.get("/expertise/").get_data(as_text=True)
    assert "Chinese New Year festival for 25 000 visitors" in listing
    assert officer.email in listing
    offer_id = int(response.headers["Location"].rsplit("/", 1)[1])
    detail = other.get(f"/expertise/{offer_id}").get_data(as_text=True)
    assert "Chinese New Year 2019" not in detail  # the linked private event stays private


def test_an_offer_links_only_its_own_citys_records(app, make_user, make_record):
    from portal.models import City, Event, Theme, User
    from portal.services import expertise

    foreign = make_record("event", "espoo", "network", title="Espoo event")
    officer = make_user("officer", "helsinki")
    with app.app_context():
        actor = db.session.get(User, officer.id)
        with pytest.raises(ValidationError) as refused:
            expertise.create_offer(
                actor,
                db.session.scalar(select(City).where(City.slug == "helsinki")),
                {
                    "theme": db.session.scalar(select(Theme).where(Theme.slug == "culture")),
                    "title": "x",
                    "visibility": "network",
                    "events": [db.session.get(Event, foreign)],
                },
            )
        assert "events" in refused.value.errors
        assert db.session.query(ExpertiseOffer).count() == 0

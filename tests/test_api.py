"""The REST API, first part (issue 16): personal access tokens (made on the account page,
shown once, stored as a hash, read-only or read-write, expiring, revocable, ended by a
deactivation or a change of role or city), every record kind readable through the same
rules as the pages (never another city's private record, never a private contact named by a
shared interaction), cursor pages, problem details, the rate limit, and an OpenAPI 3.1
document generated from the code."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import ApiToken, AuditEvent, City, User
from portal.services import accounts, api_tokens
from portal.services.errors import ValidationError
from portal.timeutil import utcnow


def _token(app, ref, *, writes=False, days=30) -> str:
    with app.app_context():
        issued = api_tokens.create(
            db.session.get(User, ref.id), name="Intranet", writes=writes, days=days
        )
        db.session.commit()
        return issued.secret


def _bearer(token) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _get(client, path, token=None, **headers):
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.get(path, headers=headers)


def test_the_openapi_document_is_generated_and_readable_without_a_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"] == "3.1.0"
    for kind in (
        "contacts",
        "interactions",
        "projects",
        "events",
        "agreements",
        "expertise",
        "organisations",
    ):
        assert (
            f"/api/v1/{kind}" in spec["paths"] and f"/api/v1/{kind}/{{record_id}}" in spec["paths"]
        )
    contact = spec["components"]["schemas"]["Contact"]["properties"]
    assert {"family_name", "email", "themes", "organisation", "visibility"} <= set(contact)
    reference = client.get("/api/v1/reference").get_data(as_text=True)
    assert "/api/v1/contacts" in reference and "Authorization: Bearer" in reference
    assert not re.search(r'(src|href)="https?://', reference)  # fetches nothing from elsewhere


def test_every_data_route_without_a_valid_token_answers_401(app, client, make_user):
    officer = make_user("officer", "helsinki")
    for path in ("/api/v1/contacts", "/api/v1/contacts/1", "/api/v1/organisations"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.content_type == "application/problem+json"
        assert response.get_json()["title"] == "Unauthorized"
        assert client.get(path, headers={"Authorization": "Bearer c21_wrong"}).status_code == 401
    # A logged-in session is not a token.
    from tests.conftest import Factories

    session_client = Factories(app).log_in(app.test_client(), officer)
    assert session_client.get("/api/v1/contacts").status_code == 401


def test_a_token_is_shown_once_stored_as_a_hash_and_ends_as_its_account_changes(
    app, client, make_user
):
    officer = make_user("officer", "helsinki")
    admin = make_user("admin", None)
    secret = _token(app, officer)
    with app.app_context():
        stored = db.session.scalar(select(ApiToken))
        assert stored.token_hash != secret and secret not in str(stored.__dict__)
    assert _get(client, "/api/v1/contacts", secret).status_code == 200
    # A move to another city ends it.
    with app.test_request_context():
        user = db.session.get(User, officer.id)
        espoo = db.session.scalar(select(City).where(City.slug == "espoo"))
        accounts.update_user(
            db.session.get(User, admin.id),
            user,
            expected_version=user.version,
            email=user.email,
            name=user.name,
            role="officer",
            city=espoo,
            locale="fi",
        )
        db.session.commit()
    assert _get(client, "/api/v1/contacts", secret).status_code == 401


def test_expired_revoked_and_deactivated_tokens_get_401(app, client, make_user):
    officer = make_user("officer", "helsinki")
    expired, revoked, deactivated = (_token(app, officer) for _ in range(3))
    with app.test_request_context():
        tokens = db.session.scalars(select(ApiToken).order_by(ApiToken.id)).all()
        tokens[0].expires_at = utcnow() - timedelta(minutes=1)
        api_tokens.revoke(db.session.get(User, officer.id), tokens[1].id)
        db.session.commit()
    assert _get(client, "/api/v1/contacts", expired).status_code == 401
    assert _get(client, "/api/v1/contacts", revoked).status_code == 401
    assert _get(client, "/api/v1/contacts", deactivated).status_code == 200
    with app.app_context():
        db.session.get(User, officer.id).active = False
        db.session.commit()
    assert _get(client, "/api/v1/contacts", deactivated).status_code == 401


def test_a_list_never_holds_another_citys_private_record_nor_a_private_contact(
    app, client, make_user, make_contact, make_interaction
):
    reader = make_user("viewer", "oulu")
    own = make_contact("oulu", "city", family_name="Omaoulu")
    private = make_contact("espoo", "city", family_name="Yksityinen")
    shared = make_contact("espoo", "network", family_name="Julkinen")
    make_interaction("espoo", "network", title="Trade talks", contacts=[private, shared])
    make_interaction("espoo", "city", title="Secret talks")
    secret = _token(app, reader)
    contacts = _get(client, "/api/v1/contacts", secret).get_json()["items"]
    assert {c["family_name"] for c in contacts} == {"Omaoulu", "Julkinen"}
    interactions = _get(client, "/api/v1/interactions", secret).get_json()["items"]
    assert [i["title"] for i in interactions] == ["Trade talks"]
    assert [c["name"] for c in interactions[0]["contacts"]] == ["Julkinen Li"]
    assert _get(client, f"/api/v1/contacts/{private}", secret).status_code == 404
    one = _get(client, f"/api/v1/contacts/{own}", secret).get_json()
    assert one["id"] == own and one["city"]["name"] == "Oulu"
    assert one["created_at"].endswith("+00:00")  # ISO 8601 with its time zone


def test_lists_come_a_page_at_a_time_with_a_next_link(app, client, make_user, make_contact):
    officer = make_user("officer", "helsinki")
    ids = [make_contact("helsinki", family_name=f"Wang{i}") for i in range(5)]
    secret = _token(app, officer)
    first = _get(client, "/api/v1/contacts?limit=2", secret).get_json()
    assert [c["id"] for c in first["items"]] == ids[:2]
    assert "after=" in first["next"]
    path = first["next"].split("localhost", 1)[1]
    second = _get(client, path, secret).get_json()
    assert [c["id"] for c in second["items"]] == ids[2:4]
    last = _get(client, second["next"].split("localhost", 1)[1], secret).get_json()
    assert [c["id"] for c in last["items"]] == ids[4:] and last["next"] is None
    filtered = _get(client, "/api/v1/contacts?q=wang3", secret).get_json()
    assert [c["id"] for c in filtered["items"]] == [ids[3]]
    bad = _get(client, "/api/v1/contacts?limit=many", secret)
    assert bad.status_code == 422 and "limit" in bad.get_json()["errors"]


def test_the_rate_limit_answers_429_with_retry_after(app, client, make_user):
    officer = make_user("officer", "helsinki")
    secret = _token(app, officer)
    app.config["API_RATE_PER_MINUTE"] = 3
    try:
        statuses = [_get(client, "/api/v1/organisations", secret).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = _get(client, "/api/v1/organisations", secret)
        assert int(limited.headers["Retry-After"]) >= 1
    finally:
        app.config["API_RATE_PER_MINUTE"] = 120


def test_tokens_are_made_and_revoked_on_the_account_page(app, client_as):
    client, _ = client_as("officer", "helsinki")
    refused = client.post("/account/tokens", data={"name": "", "days": "400"})
    page = refused.get_data(as_text=True)
    assert (
        "Name the token after the system" in page and "Choose a validity of 1 to 365 days" in page
    )
    made = client.post("/account/tokens", data={"name": "Intranet calendar", "days": "90"})
    secret = re.search(r'value="(c21_[^"]+)"', made.get_data(as_text=True)).group(1)
    assert (
        client.get("/api/v1/contacts", headers={"Authorization": f"Bearer {secret}"}).status_code
        == 200
    )
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "Intranet calendar" in listing and secret not in listing  # shown once
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    client.post(f"/account/tokens/{token_id}/revoke")
    assert (
        client.get("/api/v1/contacts", headers={"Authorization": f"Bearer {secret}"}).status_code
        == 401
    )
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"api_token.create", "api_token.revoke"} <= actions


def test_another_users_token_cannot_be_revoked_but_an_admin_revokes_any(app, client_as, make_user):
    owner = make_user("officer", "helsinki")
    secret = _token(app, owner)
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    other, _ = client_as("officer", "helsinki")
    assert other.post(f"/account/tokens/{token_id}/revoke").status_code == 404
    admin, _ = client_as("admin", None)
    assert "officer" in admin.get("/account/tokens").get_data(as_text=True)
    admin.post(f"/account/tokens/{token_id}/revoke")
    with app.app_context():
        assert db.session.get(ApiToken, token_id).revoked_at is not None
    del secret


def test_a_token_lives_at_most_a_year(app, make_user):
    officer = make_user("officer", "helsinki")
    with app.app_context(), pytest.raises(ValidationError):
        api_tokens.create(db.session.get(User, officer.id), name="x", writes=False, days=366)


# --- Writes ---------------------------------------------------------------------------------


def _send(client, method, path, token, body):
    return client.open(path, method=method, json=body, headers={"Authorization": f"Bearer {token}"})


def test_a_read_write_token_creates_and_changes_a_contact_like_the_form(app, client, make_user):
    officer = make_user("officer", "helsinki")
    token = _token(app, officer, writes=True)
    with app.app_context():
        theme = db.session.scalar(select(__import__("portal.models", fromlist=["Theme"]).Theme.id))
    created = _send(
        client,
        "POST",
        "/api/v1/contacts",
        token,
        {
            "family_name": "Wang",
            "given_name": "Lei",
            "email": "wang.lei@example.cn",
            "legal_basis": "public_task",
            "themes": [theme],
            "organisation_name": "Shanghai Jiao Tong University",
            "create_organisation": True,
        },
    )
    assert created.status_code == 201, created.get_json()
    contact = created.get_json()
    assert contact["family_name"] == "Wang" and contact["version"] == 1
    assert contact["organisation"]["name"] == "Shanghai Jiao Tong University"
    assert created.headers["Location"].endswith(f"/contacts/{contact['id']}")
    changed = _send(
        client, "PATCH", f"/api/v1/contacts/{contact['id']}", token, {"version": 1, "title": "Dean"}
    )
    assert changed.status_code == 200 and changed.get_json()["title"] == "Dean"
    assert changed.get_json()["email"] == "wang.lei@example.cn"  # left as it was
    # A change made on the old version: 409 with both.
    stale = _send(
        client, "PATCH", f"/api/v1/contacts/{contact['id']}", token, {"version": 1, "title": "X"}
    )
    assert stale.status_code == 409
    assert (
        stale.get_json()["current"]["title"] == "Dean" and stale.get_json()["yours"]["title"] == "X"
    )
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action)))
        assert "contact.create" in actions and "contact.update" in actions


def test_bad_input_is_named_by_field_and_nothing_is_saved(app, client, make_user, make_contact):
    officer = make_user("officer", "helsinki")
    token = _token(app, officer, writes=True)
    secret_other = make_contact("espoo", "city", family_name="Secret")
    bad = _send(client, "POST", "/api/v1/contacts", token, {"family_name": "", "email": "nope"})
    assert bad.status_code == 422
    assert {"family_name", "email", "legal_basis"} <= set(bad.get_json()["errors"])
    typo = _send(client, "POST", "/api/v1/contacts", token, {"family_nam": "Wang"})
    assert typo.status_code == 422 and "family_nam" in typo.get_json()["errors"]
    # Another city's private contact cannot be linked (nor found).
    linked = _send(
        client,
        "POST",
        "/api/v1/interactions",
        token,
        {
            "title": "Talks",
            "kind": "meeting",
            "occurred_on": "2026-11-20",
            "contacts": [secret_other],
        },
    )
    assert linked.status_code == 422 and "contacts" in linked.get_json()["errors"]
    with app.app_context():
        from portal.models import Contact, Interaction

        assert list(db.session.scalars(select(Contact.id))) == [secret_other]
        assert db.session.scalar(select(Interaction.id)) is None


def test_numbers_beyond_the_database_and_unknown_addresses_get_problem_details(
    app, client, make_user
):
    """What Schemathesis found: ids too large for the database were sent to it (a 500), and
    an address under the API that no route matched answered the site's HTML error page."""
    officer = make_user("officer", "helsinki")
    token = _token(app, officer, writes=True)
    huge = 2**70
    for method, path, body in (
        ("POST", "/api/v1/contacts", {"family_name": "Wang", "themes": [huge]}),
        ("POST", "/api/v1/events", {"title": "Fair", "organisations": [huge]}),
        ("POST", "/api/v1/projects", {"title": "Skiing", "budget_eur": huge}),
    ):
        answer = _send(client, method, path, token, body)
        assert answer.status_code == 422, (path, answer.get_data(as_text=True))
        assert answer.content_type == "application/problem+json"
        assert set(answer.get_json()["errors"]) & {"themes", "organisations", "budget_eur"}
    for path, field in (
        (f"/api/v1/contacts?after={huge}", "after"),
        ("/api/v1/contacts?limit=500", "limit"),
        ("/api/v1/search?q=x&page=0", "page"),
    ):
        answer = _get(client, path, token)
        assert answer.status_code == 422 and field in answer.get_json()["errors"]
    for path in ("/api/v1/contacts/-1", f"/api/v1/contacts/{huge}", "/api/v1/nothing"):
        answer = _get(client, path, token)
        assert answer.status_code == 404 and answer.content_type == "application/problem+json"
    trace = client.open("/api/v1/contacts", method="TRACE", headers=_bearer(token))
    assert trace.status_code == 405 and trace.content_type == "application/problem+json"
    assert "GET" in trace.headers["Allow"] and "POST" in trace.headers["Allow"]
    # The pages keep their own error page.
    assert "<html" in client.get("/contacts/-1").get_data(as_text=True)


def test_writes_follow_the_role_table(app, client, make_user, make_contact):
    viewer = make_user("viewer", "helsinki")
    officer = make_user("officer", "helsinki")
    other = make_contact("espoo", "network", family_name="Shared")
    reader_token = _token(app, viewer, writes=True)
    assert (
        _send(
            client,
            "POST",
            "/api/v1/contacts",
            reader_token,
            {"family_name": "X", "legal_basis": "consent"},
        ).status_code
        == 403
    )
    read_only = _token(app, officer)
    refused = _send(client, "POST", "/api/v1/contacts", read_only, {"family_name": "X"})
    assert refused.status_code == 403 and refused.get_json()["detail"] == "This token is read-only."
    writer = _token(app, officer, writes=True)
    # Another city's shared contact is read, not written.
    assert (
        _send(
            client, "PATCH", f"/api/v1/contacts/{other}", writer, {"version": 1, "title": "X"}
        ).status_code
        == 403
    )


# --- Search and meetings ---------------------------------------------------------------------


def test_search_with_facets_never_counts_what_the_user_may_not_see(
    app, client, make_user, make_contact
):
    reader = make_user("viewer", "oulu")
    make_contact("espoo", "network", family_name="Guangzhou", given_name="Shared")
    make_contact("espoo", "city", family_name="Guangzhou", given_name="Private")
    token = _token(app, reader)
    found = _get(client, "/api/v1/search?q=Guangzhou", token).get_json()
    assert found["total"] == 1 and found["items"][0]["url"].startswith("/contacts/")
    assert "kind" in found["facets"] and found["facets"]["kind"][0]["count"] == 1
    narrowed = _get(client, "/api/v1/search?q=Guangzhou&kind=event", token).get_json()
    assert narrowed["total"] == 0


def test_meetings_and_their_published_agendas(app, client, client_as, make_user):
    from datetime import date

    from tests.test_meeting_views import CONFIRMED, _meeting_id, _new_meeting

    coordinator, coordinator_ref = client_as("coordinator", None)
    _new_meeting(coordinator, date.today() + timedelta(days=20))
    meeting = _meeting_id(app)
    reader = make_user("viewer", "oulu")
    reader_token, coordinator_token = _token(app, reader), _token(app, coordinator_ref)
    # A draft: its managers see it, others do not.
    assert _get(client, f"/api/v1/meetings/{meeting}", reader_token).status_code == 404
    assert _get(client, "/api/v1/meetings", reader_token).get_json() == []
    draft = _get(client, f"/api/v1/meetings/{meeting}", coordinator_token).get_json()
    assert draft["status"] == "draft" and draft["agenda"][0]["number"] == "1"
    coordinator.post(f"/meetings/{meeting}/publish", data=CONFIRMED)
    published = _get(client, f"/api/v1/meetings/{meeting}", reader_token).get_json()
    assert published["status"] == "published"
    assert [e["title"] for e in published["agenda"]][:2] == [
        "Opening of the meeting",
        "Approval of the agenda",
    ]


def test_a_projects_progress_updates_are_read_and_added_as_on_its_page(
    app, client, client_as, make_user, make_record
):
    shared = make_record(
        "project", "lahti", "network", partners=["helsinki"], title="Ski-jumping in Chongli"
    )
    private = make_record("project", "lahti", "city", title="Lahti's own plans")
    partner = _token(app, make_user("officer", "helsinki"), writes=True)
    outsider = _token(app, make_user("officer", "oulu"), writes=True)
    body = {"happened_on": "2026-11-20", "text": "Coaches met in Chongli."}
    added = _send(client, "POST", f"/api/v1/projects/{shared}/updates", partner, body)
    assert added.status_code == 201
    assert (
        added.get_json()["city"]["name"] == "Helsinki" and added.get_json()["text"] == body["text"]
    )
    # Another city reads the shared project's updates but may not add to them; a private
    # project of another city does not exist for it.
    listed = _get(client, f"/api/v1/projects/{shared}/updates", outsider).get_json()
    assert [u["happened_on"] for u in listed] == ["2026-11-20"]
    refused = _send(client, "POST", f"/api/v1/projects/{shared}/updates", outsider, body)
    assert refused.status_code == 403
    assert _get(client, f"/api/v1/projects/{private}/updates", outsider).status_code == 404
    empty = _send(client, "POST", f"/api/v1/projects/{shared}/updates", partner, {"text": ""})
    assert empty.status_code == 422 and {"happened_on", "text"} <= set(empty.get_json()["errors"])
    # The project's page shows it, and its history says who added it.
    page, _ = client_as("officer", "lahti")
    assert "Coaches met in Chongli." in page.get(f"/projects/{shared}").get_data(as_text=True)
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "project.progress")
        ).all()
        assert len(events) == 1 and events[0].object_id == shared


def test_lists_filter_as_the_list_pages_do(
    app, client, make_user, make_contact, make_organisation, make_record
):
    officer = make_user("officer", "helsinki")
    token = _token(app, officer)
    org = make_organisation("Beijing Sports Bureau")
    culture = make_contact("helsinki", "network", family_name="Culture", themes=["culture"])
    at_org = make_contact("helsinki", "city", family_name="Atorg", organisation=org)
    old = make_contact("helsinki", "city", family_name="Old", archived=True)
    make_contact("espoo", "network", family_name="Espoo")

    def ids(query):
        answer = _get(client, f"/api/v1/contacts?{query}", token)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return {c["id"] for c in answer.get_json()["items"]}

    assert old not in ids("")  # archived records only when asked for, as on the page
    assert ids("archived=true") == {old}
    assert ids("theme=culture") == {culture}
    assert ids(f"organisation={org}") == {at_org}
    assert ids("visibility=city&city=helsinki") == {at_org}
    assert ids("city=espoo") and not ids("city=espoo") & {culture, at_org, old}
    for query, field in (("city=atlantis", "city"), ("theme=nothing", "theme")):
        answer = _get(client, f"/api/v1/contacts?{query}", token)
        assert answer.status_code == 422 and field in answer.get_json()["errors"]
    typo = _get(client, "/api/v1/contacts?citty=espoo", token)
    assert typo.status_code == 422 and "citty" in typo.get_json()["errors"]

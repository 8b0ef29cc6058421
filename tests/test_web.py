"""Pages, headers, CSRF, error pages and configuration."""

from __future__ import annotations

import re

import pytest

from portal.config import ConfigError


def test_security_headers_on_every_kind_of_response(client, login, make_user):
    responses = [client.get("/login"), client.get("/nowhere"), client.get("/static/css/portal.css")]
    login(client, make_user())
    responses += [client.get("/"), client.get("/admin/users/")]
    for response in responses:
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "object-src 'none'" in csp and "base-uri 'none'" in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        response.close()


def test_pages_have_no_inline_script_or_style(client, login, make_user):
    login(client, make_user("admin", None))
    for path in (
        "/",
        "/cities/",
        "/cities/helsinki",
        "/admin/users/",
        "/admin/users/new",
        "/account/password",
        "/privacy",
        "/accessibility",
    ):
        response = client.get(path)
        assert response.status_code == 200, path  # a real page, not an error page
        page = response.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), path
        assert " style=" not in page and "<style" not in page, path
        assert " onclick=" not in page.lower(), path


def test_personal_pages_are_not_cached(client, login, make_user):
    login(client, make_user())
    assert client.get("/cities/").headers["Cache-Control"] == "no-store"


def test_every_post_route_requires_a_csrf_token(app_factory, make_user, login):
    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    login(client, make_user("admin", None))
    user_id = make_user("viewer", "oulu").id
    posts = [r for r in app.url_map.iter_rules() if "POST" in r.methods]
    assert len(posts) >= 8
    for rule in posts:
        path = re.sub(r"<int:\w+>", str(user_id), rule.rule).replace("<token>", "x")
        if rule.endpoint.startswith("api."):
            # The REST API takes no cookie at all, only a token in a header (which another
            # site cannot make a browser send): a logged-in browser's POST is a 401.
            response = client.post(path, json={})
            assert response.status_code == 401, rule.rule
            continue
        response = client.post(path, data={"email": "a@b.example", "password": "x"})
        assert response.status_code == 400, rule.rule
        assert "The form expired" in response.get_data(as_text=True)
    assert client.get("/").status_code == 200  # still logged in: the logout was refused too


def test_a_csrf_token_makes_the_form_work(app_factory, make_user):
    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    user = make_user()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"email": user.email, "password": user.password, "csrf_token": token}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "path,status,title",
    [
        ("/no/such/page", 404, "Page not found"),
        ("/cities/stockholm", 404, "Page not found"),
        ("/admin/users/", 403, "You do not have access to this page"),
        ("/logout", 405, "This address does not take that kind of request"),
    ],
)
def test_error_pages_are_in_the_sites_layout(client, login, make_user, path, status, title):
    login(client, make_user("viewer", "oulu"))
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert f"<h1>{title}</h1>" in page
    assert 'href="/accessibility"' in page and "skip-link" in page


def test_an_unexpected_error_shows_no_stack_trace(app_factory, make_user, login):
    app = app_factory(PORTAL_ENV="production", SECRET_KEY="x" * 40)

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals: /srv/portal/db.py line 42")

    client = app.test_client()
    login(client, make_user())
    response = client.get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in page
    assert "secret internals" not in page and "Traceback" not in page


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, _schema):
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_DATABASE_URL", _schema)
    from portal import create_app

    with pytest.raises(ConfigError, match="PORTAL_SECRET_KEY"):
        create_app()
    monkeypatch.setenv("PORTAL_SECRET_KEY", "a" * 48)
    assert create_app().config["SECRET_KEY"] == "a" * 48  # no connection is opened


def test_only_the_login_and_the_two_notices_are_public(client):
    assert client.get("/login").status_code == 200
    assert "Privacy notice" in client.get("/privacy").get_data(as_text=True)
    assert "WCAG 2.1" in client.get("/accessibility").get_data(as_text=True)
    for path in ("/", "/cities/", "/cities/helsinki", "/admin/users/", "/account/password"):
        assert client.get(path).status_code == 302, path


def test_notices_have_real_content(client):
    privacy = client.get("/privacy").get_data(as_text=True)
    for words in (
        "Controller",
        "legal basis",
        "How long the data is kept",
        "Your rights",
        "Data Protection Ombudsman",
    ):
        assert words.lower() in privacy.lower(), words
    accessibility = client.get("/accessibility").get_data(as_text=True)
    for words in ("306/2019", "not accessible", "Feedback", "Regional State Administrative"):
        assert words in accessibility, words


# --- The pages of this module ---------------------------------------------------------------


def test_home_shows_the_city_its_officers_and_an_empty_state(client, login, make_user):
    make_user("officer", "lahti", name="Kaisa Koskinen", email="kaisa@lahti.example")
    make_user("officer", "lahti", name="Poissa Oleva", active=False)
    viewer = make_user("viewer", "lahti", name="Antti Järvinen")
    login(client, viewer)
    page = client.get("/").get_data(as_text=True)
    assert "<h1>Lahti" in page and 'lang="sv">Lahtis' in page
    assert "Kaisa Koskinen" in page and "mailto:kaisa@lahti.example" in page
    assert "Poissa Oleva" not in page  # deactivated officers are not the ones to ask
    assert "Lahti has no China co-operation recorded yet." in page


def test_home_of_a_user_without_a_city(client, login, make_user):
    login(client, make_user("coordinator", None))
    page = client.get("/").get_data(as_text=True)
    assert "The C21 China network" in page and "Manage accounts" not in page


def test_city_list_has_the_21_cities_largest_first(client, login, make_user):
    login(client, make_user())
    page = client.get("/cities/").get_data(as_text=True)
    names = re.findall(r'<th scope="row"><a href="/cities/[a-z]+">([^<]+)</a>', page)
    assert len(names) == 21
    assert names[0] == "Helsinki" and names[-1] in {"Salo", "Porvoo", "Kotka"}
    assert "Hämeenlinna" in names and "Seinäjoki" in names and "Jyväskylä" in names
    assert '<th scope="col">' in page  # a table with headers


def test_city_profile_shows_partner_places_with_chinese_names(client, login, make_user):
    login(client, make_user("viewer", "espoo"))
    page = client.get("/cities/helsinki").get_data(as_text=True)
    assert "Beijing" in page and '<span lang="zh">北京</span>' in page
    assert "sister city" in page and "since 2006" in page
    page = client.get("/cities/lahti").get_data(as_text=True)
    assert "Zhangjiakou" in page and "张家口" in page


@pytest.mark.parametrize("path", ["/cities/", "/admin/users/", "/cities/helsinki", "/"])
def test_pages_issue_a_fixed_number_of_statements(client, login, make_user, count_statements, path):
    login(client, make_user("admin", None))
    for city in ("helsinki", "espoo", "oulu"):
        make_user("officer", city)
    client.get(path)  # warm up (session touch etc.)

    def statements() -> int:
        with count_statements() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    few = statements()
    for n in range(60):
        make_user("officer" if n % 2 else "viewer", ["helsinki", "espoo", "oulu"][n % 3])
    assert statements() == few


def test_healthz_answers_for_the_database_without_a_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["database"] == "ok"
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_says_when_the_database_is_gone(app_factory, tmp_path):
    broken = app_factory(database_url=f"sqlite:///{tmp_path}/missing/dir/portal.db")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable"}


def test_every_request_leaves_one_log_line_without_personal_data(app_factory, client_as, caplog):
    import json
    import logging

    logged = app_factory(REQUEST_LOG=True)
    client = logged.test_client()
    logger = logging.getLogger("portal.requests")
    logger.addHandler(caplog.handler)  # the app's own handler does not propagate
    try:
        client.get("/search?q=Wang+Li")
        client.get("/contacts/12345")
    finally:
        logger.removeHandler(caplog.handler)
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "portal.requests"]
    assert [line["route"] for line in lines] == ["/search", "/contacts/<int:contact_id>"]
    assert all(line["status"] == 302 and line["ms"] >= 0 for line in lines)  # to the login
    assert "Wang" not in caplog.text and "12345" not in caplog.text


def test_the_accessibility_statement_says_where_to_write_and_what_is_true(app, client, make_user):
    """Issue 15: no concrete feedback channel, and a claim of 400 % zoom nobody tested."""
    make_user("admin", None, email="portal-admin@c21.example")
    page = client.get("/accessibility").get_data(as_text=True)
    assert 'href="mailto:portal-admin@c21.example"' in page
    assert "320 CSS pixels" in page and "400 % zoom" in page
    assert "last updated on 23 November 2026" in page
    app.config["PORTAL_ACCESSIBILITY_FEEDBACK"] = "saavutettavuus@c21.example"
    try:
        page = client.get("/accessibility").get_data(as_text=True)
    finally:
        app.config["PORTAL_ACCESSIBILITY_FEEDBACK"] = None
    assert 'href="mailto:saavutettavuus@c21.example"' in page
    assert "portal-admin@c21.example" not in page


def test_the_network_mark_is_in_the_header_and_on_printed_pages(app, client_as):
    """Issue 15: a C21 mark in the header and on the PDF (inline: nothing fetched), and a
    print stylesheet for record pages as well as agendas."""
    from pathlib import Path

    client, _ = client_as("officer", "helsinki")
    page = client.get("/").get_data(as_text=True)
    header = page[page.index('<header class="site-header">') : page.index("</header>")]
    assert 'class="c21-mark"' in header and 'aria-hidden="true"' in header
    report = client.get("/cities/helsinki/report").get_data(as_text=True)
    assert 'class="c21-mark"' in report
    css = (Path(app.root_path) / "static" / "css" / "portal.css").read_text()
    printing = css[css.index("@media print") :]
    assert ".site-header" in printing and "display: none" in printing


def test_a_records_link_built_once_per_request_is_the_routes_own(app):
    """``record_url`` puts a record's id into its route built once per request (url_for
    costs ~25 us, and a "who knows whom" page links two hundred records): the same link as
    url_for's, for each route, under a prefix too."""
    from flask import url_for

    from portal.links import city_list_url, record_url

    for prefix in ("", "/portal"):
        with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": prefix}):
            for endpoint, key in (("contacts.detail", "contact_id"), ("events.detail", "event_id")):
                for record_id in (1, 42, 918273645):
                    expected = url_for(endpoint, **{key: record_id})
                    assert record_url(endpoint, key, record_id) == expected
            assert record_url("contacts.detail", "contact_id", 7) == f"{prefix}/contacts/7"
            # A list filtered to a city and an organisation or place: the city put in.
            for endpoint in ("contacts.index", "events.index"):
                for filters in ({"organisation": 12}, {"place": "beijing"}, {}):
                    for city in ("helsinki", "hameenlinna", "a b&c", "ä/ö?#+"):
                        expected = url_for(endpoint, city=city, **filters)
                        assert city_list_url(endpoint, city, filters) == expected

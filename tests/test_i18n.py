"""The portal in Finnish, Swedish and English: complete catalogues, every visible string
wrapped, the language chosen as the issue asks, and numbers, plurals and dates as each
language writes them."""

from __future__ import annotations

import html
import io
import re
from datetime import date, datetime, time, timedelta
from gettext import GNUTranslations
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask_babel import force_locale
from sqlalchemy import select

from portal.extensions import db
from portal.models import City, Notification, User
from portal.timeutil import local_today

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "portal" / "translations"
LANGUAGES = ("fi", "sv")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "_n": (1, 2),
    "lazy_ngettext": (1, 2),
}


def _catalogue(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=language)


def _text(response) -> str:
    page = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(page))


# --- The catalogues -------------------------------------------------------------------


def _strings_in_the_code() -> set:
    found = set()
    method_map = [
        ("portal/**.py", "python"),
        ("portal/templates/**.html", "jinja2"),
        ("portal/templates/**.txt", "jinja2"),
    ]
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=KEYWORDS
    ):
        if isinstance(message, tuple):
            message = tuple(m for m in message if m is not None)
            found.add(message if len(message) > 1 else message[0])
        else:
            found.add(message)
    return {m for m in found if m}


@pytest.fixture(scope="module")
def code_strings() -> set:
    return _strings_in_the_code()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_of_the_code_is_translated(code_strings, language):
    """A string added to the code without a translation (or with a fuzzy one) fails here:
    run `make translations` and translate what it adds."""
    catalogue = _catalogue(language)
    translated = {
        m.id: m.string
        for m in catalogue
        if m.id
        and "fuzzy" not in m.flags
        and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = sorted(str(s) for s in code_strings if s not in translated)
    assert not missing, f"{len(missing)} strings lack a {language} translation: {missing[:10]}"
    fuzzy = [m.id for m in catalogue if m.id and "fuzzy" in m.flags]
    assert not fuzzy


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language):
    """A translation that drops or renames %(name)s would fail at run time or lose data."""
    for message in _catalogue(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for translated in strings:
            assert set(PLACEHOLDER.findall(translated)) == wanted, (message.id, translated)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_percent_sign_is_a_placeholder_or_escaped(language):
    """Templates format every string with %: a lone "400 % and" came out as "400 {}nd" in
    English and a 500 in Finnish ("400 %:n"). A percent sign is written %%."""
    lone = re.compile(r"%(?!\(\w+\)[sd])")
    for message in _catalogue(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in (*ids, *strings):
            assert not lone.search(text.replace("%%", "")), text


def test_the_accessibility_statement_says_400_percent_in_every_language(app):
    client = app.test_client()
    for language, words in (("en", "400 % zoom"), ("fi", "400 %:n"), ("sv", "400 % förstoring")):
        page = _text(client.get("/accessibility", headers={"Accept-Language": language}))
        assert words in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_is_the_current_one(language):
    """The .mo files ship with the package (pip install ., make run): they must say what
    the .po files say."""
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo", "rb") as f:
        compiled = GNUTranslations(f)
    for message in _catalogue(language):
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            assert compiled.ngettext(*message.id, 1) == message.string[0]
            assert compiled.ngettext(*message.id, 5) == message.string[1]
        else:
            assert compiled.gettext(message.id) == message.string, message.id


class _VisibleText(HTMLParser):
    """Text a person would read, in a template with its Jinja tags taken out."""

    SHOWN_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        values = dict(attrs)
        for name, value in attrs:
            shown = name in self.SHOWN_ATTRIBUTES or (
                name == "value" and tag == "input" and values.get("type") in ("submit", "button")
            )
            if shown and value and re.search(r"[A-Za-z]{2}", value):
                self.found.append(f"{name}={value!r}")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and re.search(r"[A-Za-z]{2}", data):
            self.found.append(data.strip())


def test_no_template_shows_text_that_is_not_wrapped_for_translation():
    jinja = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
    left_out = {}
    for path in sorted((ROOT / "portal" / "templates").rglob("*.html")):
        parser = _VisibleText()
        parser.feed(jinja.sub(" ", path.read_text(encoding="utf-8")))
        if parser.found:
            left_out[path.name] = parser.found
    assert not left_out


def test_the_checker_finds_text_left_out():
    parser = _VisibleText()
    parser.feed('<p>Hello</p><input type="submit" value="Send"><img alt="Logo">')
    assert parser.found == ["Hello", "value='Send'", "alt='Logo'"]


# --- Plurals, numbers and dates ---------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "one", "many"),
    [
        ("fi", "1 yhteyshenkilö", "2 yhteyshenkilöä"),
        ("sv", "1 kontaktperson", "2 kontaktpersoner"),
        ("en", "1 contact", "2 contacts"),
    ],
)
def test_counts_take_the_plural_form_of_the_language(app, language, one, many):
    from portal import labels

    with app.test_request_context(), force_locale(language):
        assert labels.count("contacts", 1) == one
        assert labels.count("contacts", 2) == many
        assert labels.count("contacts", 0).startswith("0 ")
        assert "1\u00a0234" in labels.count("events", 1234) or language == "en"
        assert labels.more_than("contacts", 1000).endswith(many.split(" ", 1)[1])


def test_a_text_written_under_another_language_is_in_that_language(app):
    """A notification is written in its reader's language (``force_locale``) in the middle
    of someone else's request: its templates and counts too, not the request's language
    kept from before."""
    from flask import render_template_string

    from portal import labels

    with app.test_request_context(), force_locale("fi"):
        assert render_template_string("{{ _('Contacts') }}") == "Yhteyshenkilöt"
        assert labels.count("contacts", 2) == "2 yhteyshenkilöä"
        with force_locale("sv"):
            assert render_template_string("{{ _('Contacts') }}") == "Kontaktpersoner"
            assert labels.count("contacts", 2) == "2 kontaktpersoner"
        assert render_template_string("{{ _('Contacts') }}") == "Yhteyshenkilöt"
        assert labels.count("contacts", 2) == "2 yhteyshenkilöä"


def test_the_templates_translate_in_one_step_as_jinjas_own_gettext_did(app):
    """The templates' _() and ngettext() (portal.templating, one call instead of Jinja's
    three): translated, values escaped in HTML and not in plain text, a doubled per cent
    sign one sign, plurals with the count as ``num``."""
    from flask import render_template_string

    with app.test_request_context(), force_locale("sv"):
        html = render_template_string(
            "{{ _('not shared.') }}|{{ _('%(city)s:', city='<b>Espoo</b>') }}|"
            "{{ ngettext('and %(num)d more', 'and %(num)d more', 2) }}|{{ _('100%%') }}"
        )
        assert html == "inte delade.|&lt;b&gt;Espoo&lt;/b&gt;:|och 2 till|100%"
        text = render_template_string(
            "{% autoescape false %}{{ _('%(city)s:', city='<b>') }}{% endautoescape %}"
        )
        assert text == "<b>:"


@pytest.mark.parametrize(
    ("language", "day", "moment", "number", "month"),
    [
        ("fi", "22.11.2026", "22.11.2026 klo 14.30", "1\u00a0234", "marraskuu 2026"),
        ("sv", "22.11.2026", "22.11.2026 kl. 14.30", "1\u00a0234", "november 2026"),
        ("en", "22 Nov 2026", "22 Nov 2026, 14:30", "1,234", "November 2026"),
    ],
)
def test_dates_times_and_numbers_as_each_language_writes_them(
    app, language, day, moment, number, month
):
    from datetime import UTC

    from babel.numbers import format_decimal

    from portal import formatting

    with app.test_request_context(), force_locale(language):
        babel_locale = formatting.BABEL_LOCALE[language]
        assert formatting.date_text(date(2026, 11, 22)) == day
        # Stored times are UTC and shown in Helsinki: 12:30 UTC is 14.30 in November.
        assert formatting.datetime_text(datetime(2026, 11, 22, 12, 30, tzinfo=UTC)) == moment
        assert formatting.time_text(time(9, 5)) in ("9.05", "09:05")
        # Times are remembered once written: the same text as Babel's, the seconds unshown.
        from babel.dates import format_time

        for t in (time(9, 5), time(9, 5, 59, 999), time(0, 0), time(23, 59, 1)):
            pattern = formatting.TIME[language]
            expected = format_time(t.replace(second=0), pattern, locale=babel_locale)
            assert formatting.time_text(t) == formatting.time_text(t) == expected, t
        assert formatting.number_text(1234) == number
        # Small counts skip Babel: the same text as Babel's, and the rest still Babel's.
        for n in (0, 7, 999, 1000, 12345678, -5, 2.5):
            assert formatting.number_text(n) == format_decimal(n, locale=babel_locale), n
        assert formatting.month_text(date(2026, 11, 1)) == month
        assert len(formatting.weekday_names()) == 7
    with app.test_request_context(), force_locale("fi"):
        assert formatting.weekday_names()[0] == "maanantai"  # weeks start on Monday


# --- Choosing the language ------------------------------------------------------------


def _lang(response) -> str:
    return re.search(r'<html lang="([a-z]+)"', response.get_data(as_text=True)).group(1)


def test_a_visitor_without_a_choice_gets_finnish_then_the_browsers_language(app):
    app.config["DEFAULT_LOCALE"] = "fi"
    try:
        client = app.test_client()
        page = client.get("/login")
        assert _lang(page) == "fi" and "Kirjaudu sisään" in _text(page)
        swedish = client.get("/login", headers={"Accept-Language": "sv-FI,sv;q=0.9,en;q=0.5"})
        assert _lang(swedish) == "sv" and "Logga in" in _text(swedish)
        english = client.get("/login", headers={"Accept-Language": "en-GB"})
        assert _lang(english) == "en" and "Log in" in _text(english)
        # A language the portal does not have: Finnish.
        assert _lang(client.get("/login", headers={"Accept-Language": "de"})) == "fi"
    finally:
        app.config["DEFAULT_LOCALE"] = "en"


def test_the_switch_on_the_login_page_works_before_logging_in_and_carries_over(
    app, make_user, login
):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    # Each language's name in its own language, and marked so.
    for code, name in (("fi", "suomi"), ("sv", "svenska"), ("en", "English")):
        assert re.search(rf'<button[^>]*value="{code}"[^>]*lang="{code}"[^>]*>{name}<', page)
    response = client.post("/language", data={"lang": "sv", "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert _lang(client.get("/login")) == "sv"
    assert 'aria-current="true">svenska' in client.get("/login").get_data(as_text=True)
    # Not an open redirect, and an unknown language changes nothing.
    away = client.post("/language", data={"lang": "fi", "next": "https://evil.example/"})
    assert away.headers["Location"].endswith("/")
    client.post("/language", data={"lang": "xx", "next": "/login"})
    assert _lang(client.get("/login")) == "fi"


def test_a_logged_in_users_choice_is_kept_in_the_account(app, client_as):
    client, user = client_as("officer", "helsinki", locale="en")
    assert _lang(client.get("/")) == "en"
    client.post("/language", data={"lang": "fi", "next": "/"})
    with app.app_context():
        assert db.session.get(User, user.id).locale == "fi"
    # The account's language holds against the browser's on every later visit.
    assert _lang(client.get("/", headers={"Accept-Language": "en"})) == "fi"


def test_new_accounts_start_in_finnish(app):
    from portal.services import accounts

    with app.app_context():
        vantaa = db.session.scalar(select(City).where(City.slug == "vantaa"))
        user = accounts.create_user(
            None, email="uusi@vantaa.example", name="Uusi", role="viewer", city=vantaa
        )
        assert user.locale == "fi"
        db.session.rollback()


# --- Pages in Finnish and Swedish -------------------------------------------------------


def test_home_in_finnish_and_swedish_with_city_names_and_plurals(app, client_as, make_contact):
    make_contact("helsinki", "city", family_name="Wang")
    finnish, _ = client_as("officer", "helsinki", locale="fi")
    page = _text(finnish.get("/"))
    assert "Etusivu" in page and "Kirjaudu ulos" in page
    assert "1 yhteyshenkilö" in page and "1 contact" not in page
    swedish, _ = client_as("officer", "helsinki", locale="sv")
    page = _text(swedish.get("/"))
    assert "Startsida" in page and "Helsingfors" in page
    assert "1 kontaktperson" in page


def test_a_record_form_says_its_errors_in_the_users_language(client_as):
    client, _ = client_as("officer", "espoo", locale="fi")
    response = client.post("/contacts/new", data={"email": "ei-osoite"})
    page = _text(response)
    assert response.status_code == 200
    assert "Lomakkeessa on virhe" in page
    assert "Anna vähintään sukunimi tai nimi kiinalaisin merkein." in page
    swedish, _ = client_as("officer", "espoo", locale="sv")
    page = _text(swedish.post("/contacts/new", data={}))
    assert "Ange åtminstone efternamnet eller namnet med kinesiska tecken." in page


def test_search_with_facets_in_finnish(client_as, make_record):
    make_record("event", "helsinki", "network", title="Talviurheiluseminaari Pekingissä")
    client, _ = client_as("officer", "espoo", locale="fi")
    page = _text(client.get("/search?q=Talviurheiluseminaari"))
    assert "1 tulos" in page and "Tapahtuma" in page
    assert "Rajaa" in page  # the facets' heading


def test_a_chinese_place_goes_by_its_exonym(client_as):
    finnish, _ = client_as("officer", "espoo", locale="fi")
    page = _text(finnish.get("/places/beijing"))
    assert "Peking" in page and "北京" in page
    english, _ = client_as("officer", "espoo", locale="en")
    assert "Beijing" in _text(english.get("/places/beijing"))


def test_the_overview_in_swedish(client_as, make_record):
    make_record("project", "turku", "network", title="Snow design")
    client, _ = client_as("viewer", "turku", locale="sv")
    page = _text(client.get("/overview/"))
    assert "Översikt över nätverket" in page or "Översikt" in page
    assert "Åbo" in page  # Turku in Swedish


def test_the_agenda_and_its_pdf_in_finnish(app, client_as):
    from pypdf import PdfReader

    from tests.test_meeting_views import CONFIRMED, _meeting_id, _new_meeting

    coordinator, _ = client_as("coordinator", None, locale="fi")
    held_on = local_today() + timedelta(days=30)
    assert _new_meeting(coordinator, held_on).status_code == 302
    meeting = _meeting_id(app)
    assert coordinator.post(f"/meetings/{meeting}/publish", data=CONFIRMED).status_code == 302
    page = _text(coordinator.get(f"/meetings/{meeting}"))
    assert "Esityslista" in page and "(Helsingin aikaa)" in page
    assert f"{held_on.day}.{held_on.month}.{held_on.year}" in page
    assert "13.00" in page  # a Finnish time
    pdf = coordinator.get(f"/meetings/{meeting}/agenda.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Esityslista" in text and "Helsingin aikaa" in text


def test_notifications_reach_each_person_in_their_own_language(app, client_as, make_user):
    from tests.test_meeting_views import CONFIRMED, _meeting_id, _new_meeting

    finnish = make_user("officer", "tampere", locale="fi")
    swedish = make_user("officer", "vaasa", locale="sv")
    coordinator, _ = client_as("coordinator", None, locale="en")
    held_on = date.today() + timedelta(days=40)
    _new_meeting(coordinator, held_on)
    coordinator.post(f"/meetings/{_meeting_id(app)}/publish", data=CONFIRMED)
    with app.app_context():
        said = dict(db.session.execute(select(Notification.user_id, Notification.message)).all())
    assert (
        "esityslista" in said[finnish.id] and f"{held_on.day}.{held_on.month}." in said[finnish.id]
    )
    assert "Föredragningslistan" in said[swedish.id]


# --- Search folds the names of places ---------------------------------------------------


def test_other_names_of_places_stand_in_for_the_indexed_name():
    from portal.search.names import alternatives

    assert alternatives("peking") == ["beijing"]
    assert alternatives("pekingissa") == ["beijing"]  # Pekingissä, folded
    assert alternatives("kantonin") == ["guangzhou"]
    assert alternatives("helsingfors") == ["helsinki"]
    assert alternatives("helsingin") == ["helsinki"]
    assert alternatives("turussa") == ["turku"]
    assert alternatives("beijing") == [] and alternatives("meeting") == []
    assert alternatives("pekingilaisten") == []  # more than a case ending: not the name


@pytest.mark.parametrize("typed", ["Peking", "Pekingissä", "pekingin"])
def test_a_search_in_finnish_finds_beijing(client_as, make_record, typed):
    make_record("event", "helsinki", "network", title="Winter sports week in Beijing")
    client, _ = client_as("officer", "espoo", locale="fi")
    page = _text(client.get("/search", query_string={"q": typed}))
    assert "Winter sports week in Beijing" in page


def test_a_list_filter_in_swedish_finds_the_finnish_city_name(client_as, make_record):
    make_record("project", "helsinki", "network", title="Helsinki–Beijing coaching exchange")
    client, _ = client_as("officer", "espoo", locale="sv")
    page = _text(client.get("/projects/", query_string={"q": "Helsingfors"}))
    assert "Helsinki–Beijing coaching exchange" in page


# --- Admins keep a theme's three names ------------------------------------------------------


def test_an_admin_renames_a_theme_and_every_language_shows_its_own_name(app, client_as):
    from portal.models import AuditEvent, Theme

    admin, _ = client_as("admin", None)
    with app.app_context():
        theme = db.session.scalar(select(Theme).where(Theme.slug == "tourism"))
        theme_id = theme.id
    # A name left empty is named next to its field, and nothing is saved.
    page = _text(
        admin.post(
            f"/admin/themes/{theme_id}",
            data={"name_fi": "Matkailu", "name_sv": "", "name_en": "Tourism", "active": "y"},
        )
    )
    assert "Enter the theme's name in Swedish." in page
    response = admin.post(
        f"/admin/themes/{theme_id}",
        data={
            "name_fi": "Matkailu ja vierailut",
            "name_sv": "Turism och besök",
            "name_en": "Tourism",
            "active": "y",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Theme, theme_id).name_sv == "Turism och besök"
        assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "theme.update"))
    swedish, _ = client_as("officer", "vaasa", locale="sv")
    assert "Turism och besök" in _text(swedish.get("/contacts/new"))
    finnish, _ = client_as("officer", "vaasa", locale="fi")
    assert "Matkailu ja vierailut" in _text(finnish.get("/contacts/new"))


def test_an_admin_adds_a_theme_and_retires_it(app, client_as):
    from portal.models import Theme

    admin, _ = client_as("admin", None)
    response = admin.post(
        "/admin/themes/new",
        data={
            "name_fi": "Vesihuolto",
            "name_sv": "Vattenförsörjning",
            "name_en": "Water supply",
            "active": "y",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        theme = db.session.scalar(select(Theme).where(Theme.name_en == "Water supply"))
        assert theme.slug == "water-supply" and theme.active
    officer, _ = client_as("officer", "kotka", locale="en")
    assert "Water supply" in _text(officer.get("/contacts/new"))
    admin.post(
        f"/admin/themes/{theme.id}",
        data={"name_fi": "Vesihuolto", "name_sv": "Vattenförsörjning", "name_en": "Water supply"},
    )
    assert "Water supply" not in _text(officer.get("/contacts/new"))
    assert "Retired" in _text(admin.get("/admin/themes/"))


def test_loading_the_reference_data_again_keeps_an_admins_theme_names(app):
    from portal.models import Theme
    from portal.services import reference

    with app.app_context():
        theme = db.session.scalar(select(Theme).where(Theme.slug == "tourism"))
        theme.name_sv, theme.active = "Turism och besöksnäring", False
        db.session.commit()
        reference.load_reference_data()
        db.session.commit()
        theme = db.session.scalar(select(Theme).where(Theme.slug == "tourism"))
        assert (theme.name_sv, theme.active) == ("Turism och besöksnäring", False)
        theme.name_sv, theme.active = "Turism", True  # the reference data the other tests see
        db.session.commit()


# --- The history in words ---------------------------------------------------------------


def test_a_records_history_shows_labels_not_codes(app, client_as, make_record):
    """A project's history once read "funding_sources: – → <built-in method title of str
    object ...>", and histories showed internal keys ("legal_basis: public_task")."""
    client, _ = client_as("officer", "helsinki", locale="fi")
    project = make_record("project", "helsinki", "network", title="Coaching exchange")
    page = client.get(f"/projects/{project}/edit").get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    response = client.post(
        f"/projects/{project}/edit",
        data={
            "version": version,
            "title": "Coaching exchange",
            "status": "active",
            "visibility": "city",
            "funding_sources": ["eu", "own"],
        },
    )
    assert response.status_code == 302, _text(response)[:500]
    history = _text(client.get(f"/projects/{project}"))
    assert "built-in method" not in history and "funding_sources" not in history
    assert "Rahoituslähteet" in history and "EU-rahoitus" in history
    assert "Vain kaupungin omaan käyttöön" in history  # visibility: city, in words
    assert "Muutettu" in history  # "project.update", in words


def test_chinese_in_hints_and_histories_is_marked_as_chinese(app, client_as, make_contact):
    """Issue 15: Chinese text in a hint and in a record's history had no lang="zh"."""
    from portal.extensions import db
    from portal.models import Contact
    from portal.services import audit

    contact = make_contact("helsinki", "city", family_name="Wang")
    client, user = client_as("officer", "helsinki")
    hint = client.get("/organisations/new").get_data(as_text=True)
    assert 'Such as <span lang="zh">北京市体育局</span>.' in hint
    with app.app_context():
        audit.record(
            None,
            "contact.update",
            obj=db.session.get(Contact, contact),
            changes={"name_zh": ["", "王伟"]},
            actor_email=user.email,
        )
        db.session.commit()
    page = client.get(f"/contacts/{contact}").get_data(as_text=True)
    assert '<span lang="zh">王伟</span>' in page

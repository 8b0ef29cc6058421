"""The permission matrix: every route, every role, own and other city (and, for city-owned
records, private and shared), with the status each must answer.

Later modules add their rows to ROUTES. test_route_matrix.py runs every row and fails when
the app has a route that no row covers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = ("anonymous", "viewer", "officer", "coordinator", "city_coordinator", "admin", "dpo")
# Where each acting role sits: "own" targets are in Helsinki, "other" targets in Espoo.
ROLE_CITY = {
    "viewer": "helsinki",
    "officer": "helsinki",
    "coordinator": None,
    "city_coordinator": "helsinki",
    "admin": None,
    # A Helsinki officer with the city's data protection right (issue 13): everywhere else
    # an officer, so a route's expectation for "officer" holds unless it names "dpo".
    "dpo": "helsinki",
}
CITY_OF_SCOPE = {"own": "helsinki", "other": "espoo"}

LOGIN = "login"  # expected: a redirect to the login page


def _all(status, anonymous=LOGIN) -> dict[str, object]:
    # "dpo" is an officer unless a route says otherwise (see Route.expected).
    return {role: (anonymous if role == "anonymous" else status) for role in ROLES if role != "dpo"}


LOGGED_IN_200 = _all(200)
PUBLIC_200 = _all(200, anonymous=200)
ADMIN_ONLY = {**_all(403), "admin": 200}
ADMIN_ONLY_REDIRECT = {**_all(403), "admin": 302}


@dataclass
class Route:
    endpoint: str
    method: str
    # Builds the path from the world (see test_route_matrix.World), the scope and, for
    # city-owned records, the visibility.
    path: Callable[..., str]
    expect: dict[str, object] | Callable[[str, str, str], object]
    scopes: tuple[str, ...] = ("-",)
    visibilities: tuple[str, ...] = ("-",)
    data: dict | Callable[..., dict] = field(default_factory=dict)  # a callable: (w, s, v)
    # Expectations that differ by scope or visibility: {(scope, visibility): {role: status}}
    overrides: dict = field(default_factory=dict)
    api: bool = False  # the REST API: the acting user sends a token of theirs, not a cookie

    def expected(self, role: str, scope: str, visibility: str):
        named = (isinstance(self.expect, dict) and "dpo" in self.expect) or any(
            "dpo" in cell for cell in self.overrides.values()
        )
        if role == "dpo" and not named:
            role = "officer"
        if callable(self.expect):
            return self.expect(role, scope, visibility)
        return self.overrides.get((scope, visibility), {}).get(role, self.expect[role])


# City-owned records, DESIGN.md section 3 written out: which cells each role may read and
# write. "own" records are in Helsinki (where the acting roles sit), "other" in Espoo.
# "partner" records are projects led by Espoo with Helsinki as a partner city.
PARTNER_CELLS = {"partner-city", "partner-network"}
ALL_CELLS = {"own-city", "own-network", "other-city", "other-network"} | PARTNER_CELLS
READS = {
    "viewer": {"own-city", "own-network", "other-network"} | PARTNER_CELLS,
    "officer": {"own-city", "own-network", "other-network"} | PARTNER_CELLS,
    "coordinator": {"own-network", "other-network", "partner-network"},  # shared only
    "city_coordinator": {"own-city", "own-network", "other-network"} | PARTNER_CELLS,
    "admin": ALL_CELLS,
}
WRITES = {
    "viewer": set(),
    "officer": {"own-city", "own-network"},
    "coordinator": set(),
    "city_coordinator": {"own-city", "own-network"},
    "admin": ALL_CELLS,
}
# Adding a progress update to a project: the lead city's and the partner cities' writers.
CONTRIBUTES = {
    "viewer": set(),
    "officer": {"own-city", "own-network"} | PARTNER_CELLS,
    "coordinator": set(),
    "city_coordinator": {"own-city", "own-network"} | PARTNER_CELLS,
    "admin": ALL_CELLS,
}
RECORD_CELLS = dict(scopes=("own", "other"), visibilities=("city", "network"))
PROJECT_CELLS = dict(scopes=("own", "other", "partner"), visibilities=("city", "network"))


def record_status(ok: int, *, write: bool = False, need: str | None = None):
    """Expected status for a route on one record: hidden is 404, not allowed is 403."""
    table = {"write": WRITES, "contribute": CONTRIBUTES}.get(need or ("write" if write else ""))

    def expect(role: str, scope: str, visibility: str):
        if role == "anonymous":
            return LOGIN
        cell = f"{scope}-{visibility}"
        if cell not in READS[role]:
            return 404
        if table is not None and cell not in table[role]:
            return 403
        return ok

    return expect


CITY_WRITERS = {**_all(403), "officer": 200, "city_coordinator": 200, "admin": 200}
ORGANISATION_EDITORS = {**_all(200), "viewer": 403}
ORGANISATION_KEEPERS = {**_all(403), "coordinator": 200, "city_coordinator": 200, "admin": 200}


# Meetings: coordinators (with or without a city) and admins manage them.
MANAGERS_200 = {**_all(403), "coordinator": 200, "city_coordinator": 200, "admin": 200}
MANAGERS_302 = {**_all(403), "coordinator": 302, "city_coordinator": 302, "admin": 302}
MEETING_SCOPES = ("draft", "published")


def _meeting(suffix=""):
    return lambda w, s: f"/meetings/{w.meeting[s]}{suffix}"


def _meeting_item(suffix="", scope=None):
    return lambda w, s: f"/meetings/items/{w.item[scope or s]}{suffix}"


def _proposal(suffix=""):
    return lambda w, s: f"/meetings/items/{w.proposal[s]}{suffix}"


def _agenda_readers(ok):
    """The agenda: everyone once published; before that only the managers."""

    def expect(role, scope, visibility):
        if role == "anonymous":
            return LOGIN
        if scope == "published":
            return ok
        return MANAGERS_200[role] if ok == 200 else MANAGERS_302[role]

    return expect


# Editing a proposal: its city's officers (as a proposal) and the managers (as an item);
# another city's proposal does not exist for officers and viewers.
PROPOSAL_EDIT = {**MANAGERS_200, "officer": 200, "viewer": 403}
PROPOSAL_EDIT_OTHER = {**MANAGERS_200, "officer": 404, "viewer": 404}
# Withdrawing: the proposing city's officers and admins only.
WITHDRAW = {**_all(403), "officer": 302, "admin": 302}
WITHDRAW_OTHER = {**_all(403), "officer": 404, "viewer": 404, "admin": 302}
ACTION_STATUS = {**MANAGERS_302, "officer": 302}
# No minutes before publication; a draft agenda's items do not exist for the cities.
DRAFT_MINUTES = {**_all(403), "viewer": 404, "officer": 404}

MEETING_ROUTES = [
    Route("meetings.index", "GET", lambda w, s: "/meetings/", LOGGED_IN_200),
    Route("meetings.series", "GET", lambda w, s: "/meetings/series/c21-china", LOGGED_IN_200),
    Route("meetings.new", "GET", lambda w, s: "/meetings/new", MANAGERS_200),
    Route("meetings.new", "POST", lambda w, s: "/meetings/new", MANAGERS_200),
    Route("meetings.detail", "GET", _meeting(), LOGGED_IN_200, scopes=MEETING_SCOPES),
    Route("meetings.edit", "GET", _meeting("/edit"), MANAGERS_200, scopes=MEETING_SCOPES),
    Route("meetings.edit", "POST", _meeting("/edit"), MANAGERS_200, scopes=MEETING_SCOPES),
    Route(
        "meetings.printable",
        "GET",
        _meeting("/print"),
        _agenda_readers(200),
        scopes=MEETING_SCOPES,
    ),
    Route(
        "meetings.pdf",
        "GET",
        _meeting("/agenda.pdf"),
        _agenda_readers(200),
        scopes=MEETING_SCOPES,
    ),
    Route(
        "meetings.actions_file",
        "GET",
        _meeting("/actions.csv"),
        _agenda_readers(200),
        scopes=MEETING_SCOPES,
    ),
    Route("meetings.ical", "GET", _meeting("/meeting.ics"), LOGGED_IN_200, scopes=MEETING_SCOPES),
    # Publishing a draft with items asks for confirmation first: the page that asks (200).
    Route("meetings.publish", "POST", _meeting("/publish"), MANAGERS_200, scopes=("draft",)),
    Route("meetings.mark_held", "POST", _meeting("/held"), MANAGERS_302, scopes=("published",)),
    Route("meetings.approve", "POST", _meeting("/approve"), MANAGERS_302, scopes=("published",)),
    # Reopening needs approved minutes: refused with a message for a published meeting.
    Route("meetings.reopen", "POST", _meeting("/reopen"), MANAGERS_302, scopes=("published",)),
    # Proposing: officers with a city, before the deadline (the published meeting's passed).
    Route(
        "meetings.propose",
        "GET",
        _meeting("/propose"),
        {**_all(403), "officer": 200},
        scopes=MEETING_SCOPES,
        overrides={("published", "-"): {"officer": 403}},
    ),
    Route(
        "meetings.propose",
        "POST",
        _meeting("/propose"),
        {**_all(403), "officer": 200},
        scopes=MEETING_SCOPES,
        overrides={("published", "-"): {"officer": 403}},
    ),
    Route(
        "meetings.edit_item",
        "GET",
        _proposal("/edit"),
        PROPOSAL_EDIT,
        scopes=("own", "other"),
        overrides={("other", "-"): PROPOSAL_EDIT_OTHER},
    ),
    Route(
        "meetings.edit_item",
        "POST",
        _proposal("/edit"),
        PROPOSAL_EDIT,
        scopes=("own", "other"),
        overrides={("other", "-"): PROPOSAL_EDIT_OTHER},
    ),
    Route(
        "meetings.withdraw",
        "POST",
        _proposal("/withdraw"),
        WITHDRAW,
        scopes=("own", "other"),
        overrides={("other", "-"): WITHDRAW_OTHER},
    ),
    Route("meetings.decide", "POST", _proposal("/decide"), MANAGERS_302, scopes=("own", "other")),
    # An empty POST: the meeting's page with the form's messages (nothing added).
    Route("meetings.add_item", "POST", _meeting("/items"), MANAGERS_200, scopes=MEETING_SCOPES),
    Route("meetings.move", "POST", _meeting_item("/move"), MANAGERS_302, scopes=MEETING_SCOPES),
    # The drag-and-drop order: an empty order is a malformed request.
    Route(
        "meetings.reorder",
        "POST",
        _meeting("/order"),
        {**MANAGERS_302, "coordinator": 400, "city_coordinator": 400, "admin": 400},
        scopes=MEETING_SCOPES,
    ),
    Route(
        "meetings.remove_item",
        "POST",
        _meeting_item("/remove"),
        MANAGERS_302,
        scopes=MEETING_SCOPES,
    ),
    # Minutes: managers, once the agenda is published.
    Route(
        "meetings.item_minutes",
        "GET",
        _meeting_item("/minutes"),
        MANAGERS_200,
        scopes=MEETING_SCOPES,
        overrides={("draft", "-"): DRAFT_MINUTES},
    ),
    Route(
        "meetings.item_minutes",
        "POST",
        _meeting_item("/minutes"),
        MANAGERS_200,
        scopes=MEETING_SCOPES,
        overrides={("draft", "-"): DRAFT_MINUTES},
    ),
    Route(
        "meetings.add_action",
        "POST",
        _meeting_item("/actions", scope="published"),
        MANAGERS_302,
    ),
    Route(
        "meetings.action_status",
        "POST",
        lambda w, s: f"/meetings/actions/{w.action[s]}/status",
        ACTION_STATUS,
        scopes=("own", "other"),
        overrides={("other", "-"): {"officer": 403}},
    ),
    # Papers: the item's readers fetch them (another city's proposal does not exist for
    # its officers and viewers); the coordinators attach and remove.
    Route(
        "meetings.attachment",
        "GET",
        lambda w, s: f"/meetings/attachments/{w.attachment[s]}",
        LOGGED_IN_200,
        scopes=("published", "own", "other"),
        overrides={("other", "-"): {"officer": 404, "viewer": 404}},
    ),
    Route(
        "meetings.remove_attachment",
        "POST",
        lambda w, s: f"/meetings/attachments/{w.attachment[s]}/remove",
        MANAGERS_302,
        scopes=("published",),
    ),
    Route(
        "meetings.attach",
        "POST",
        _meeting_item("/attachments"),
        MANAGERS_302,
        scopes=MEETING_SCOPES,
        overrides={("draft", "-"): {"officer": 404, "viewer": 404}},
    ),
    Route(
        "meetings.read_notifications",
        "POST",
        lambda w, s: "/meetings/notifications/read",
        _all(302),
    ),
]


def _record_routes(prefix: str, key: str, arg: str, cells=RECORD_CELLS) -> list[Route]:
    def path(suffix=""):
        return lambda w, s, v=None: f"/{prefix}/{getattr(w, key)[(s, v)]}{suffix}"

    return [
        Route(f"{prefix}.index", "GET", lambda w, s: f"/{prefix}/", LOGGED_IN_200),
        # The list as a file: whoever sees the list (its rows are the list's; tested apart).
        Route(f"{prefix}.export", "GET", lambda w, s: f"/{prefix}/export.csv", LOGGED_IN_200),
        Route(f"{prefix}.new", "GET", lambda w, s: f"/{prefix}/new", CITY_WRITERS),
        Route(f"{prefix}.new", "POST", lambda w, s: f"/{prefix}/new", CITY_WRITERS),
        Route(f"{prefix}.detail", "GET", path(), record_status(200, write=False), **cells),
        Route(f"{prefix}.edit", "GET", path("/edit"), record_status(200, write=True), **cells),
        Route(f"{prefix}.edit", "POST", path("/edit"), record_status(200, write=True), **cells),
        Route(
            f"{prefix}.archive",
            "POST",
            path("/archive"),
            record_status(302, write=True),
            **cells,
        ),
        Route(
            f"{prefix}.restore",
            "POST",
            path("/restore"),
            record_status(302, write=True),
            **cells,
        ),
    ]


# Imports: a city's writers (officers, a coordinator in the city) for their own city, and
# admins for any; another city's import does not exist for them (404), nor the import pages
# for those who cannot import (viewers, a coordinator without a city).
IMPORTERS = {**_all(404), "officer": 200, "city_coordinator": 200, "admin": 200}
OWN_IMPORT = dict(
    scopes=("own", "other"),
    overrides={("other", "-"): {"officer": 404, "city_coordinator": 404}},
)


# The REST API (issue 16): a token of the acting user; without one, 401. A record answers
# as its page does (404 where the page is not found); a list holds what the user may see.
def _api_record(role: str, scope: str, visibility: str):
    return 401 if role == "anonymous" else record_status(200)(role, scope, visibility)


API_RECORDS = (
    ("contacts", "contact", RECORD_CELLS),
    ("interactions", "interaction", RECORD_CELLS),
    ("projects", "project", PROJECT_CELLS),
    ("events", "event", RECORD_CELLS),
    ("agreements", "agreement", RECORD_CELLS),
    ("expertise", "offer", RECORD_CELLS),
)
API_LIST = _all(200, anonymous=401)


def _version(key: str, record_id: int) -> int:
    """The stored version of a world record (a change is sent on the version read)."""
    from portal import kinds
    from portal.extensions import db

    kind = kinds.KINDS["expertise" if key == "offer" else key]
    return db.session.get(kind.model, record_id).version


API_ROUTES = [
    *(
        Route(
            f"api.list_{'expertise' if key == 'offer' else key}",
            "GET",
            lambda w, s, plural=plural: f"/api/v1/{plural}",
            API_LIST,
            api=True,
        )
        for plural, key, _cells in API_RECORDS
    ),
    *(
        Route(
            f"api.get_{'expertise' if key == 'offer' else key}",
            "GET",
            lambda w, s, v, plural=plural, key=key: f"/api/v1/{plural}/{getattr(w, key)[(s, v)]}",
            _api_record,
            api=True,
            **cells,
        )
        for plural, key, cells in API_RECORDS
    ),
    # Writes with a read-write token. An empty new record: its errors (422) for those who may
    # create in their city (an admin or a coordinator without a city must name one: 422 too),
    # 403 for readers. A change on the version read: as the record's page (404 hidden, 403
    # not theirs to write).
    *(
        Route(
            f"api.create_{'expertise' if key == 'offer' else key}",
            "POST",
            lambda w, s, plural=plural: f"/api/v1/{plural}",
            {**_all(422, anonymous=401), "viewer": 403},
            api=True,
        )
        for plural, key, _cells in API_RECORDS
    ),
    *(
        Route(
            f"api.update_{'expertise' if key == 'offer' else key}",
            "PATCH",
            lambda w, s, v, plural=plural, key=key: f"/api/v1/{plural}/{getattr(w, key)[(s, v)]}",
            lambda role, scope, visibility: (
                401
                if role == "anonymous"
                else record_status(200, write=True)(role, scope, visibility)
            ),
            api=True,
            data=lambda w, s, v, key=key: {"version": _version(key, getattr(w, key)[(s, v)])},
            **cells,
        )
        for plural, key, cells in API_RECORDS
    ),
    # A project's progress updates: read as the project; added (201) by the writers of the
    # lead and the partner cities, as on the project's page.
    Route(
        "api.list_project_updates",
        "GET",
        lambda w, s, v: f"/api/v1/projects/{w.project[(s, v)]}/updates",
        _api_record,
        api=True,
        **PROJECT_CELLS,
    ),
    Route(
        "api.add_project_update",
        "POST",
        lambda w, s, v: f"/api/v1/projects/{w.project[(s, v)]}/updates",
        lambda role, scope, visibility: (
            401
            if role == "anonymous"
            else record_status(201, need="contribute")(role, scope, visibility)
        ),
        api=True,
        data=lambda w, s, v: {"happened_on": "2026-11-23", "text": "Coaches met in Chongli."},
        **PROJECT_CELLS,
    ),
    Route("api.search", "GET", lambda w, s: "/api/v1/search?q=Beijing", API_LIST, api=True),
    Route("api.meetings", "GET", lambda w, s: "/api/v1/meetings", API_LIST, api=True),
    # A meeting's agenda: everyone once published; a draft only for the managers.
    Route(
        "api.meeting",
        "GET",
        lambda w, s: f"/api/v1/meetings/{w.meeting[s]}",
        lambda role, scope, visibility: (
            401
            if role == "anonymous"
            else 200
            if scope == "published"
            else {**_all(404), "coordinator": 200, "city_coordinator": 200, "admin": 200}.get(
                role, 404
            )
        ),
        scopes=MEETING_SCOPES,
        api=True,
    ),
    Route("api.list_organisation", "GET", lambda w, s: "/api/v1/organisations", API_LIST, api=True),
    Route(
        "api.get_organisation",
        "GET",
        lambda w, s: f"/api/v1/organisations/{w.organisation}",
        API_LIST,
        api=True,
    ),
    # The API's description holds no data: anyone.
    Route("api-docs.openapi_json", "GET", lambda w, s: "/api/v1/openapi.json", PUBLIC_200),
    Route("api_reference.reference", "GET", lambda w, s: "/api/v1/reference", PUBLIC_200),
    # One's own tokens (an empty POST: the form with its errors); revoking another's token:
    # admins only, for others it does not exist.
    Route("auth.api_tokens", "GET", lambda w, s: "/account/tokens", LOGGED_IN_200),
    Route("auth.api_tokens", "POST", lambda w, s: "/account/tokens", LOGGED_IN_200),
    Route(
        "auth.revoke_api_token",
        "POST",
        lambda w, s: f"/account/tokens/{w.api_token}/revoke",
        {**_all(404), "admin": 302},
    ),
]


# Data protection: the city's own holder of the right; everyone else is refused (403), and
# those without a city find no such page (404). Another city's person does not exist (404).
DPO = {**_all(403), "coordinator": 404, "admin": 404, "dpo": 200}
DPO_PERSON = dict(scopes=("own", "other"), overrides={("other", "-"): {"dpo": 404}})
PRIVACY_ROUTES = [
    Route("privacy.index", "GET", lambda w, s: "/data-protection/", DPO),
    Route("privacy.log_file", "GET", lambda w, s: "/data-protection/log.csv", DPO),
    Route("privacy.review", "GET", lambda w, s: "/data-protection/review", DPO),
    Route("privacy.processing", "GET", lambda w, s: "/data-protection/processing", DPO),
    Route("privacy.processing_pdf", "GET", lambda w, s: "/data-protection/processing.pdf", DPO),
    # Nothing ticked: the page again with the error.
    Route("privacy.review", "POST", lambda w, s: "/data-protection/review", DPO),
    *(
        Route(
            endpoint,
            "GET",
            lambda w, s, suffix=suffix: f"/data-protection/people/{w.contact[(s, 'city')]}{suffix}",
            DPO,
            **DPO_PERSON,
        )
        for endpoint, suffix in (
            ("privacy.report", ""),
            ("privacy.report_pdf", ".pdf"),
            ("privacy.report_json", ".json"),
            ("privacy.erase", "/erase"),
        )
    ),
    # Restrict without a reason: refused with a message, back to the report.
    Route(
        "privacy.restrict",
        "POST",
        lambda w, s: f"/data-protection/people/{w.contact[(s, 'city')]}/restrict",
        {**DPO, "dpo": 302},
        **DPO_PERSON,
    ),
    # Without a reason: the page again with the error, nothing erased.
    Route(
        "privacy.erase",
        "POST",
        lambda w, s: f"/data-protection/people/{w.contact[(s, 'city')]}/erase",
        DPO,
        **DPO_PERSON,
    ),
]
IMPORT_ROUTES = [
    Route("imports.index", "GET", lambda w, s: "/import/", IMPORTERS),
    # An empty upload: the form again with its errors.
    Route("imports.index", "POST", lambda w, s: "/import/", IMPORTERS),
    # An empty template holds no data: anyone logged in.
    Route("imports.template", "GET", lambda w, s: "/import/template/contacts.xlsx", LOGGED_IN_200),
    Route(
        "imports.columns",
        "GET",
        lambda w, s: f"/import/{w.import_draft[s]}/columns",
        IMPORTERS,
        **OWN_IMPORT,
    ),
    # No column chosen: the page again with the error.
    Route(
        "imports.columns",
        "POST",
        lambda w, s: f"/import/{w.import_draft[s]}/columns",
        IMPORTERS,
        **OWN_IMPORT,
    ),
    Route(
        "imports.preview",
        "GET",
        lambda w, s: f"/import/{w.import_draft[s]}/preview",
        IMPORTERS,
        **OWN_IMPORT,
    ),
    Route(
        "imports.confirm",
        "POST",
        lambda w, s: f"/import/{w.import_draft[s]}/confirm",
        {**IMPORTERS, "officer": 302, "city_coordinator": 302, "admin": 302},
        **OWN_IMPORT,
    ),
    # Undo asks first: the confirmation page (a POST without "confirmed" too).
    *(
        Route(
            "imports.undo",
            method,
            lambda w, s: f"/import/{w.import_done[s]}/undo",
            IMPORTERS,
            **OWN_IMPORT,
        )
        for method in ("GET", "POST")
    ),
]


ROUTES: list[Route] = [
    # Public pages
    Route("pages.accessibility", "GET", lambda w, s: "/accessibility", PUBLIC_200),
    Route("pages.privacy", "GET", lambda w, s: "/privacy", PUBLIC_200),
    Route("health.healthz", "GET", lambda w, s: "/healthz", PUBLIC_200),
    Route("static", "GET", lambda w, s: "/static/css/portal.css", PUBLIC_200),
    Route("auth.login", "GET", lambda w, s: "/login", {**_all(302), "anonymous": 200}),
    # An empty POST: the form answers with its error messages (200), or the role is refused.
    Route("auth.login", "POST", lambda w, s: "/login", {**_all(302), "anonymous": 200}),
    Route(
        "auth.set_password",
        "GET",
        lambda w, s: f"/set-password/{w.password_token}",
        PUBLIC_200,
    ),
    Route(
        "auth.set_password",
        "POST",
        lambda w, s: f"/set-password/{w.password_token}",
        PUBLIC_200,
    ),
    # Accounts
    Route("auth.logout", "POST", lambda w, s: "/logout", _all(302)),
    # The language switch: anyone, logged in or not, back to the page.
    Route("auth.language", "POST", lambda w, s: "/language", _all(302, anonymous=302)),
    # One's own account page (an empty POST keeps the settings as they are: saved, 302).
    Route("auth.account", "GET", lambda w, s: "/account", LOGGED_IN_200),
    Route("auth.account", "POST", lambda w, s: "/account", _all(302)),
    Route("auth.change_password", "GET", lambda w, s: "/account/password", LOGGED_IN_200),
    Route("auth.change_password", "POST", lambda w, s: "/account/password", LOGGED_IN_200),
    # Cities: public within the network, own and other alike
    Route("cities.home", "GET", lambda w, s: "/", LOGGED_IN_200),
    Route("cities.index", "GET", lambda w, s: "/cities/", LOGGED_IN_200),
    Route(
        "cities.profile",
        "GET",
        lambda w, s: f"/cities/{CITY_OF_SCOPE[s]}",
        LOGGED_IN_200,
        scopes=("own", "other"),
    ),
    # A city's whole data package: that city's own people (viewers too) and admins; not a
    # coordinator without a city, nor another city.
    Route(
        "cities.package",
        "GET",
        lambda w, s: f"/cities/{CITY_OF_SCOPE[s]}/package.xlsx",
        {**_all(403), "viewer": 200, "officer": 200, "city_coordinator": 200, "admin": 200},
        scopes=("own", "other"),
        overrides={("other", "-"): {"viewer": 403, "officer": 403, "city_coordinator": 403}},
    ),
    # The report to the mayor (private records too): the same people as the package.
    *(
        Route(
            endpoint,
            "GET",
            lambda w, s, suffix=suffix: f"/cities/{CITY_OF_SCOPE[s]}/{suffix}",
            {**_all(403), "viewer": 200, "officer": 200, "city_coordinator": 200, "admin": 200},
            scopes=("own", "other"),
            overrides={("other", "-"): {"viewer": 403, "officer": 403, "city_coordinator": 403}},
        )
        for endpoint, suffix in (("cities.report", "report"), ("cities.report_pdf", "report.pdf"))
    ),
    # Administration: admins only, whatever city the account is in
    Route("admin.users", "GET", lambda w, s: "/admin/users/", ADMIN_ONLY),
    # The mail outbox: recipients are personal data, admins only.
    Route("admin.outbox", "GET", lambda w, s: "/admin/outbox/", ADMIN_ONLY),
    # The record of processing's texts: admins (an empty POST saves empty texts: back, 302).
    Route("admin.processing", "GET", lambda w, s: "/admin/processing", ADMIN_ONLY),
    Route("admin.processing", "POST", lambda w, s: "/admin/processing", ADMIN_ONLY_REDIRECT),
    # Themes: admins keep their names in the three languages (an empty POST: the errors, 200).
    Route("admin.theme_list", "GET", lambda w, s: "/admin/themes/", ADMIN_ONLY),
    Route("admin.new_theme", "GET", lambda w, s: "/admin/themes/new", ADMIN_ONLY),
    Route("admin.new_theme", "POST", lambda w, s: "/admin/themes/new", ADMIN_ONLY),
    Route("admin.edit_theme", "GET", lambda w, s: f"/admin/themes/{w.theme_id}", ADMIN_ONLY),
    # An empty POST keeps the stored names (nothing changed): back to the list.
    Route(
        "admin.edit_theme", "POST", lambda w, s: f"/admin/themes/{w.theme_id}", ADMIN_ONLY_REDIRECT
    ),
    Route("admin.new_user", "GET", lambda w, s: "/admin/users/new", ADMIN_ONLY),
    Route("admin.new_user", "POST", lambda w, s: "/admin/users/new", ADMIN_ONLY),
    Route(
        "admin.edit_user",
        "GET",
        lambda w, s: f"/admin/users/{w.target_user[s]}",
        ADMIN_ONLY,
        scopes=("own", "other"),
    ),
    Route(
        "admin.edit_user",
        "POST",
        lambda w, s: f"/admin/users/{w.target_user[s]}",
        ADMIN_ONLY,
        scopes=("own", "other"),
    ),
    Route(
        "admin.deactivate_user",
        "POST",
        lambda w, s: f"/admin/users/{w.target_user[s]}/deactivate",
        ADMIN_ONLY,  # an admin is asked to confirm first (a page of its own)
        scopes=("own", "other"),
    ),
    Route(
        "admin.reactivate_user",
        "POST",
        lambda w, s: f"/admin/users/{w.target_user[s]}/reactivate",
        ADMIN_ONLY_REDIRECT,
        scopes=("own", "other"),
    ),
    Route(
        "admin.password_link",
        "POST",
        lambda w, s: f"/admin/users/{w.target_user[s]}/password-link",
        ADMIN_ONLY,
        scopes=("own", "other"),
    ),
    # City records: contacts and interactions
    *_record_routes("contacts", "contact", "contact_id"),
    *_record_routes("interactions", "interaction", "interaction_id"),
    # City records II: projects (with partner cities), events, agreements, expertise
    *_record_routes("projects", "project", "project_id", PROJECT_CELLS),
    Route(
        "projects.add_update",
        "POST",
        lambda w, s, v: f"/projects/{w.project[(s, v)]}/updates",
        record_status(200, need="contribute"),
        **PROJECT_CELLS,
    ),
    *_record_routes("events", "event", "event_id"),
    Route(
        "events.ical",
        "GET",
        lambda w, s, v: f"/events/{w.event[(s, v)]}/event.ics",
        record_status(200),
        **RECORD_CELLS,
    ),
    Route("events.calendar", "GET", lambda w, s: "/events/calendar", LOGGED_IN_200),
    Route("events.feeds", "GET", lambda w, s: "/events/feeds", LOGGED_IN_200),
    Route("events.new_feed", "POST", lambda w, s: "/events/feeds/new", LOGGED_IN_200),
    Route("events.revoke_feeds", "POST", lambda w, s: "/events/feeds/revoke", _all(302)),
    # The feed answers to its secret token, not to a login: the same for everyone.
    Route("events.feed", "GET", lambda w, s: f"/calendar/{w.feed_token}/network.ics", PUBLIC_200),
    *_record_routes("agreements", "agreement", "agreement_id"),
    Route(
        "agreements.document",
        "GET",
        lambda w, s, v: f"/agreements/{w.agreement[(s, v)]}/document",
        record_status(200),
        **RECORD_CELLS,
    ),
    Route(
        "agreements.plan",
        "GET",
        lambda w, s, v: f"/agreements/{w.agreement[(s, v)]}/plan",
        record_status(200, write=True),
        **RECORD_CELLS,
    ),
    Route(
        "agreements.plan",
        "POST",
        lambda w, s, v: f"/agreements/{w.agreement[(s, v)]}/plan",
        record_status(200, write=True),
        **RECORD_CELLS,
    ),
    # Recording a review as done: writers of the agreement's city (an empty POST: the
    # errors by their fields, 200).
    Route(
        "agreements.follow_up",
        "GET",
        lambda w, s, v: f"/agreements/{w.agreement[(s, v)]}/follow-up/review",
        record_status(200, write=True),
        **RECORD_CELLS,
    ),
    Route(
        "agreements.follow_up",
        "POST",
        lambda w, s, v: f"/agreements/{w.agreement[(s, v)]}/follow-up/review",
        record_status(200, write=True),
        **RECORD_CELLS,
    ),
    Route("agreements.due", "GET", lambda w, s: "/agreements/due", LOGGED_IN_200),
    *_record_routes("expertise", "offer", "offer_id"),
    Route("search.results", "GET", lambda w, s: "/search?q=beijing", LOGGED_IN_200),
    Route("search.export", "GET", lambda w, s: "/search/export.csv?q=beijing", LOGGED_IN_200),
    Route("places.detail", "GET", lambda w, s: "/places/beijing", LOGGED_IN_200),
    Route("overview.index", "GET", lambda w, s: "/overview", LOGGED_IN_200),
    # The organisation registry is network-wide
    Route("organisations.index", "GET", lambda w, s: "/organisations/", LOGGED_IN_200),
    Route("organisations.export", "GET", lambda w, s: "/organisations/export.csv", LOGGED_IN_200),
    Route("organisations.lookup", "GET", lambda w, s: "/organisations/lookup?q=bei", LOGGED_IN_200),
    Route("contacts.lookup", "GET", lambda w, s: "/contacts/lookup?q=wang", LOGGED_IN_200),
    Route(
        "organisations.suggest",
        "GET",
        lambda w, s: "/organisations/suggest?name_en=bei",
        LOGGED_IN_200,
    ),
    Route(
        "organisations.detail",
        "GET",
        lambda w, s: f"/organisations/{w.organisation}",
        LOGGED_IN_200,
    ),
    Route("organisations.new", "GET", lambda w, s: "/organisations/new", ORGANISATION_EDITORS),
    Route("organisations.new", "POST", lambda w, s: "/organisations/new", ORGANISATION_EDITORS),
    Route(
        "organisations.edit",
        "GET",
        lambda w, s: f"/organisations/{w.organisation}/edit",
        ORGANISATION_EDITORS,
    ),
    Route(
        "organisations.edit",
        "POST",
        lambda w, s: f"/organisations/{w.organisation}/edit",
        ORGANISATION_EDITORS,
    ),
    Route(
        "organisations.merge",
        "GET",
        lambda w, s: f"/organisations/{w.organisation}/merge",
        ORGANISATION_KEEPERS,
    ),
    Route(
        "organisations.merge",
        "POST",
        lambda w, s: f"/organisations/{w.organisation}/merge",
        ORGANISATION_KEEPERS,
    ),
    Route(
        "organisations.archive",
        "POST",
        lambda w, s: f"/organisations/{w.organisation}/archive",
        {**ORGANISATION_KEEPERS, "coordinator": 302, "city_coordinator": 302, "admin": 302},
    ),
    Route(
        "organisations.restore",
        "POST",
        lambda w, s: f"/organisations/{w.organisation}/restore",
        {**ORGANISATION_KEEPERS, "coordinator": 302, "city_coordinator": 302, "admin": 302},
    ),
    *MEETING_ROUTES,
    *IMPORT_ROUTES,
    *PRIVACY_ROUTES,
    *API_ROUTES,
]


def cases():
    for route in ROUTES:
        for role in ROLES:
            for scope in route.scopes:
                for visibility in route.visibilities:
                    yield route, role, scope, visibility

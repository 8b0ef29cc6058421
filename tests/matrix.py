"""The permission matrix: every route, every role, own and other city (and, for city-owned
records, private and shared), with the status each must answer.

Later modules add their rows to ROUTES. test_route_matrix.py runs every row and fails when
the app has a route that no row covers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = ("anonymous", "viewer", "officer", "coordinator", "city_coordinator", "admin")
# Where each acting role sits: "own" targets are in Helsinki, "other" targets in Espoo.
ROLE_CITY = {
    "viewer": "helsinki",
    "officer": "helsinki",
    "coordinator": None,
    "city_coordinator": "helsinki",
    "admin": None,
}
CITY_OF_SCOPE = {"own": "helsinki", "other": "espoo"}

LOGIN = "login"  # expected: a redirect to the login page


def _all(status, anonymous=LOGIN) -> dict[str, object]:
    return {role: (anonymous if role == "anonymous" else status) for role in ROLES}


LOGGED_IN_200 = _all(200)
PUBLIC_200 = _all(200, anonymous=200)
ADMIN_ONLY = {**_all(403), "admin": 200}
ADMIN_ONLY_REDIRECT = {**_all(403), "admin": 302}


@dataclass
class Route:
    endpoint: str
    method: str
    # Builds the path from the world (see test_route_matrix.World) and the scope.
    path: Callable[[object, str], str]
    expect: dict[str, object]
    scopes: tuple[str, ...] = ("-",)
    visibilities: tuple[str, ...] = ("-",)
    data: dict = field(default_factory=dict)
    # Expectations that differ by scope or visibility: {(scope, visibility): {role: status}}
    overrides: dict = field(default_factory=dict)

    def expected(self, role: str, scope: str, visibility: str):
        return self.overrides.get((scope, visibility), {}).get(role, self.expect[role])


ROUTES: list[Route] = [
    # Public pages
    Route("pages.accessibility", "GET", lambda w, s: "/accessibility", PUBLIC_200),
    Route("pages.privacy", "GET", lambda w, s: "/privacy", PUBLIC_200),
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
    # Administration: admins only, whatever city the account is in
    Route("admin.users", "GET", lambda w, s: "/admin/users/", ADMIN_ONLY),
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
        ADMIN_ONLY_REDIRECT,
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
]


def cases():
    for route in ROUTES:
        for role in ROLES:
            for scope in route.scopes:
                for visibility in route.visibilities:
                    yield route, role, scope, visibility

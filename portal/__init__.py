"""C21 China Network Portal: the application factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, has_request_context, request, session
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from portal import database, input_safety, request_log, translations
from portal.config import build_config
from portal.database import configure_engine, write_intent
from portal.extensions import babel, csrf, db, login_manager, migrate
from portal.input_safety import without_control_characters
from portal.request_info import client_address
from portal.security import headers
from portal.security.sessions import load_session_user

# The only pages anyone may open without logging in (DESIGN.md section 1).
PUBLIC_ENDPOINTS = frozenset(
    {
        "auth.language",  # the language switch, also on the login page
        "auth.login",
        "auth.set_password",
        "events.feed",  # calendar clients cannot log in: the secret token is the key
        "health.healthz",  # load balancers and monitoring cannot log in; it holds no data
        "pages.accessibility",
        "pages.privacy",
        "api_reference.reference",  # the API's description: no data
        "static",
    }
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# POSTs that read for a while before they write, and say when they start writing
# (portal.database.begin_write): the rest take SQLite's write lock from their start.
READS_FIRST = frozenset({"auth.login", "imports.confirm"})


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(build_config(Path(app.instance_path), config))
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith(("postgresql://", "postgres://")):
        # psycopg 3 is the driver we ship; plain postgresql:// URLs would ask for psycopg2.
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("sqlite:///") and app.config["PORTAL_ENV"] != "testing":
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config["TRUSTED_PROXIES"]:
        # Flask's documented way of wrapping the WSGI app.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"], x_proto=1
        )

    import portal.models  # noqa: F401  (register every model with the metadata)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    babel.domain_instance = translations.KeptDomain()  # the code's gettext, kept per request
    login_manager.init_app(app)
    login_manager.user_loader(load_session_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page explains itself
    login_manager.session_protection = None  # sessions are checked server-side instead
    with app.app_context():
        configure_engine(db.engine, random_page_cost=app.config["PG_RANDOM_PAGE_COST"])
    from sqlalchemy.orm import Session

    from portal.search import index as search_index

    search_index.install(Session)
    input_safety.install(Session)
    # Ids in URLs are database integers: a larger number is simply not found (404), never
    # an overflow in the database driver.
    app.url_map.converters["int"] = BoundedIntegerConverter

    _register_blueprints(app)
    from portal import api

    api.init_app(app)
    request_log.init_app(app)  # first, so that its clock starts before any other hook
    _register_request_hooks(app)
    input_safety.init_app(app)
    database.init_app(app, db)
    headers.init_app(app)
    from portal.errors import register_error_handlers

    register_error_handlers(app)
    from portal.cli import register_commands

    register_commands(app)
    from portal import templating

    templating.init_app(app)
    return app


class BoundedIntegerConverter(IntegerConverter):
    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", input_safety.INT_MAX)
        super().__init__(url_map, *args, **kwargs)


def _register_blueprints(app: Flask) -> None:
    from portal.admin import bp as admin_bp
    from portal.agreements import bp as agreements_bp
    from portal.auth import bp as auth_bp
    from portal.cities import bp as cities_bp
    from portal.contacts import bp as contacts_bp
    from portal.events import bp as events_bp
    from portal.expertise import bp as expertise_bp
    from portal.health import bp as health_bp
    from portal.imports import bp as imports_bp
    from portal.interactions import bp as interactions_bp
    from portal.meetings import bp as meetings_bp
    from portal.organisations import bp as organisations_bp
    from portal.overview import bp as overview_bp
    from portal.pages import bp as pages_bp
    from portal.places import bp as places_bp
    from portal.privacy import bp as privacy_bp
    from portal.projects import bp as projects_bp
    from portal.search.views import bp as search_bp

    for blueprint in (
        auth_bp,
        cities_bp,
        admin_bp,
        pages_bp,
        contacts_bp,
        interactions_bp,
        organisations_bp,
        projects_bp,
        events_bp,
        agreements_bp,
        expertise_bp,
        search_bp,
        places_bp,
        overview_bp,
        meetings_bp,
        health_bp,
        imports_bp,
        privacy_bp,
    ):
        app.register_blueprint(blueprint)


def _register_request_hooks(app: Flask) -> None:
    @app.before_request
    def _request_context():
        write_intent.set(request.method not in SAFE_METHODS and request.endpoint not in READS_FIRST)
        client_address.set(without_control_characters(request.remote_addr or "")[:45])

    @app.before_request
    def _require_login():
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        # The API authenticates by token, not by the session (portal.api).
        if request.endpoint.startswith(("api.", "api-docs.")):
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return None

    @app.teardown_request
    def _reset(_exc):
        write_intent.set(False)


def _select_locale() -> str:
    from portal.i18n import available_locales, default_locale

    if not has_request_context():
        return "en"  # command line: messages in the source language
    available = available_locales()
    if current_user and current_user.is_authenticated and current_user.locale in available:
        return current_user.locale
    chosen = session.get("lang")  # the header's switch, before logging in
    if chosen in available:
        return chosen
    # Then the browser's languages, then Finnish, the language of most users.
    return request.accept_languages.best_match(available) or default_locale()

"""Settings from the environment, with development, testing and production variants.

Every setting can be given as an environment variable named ``PORTAL_<NAME>``; see README.md.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path


class ConfigError(RuntimeError):
    """The configuration is unusable (for example production without a secret key)."""


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"PORTAL_{name}", default)


def _env_int(name: str, default: int) -> int:
    value = _env(name)
    return int(value) if value not in (None, "") else default


def _dev_secret_key(instance_path: Path) -> str:
    """A random key kept in instance/ so that development sessions survive restarts."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def build_config(instance_path: Path, overrides: dict | None = None) -> dict:
    """The configuration for the environment named by PORTAL_ENV (development by default)."""
    overrides = dict(overrides or {})
    env = overrides.get("PORTAL_ENV") or _env("ENV", "development")
    if env not in ("development", "production", "testing"):
        raise ConfigError(f"PORTAL_ENV must be development, production or testing, not {env!r}")
    production = env == "production"

    database_url = _env("DATABASE_URL") or f"sqlite:///{instance_path / 'portal.db'}"
    secret_key = _env("SECRET_KEY")
    if not secret_key and not production and "SECRET_KEY" not in overrides:
        secret_key = _dev_secret_key(instance_path)

    config = {
        "PORTAL_ENV": env,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # On PostgreSQL, the planner's price of a random page read for the portal's
        # connections (empty: the server's own setting). See portal/database.py.
        "PG_RANDOM_PAGE_COST": _env("PG_RANDOM_PAGE_COST", "1.1"),
        # Sessions: the cookie only carries a reference to a server-side session record.
        "SESSION_COOKIE_NAME": "c21_session",
        # The interface language for a visitor whose browser asks for none we have.
        "DEFAULT_LOCALE": _env("DEFAULT_LOCALE", "fi"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": production,
        "SESSION_IDLE_MINUTES": _env_int("SESSION_IDLE_MINUTES", 60),
        "SESSION_MAX_HOURS": _env_int("SESSION_MAX_HOURS", 12),
        # Login throttling: failures per account or per address within the window.
        "LOGIN_MAX_FAILURES": _env_int("LOGIN_MAX_FAILURES", 10),
        "LOGIN_WINDOW_MINUTES": _env_int("LOGIN_WINDOW_MINUTES", 15),
        "PASSWORD_LINK_HOURS": _env_int("PASSWORD_LINK_HOURS", 72),
        # Argon2id parameters (RFC 9106 "second recommended" option by default).
        "ARGON2_TIME_COST": _env_int("ARGON2_TIME_COST", 3),
        "ARGON2_MEMORY_KIB": _env_int("ARGON2_MEMORY_KIB", 65536),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Helsinki",
        "PER_PAGE": 50,
        # Uploads: documents are at most 10 MB (checked by the service); a larger request
        # is cut off before it is read.
        "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
        "DOCUMENT_MAX_BYTES": 10 * 1024 * 1024,
        "UPLOAD_FOLDER": _env("UPLOAD_FOLDER") or str(instance_path / "uploads"),
        # Behind a proxy, how many proxies to trust for the client address (X-Forwarded-For).
        "TRUSTED_PROXIES": _env_int("TRUSTED_PROXIES", 0),
        # Mail: notifications go through this SMTP server when set, else to the log.
        "PORTAL_SMTP_HOST": _env("SMTP_HOST"),
        "PORTAL_SMTP_PORT": _env_int("SMTP_PORT", 25),
        "PORTAL_MAIL_FROM": _env("MAIL_FROM", "c21-portal@localhost"),
        "PORTAL_BASE_URL": _env("BASE_URL", "http://127.0.0.1:5000"),
        # Where the accessibility statement tells people to write (comma-separated
        # addresses); without it, the active administrators' addresses.
        "PORTAL_ACCESSIBILITY_FEEDBACK": _env("ACCESSIBILITY_FEEDBACK"),
        # Agenda attachments: PDF and office documents up to this size.
        "ATTACHMENT_MAX_BYTES": 10 * 1024 * 1024,
        # How long the personal data access log keeps an entry (issue 13).
        "PERSONAL_DATA_LOG_DAYS": _env_int("PERSONAL_DATA_LOG_DAYS", 730),
        # A spreadsheet to import: at most this large (and 5,000 rows).
        "IMPORT_MAX_BYTES": _env_int("IMPORT_MAX_MB", 5) * 1024 * 1024,
        # Requests a minute one API token may make, per process (issue 16).
        "API_RATE_PER_MINUTE": _env_int("API_RATE_PER_MINUTE", 120),
        # Zip-based documents (Word, Excel, OpenDocument) are unpacked once, into nothing,
        # before they are kept: at most this much in all, and no part packed more tightly
        # than this ratio (a zip bomb is refused in bounded memory).
        "UPLOAD_MAX_UNZIPPED_BYTES": _env_int("UPLOAD_MAX_UNZIPPED_MB", 256) * 1024 * 1024,
        "UPLOAD_MAX_ZIP_RATIO": _env_int("UPLOAD_MAX_ZIP_RATIO", 100),
        # Where pg_dump and pg_restore are, for backups of a PostgreSQL database (default: the
        # PATH, then /usr/lib/postgresql/*/bin).
        "PG_BIN": _env("PG_BIN"),
        # One JSON line per request on standard error (see portal/request_log.py).
        "REQUEST_LOG": _env("REQUEST_LOG", "0" if env == "testing" else "1") == "1",
        "TESTING": env == "testing",
        "DEBUG": False,
    }
    if env == "testing":
        # Cheap hashes keep the suite fast; production parameters are tested separately.
        config.update(ARGON2_TIME_COST=1, ARGON2_MEMORY_KIB=1024)
    config.update(overrides)
    cost = str(config["PG_RANDOM_PAGE_COST"] or "")
    if cost and not re.fullmatch(r"\d{1,3}(\.\d{1,3})?", cost):
        raise ConfigError(f"PORTAL_PG_RANDOM_PAGE_COST must be a number like 1.1, not {cost!r}")
    if not config["SECRET_KEY"]:
        raise ConfigError(
            "PORTAL_SECRET_KEY must be set in production: "
            'python3 -c "import secrets; print(secrets.token_urlsafe(48))"'
        )
    return config

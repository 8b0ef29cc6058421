"""Personal access tokens for the REST API (issue 16). A user makes named tokens on their
account page, read-only or read-write, valid for at most a year; the token is shown once and
only its hash is kept. A token acts as its user with no more rights; it stops working when
revoked, expired, or when the account is deactivated or changes role or city. Admins see and
revoke every token."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.database import after_request_write
from portal.extensions import db
from portal.models.accounts import User
from portal.models.api import ApiToken
from portal.security.permissions import ensure
from portal.services import audit
from portal.services.errors import NotFound, ValidationError
from portal.timeutil import utcnow

MAX_DAYS = 365
PREFIX = "c21_"  # tells a portal token apart in a configuration file or a leaked log


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


@dataclass
class Issued:
    token: ApiToken
    secret: str  # shown to the user once, never stored


def create(actor: User, *, name: str, writes: bool, days: int) -> Issued:
    """A new token of ``actor``'s own. Raises ValidationError naming the bad field."""
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = str(_l("Name the token after the system that uses it."))
    elif len(name) > 80:
        errors["name"] = str(_l("Use at most %(n)d characters.", n=80))
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        errors["days"] = str(_l("Choose a validity of 1 to %(n)d days.", n=MAX_DAYS))
    if errors:
        raise ValidationError(errors)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=actor.id,
        name=name,
        token_hash=_hash(secret),
        writes=bool(writes),
        expires_at=utcnow() + timedelta(days=days),
        role=actor.role,
        city_id=actor.city_id,
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        actor,
        "api_token.create",
        obj=token,
        changes={"name": [None, name], "writes": [None, bool(writes)], "days": [None, days]},
    )
    return Issued(token, secret)


def tokens_of(actor: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == actor.id).order_by(ApiToken.id.desc())
        )
    )


def all_tokens(actor: User) -> list[ApiToken]:
    """Every user's tokens, for the admins."""
    ensure(actor, "users.manage")
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id.desc()).limit(1000)))


def revoke(actor: User, token_id: int) -> ApiToken:
    """Revoke a token: its owner, or an admin."""
    token = db.session.get(ApiToken, token_id)
    if token is None or (token.user_id != actor.id and actor.role != "admin"):
        raise NotFound()
    if token.user_id != actor.id:
        ensure(actor, "users.manage")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
        audit.record(actor, "api_token.revoke", obj=token, detail=token.name)
    return token


def is_live(token: ApiToken, now: datetime | None = None) -> bool:
    user = token.user
    now = now or utcnow()
    expires = _aware(token.expires_at)
    return bool(
        token.revoked_at is None
        and expires is not None
        and expires > now
        and user is not None
        and user.active
        and user.role == token.role
        and user.city_id == token.city_id
    )


def authenticate(secret: str) -> ApiToken | None:
    """The live token behind ``secret`` (its last use noted, at most once a minute), or
    None."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(secret)))
    if token is None or not is_live(token):
        return None
    last = _aware(token.last_used_at)
    if last is None or utcnow() - last > timedelta(minutes=1):
        token_id = token.id

        def note_use() -> None:
            used = db.session.get(ApiToken, token_id)
            if used is not None:
                used.last_used_at = utcnow()

        after_request_write(note_use)
    return token

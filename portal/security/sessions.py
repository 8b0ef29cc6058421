"""Server-side session records behind Flask-Login.

The signed Flask cookie carries the user id and a random session token; the database keeps
the token's SHA-256 with the session's start and last activity. A session is valid only while
its record is open, the user is active and neither the idle timeout nor the absolute lifetime
has passed, so logout, deactivation and a password change end it everywhere at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, session
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from portal.database import after_request_write, rows_matched
from portal.extensions import db
from portal.input_safety import parse_id, without_control_characters
from portal.models.accounts import User, UserSession
from portal.timeutil import utcnow

SESSION_TOKEN_KEY = "sid"  # noqa: S105 (a key name, not a secret)
# How stale last_seen may get before a request refreshes it: one write a minute, not one
# per request.
TOUCH_EVERY = timedelta(seconds=60)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, *, ip: str, user_agent: str) -> str:
    """Open a session record for ``user`` and return the token for the cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            token_hash=token_hash(token),
            user_id=user.id,
            ip=without_control_characters(ip)[:45],
            user_agent=without_control_characters(user_agent)[:300],
        )
    )
    db.session.flush()
    return token


def end_session(token: str | None) -> None:
    if not token:
        return
    db.session.execute(
        update(UserSession)
        .where(UserSession.token_hash == token_hash(token), UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def end_all_sessions(user: User) -> int:
    """End every open session of ``user``; returns how many were open."""
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    return rows_matched(result)


def load_session_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the user of the current cookie if its session is valid."""
    token = session.get(SESSION_TOKEN_KEY)
    if not token or parse_id(user_id) is None:
        return None
    row = db.session.execute(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(
            UserSession.token_hash == token_hash(token),
            UserSession.ended_at.is_(None),
            User.id == int(user_id),
            User.active.is_(True),
        )
        # The header shows the user's city on every page: load it with the user.
        .options(joinedload(User.city))
    ).first()
    if row is None:
        return None
    user_session, user = row
    now = utcnow()
    config = current_app.config
    idle = timedelta(minutes=config["SESSION_IDLE_MINUTES"])
    lifetime = timedelta(hours=config["SESSION_MAX_HOURS"])
    expired = now - user_session.last_seen_at > idle or now - user_session.created_at > lifetime
    if expired or now - user_session.last_seen_at > TOUCH_EVERY:
        values = {"ended_at": now} if expired else {"last_seen_at": now}
        session_id = user_session.id
        # After the request, never on a second connection beside the request's own (which
        # may hold SQLite's write lock): see portal.database.
        after_request_write(
            lambda: db.session.execute(
                update(UserSession).where(UserSession.id == session_id).values(**values)
            )
        )
    return None if expired else user

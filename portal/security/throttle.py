"""Login throttling, counted in the database so that it holds across worker processes.

After LOGIN_MAX_FAILURES failed attempts within LOGIN_WINDOW_MINUTES for one account, or from
one address, further attempts are refused (429) until the oldest failures leave the window.
Refused attempts are not counted, so the lock always ends by itself.

So that nobody can lock a colleague out by typing wrong passwords at their account, a browser
that has logged in to the account successfully before carries a signed device cookie; its
attempts are counted per device instead of per account (OWASP "device cookies").
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select

from portal.extensions import db
from portal.models.accounts import LoginAttempt
from portal.timeutil import utcnow

DEVICE_COOKIE = "c21_device"
DEVICE_COOKIE_MAX_AGE = 365 * 24 * 3600


@dataclass(frozen=True)
class Device:
    """A device cookie that is valid for the account being logged in to."""

    id: str


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="c21-device")


def new_device_cookie(email: str) -> str:
    return _serializer().dumps({"e": email, "d": secrets.token_hex(16)})


def trusted_device(cookie: str | None, email: str) -> Device | None:
    if not cookie:
        return None
    try:
        data = _serializer().loads(cookie)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("e") != email or not data.get("d"):
        return None
    return Device(id=str(data["d"])[:64])


def _failures(*conditions) -> int:
    window = timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    return db.session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.success.is_(False), LoginAttempt.at >= utcnow() - window, *conditions)
    )


def _last_success(email: str):
    return db.session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.email == email, LoginAttempt.success.is_(True)
        )
    )


def is_throttled(email: str, ip: str, device: Device | None) -> bool:
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    if _failures(LoginAttempt.ip == ip) >= limit:
        return True
    if device is not None:
        return _failures(LoginAttempt.device == device.id) >= limit
    conditions = [LoginAttempt.email == email]
    last_success = _last_success(email)
    if last_success is not None:
        # A correct password clears the slate for the account.
        conditions.append(LoginAttempt.at > last_success)
    return _failures(*conditions) >= limit


def record_attempt(email: str, ip: str, device: Device | None, *, success: bool) -> None:
    db.session.add(
        LoginAttempt(email=email, ip=ip, device=device.id if device else None, success=success)
    )

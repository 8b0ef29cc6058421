"""Login throttling, counted in the database so that it holds across worker processes.

After LOGIN_MAX_FAILURES failed attempts within LOGIN_WINDOW_MINUTES for one account, or from
one address, further attempts are refused (429) until the oldest failures leave the window.
Refused attempts are not counted, so the lock always ends by itself.

Nobody can lock a colleague out (OWASP "device cookies"):
- a browser that has logged in to the account before carries a signed device cookie; its
  attempts are counted per device only, never per account or per address;
- the address lock (against one machine trying many accounts) does not apply to an account
  that has logged in successfully from that address before: colleagues behind the city
  hall's one public address keep logging in while someone there mistypes, or sprays.
The device cookie names nobody: it holds a random device id and a keyed hash of the e-mail
address, which only the server can compute.
"""

from __future__ import annotations

import hashlib
import hmac
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


def _account_key(email: str) -> str:
    """A keyed hash of the e-mail address: ties a cookie to an account without naming it."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"c21-device-account:" + email.encode(), hashlib.sha256).hexdigest()[:32]


def new_device_cookie(email: str) -> str:
    return _serializer().dumps({"a": _account_key(email), "d": secrets.token_hex(16)})


def trusted_device(cookie: str | None, email: str) -> Device | None:
    if not cookie:
        return None
    try:
        data = _serializer().loads(cookie)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not data.get("d"):
        return None
    if not hmac.compare_digest(str(data.get("a", "")), _account_key(email)):
        return None
    return Device(id=str(data["d"])[:64])


def _failures(*conditions) -> int:
    window = timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    return (
        db.session.scalar(
            select(func.count())
            .select_from(LoginAttempt)
            .where(
                LoginAttempt.success.is_(False), LoginAttempt.at >= utcnow() - window, *conditions
            )
        )
        or 0
    )


def _last_success(email: str):
    return db.session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.email == email, LoginAttempt.success.is_(True)
        )
    )


def _known_here(email: str, ip: str) -> bool:
    """Has the account logged in successfully from this address before?"""
    return (
        db.session.scalar(
            select(LoginAttempt.id)
            .where(
                LoginAttempt.email == email,
                LoginAttempt.ip == ip,
                LoginAttempt.success.is_(True),
            )
            .limit(1)
        )
        is not None
    )


def is_throttled(email: str, ip: str, device: Device | None) -> bool:
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    if device is not None:
        # A known browser: only its own failures count (see the module's description).
        return _failures(LoginAttempt.device == device.id) >= limit
    if _failures(LoginAttempt.ip == ip) >= limit and not _known_here(email, ip):
        return True
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

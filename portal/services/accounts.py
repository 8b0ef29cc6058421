"""Account use cases: creating and editing users, passwords, logging in and out."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from email_validator import EmailNotValidError
from email_validator import validate_email as _validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.database import begin_write
from portal.extensions import db
from portal.models.accounts import PasswordSetToken, Role, User
from portal.models.reference import City
from portal.security import sessions, throttle
from portal.security.passwords import (
    burn_time,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from portal.security.permissions import ensure
from portal.services import audit
from portal.services.errors import NotFound, StaleEdit, ValidationError
from portal.timeutil import utcnow

LOCALES = ("en", "fi", "sv")
CITY_ROLES = (Role.OFFICER, Role.VIEWER)


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def _check_manager(actor: User | None) -> None:
    """Admins manage accounts; so does the operator at the command line (actor None)."""
    if actor is not None:
        ensure(actor, "users.manage")


def _clean_account_fields(
    *,
    email: str,
    name: str,
    role: str,
    city: City | None,
    locale: str | None,
    user_id=None,
    data_protection: bool = False,
) -> dict:
    """Validate the editable account fields; raise ValidationError with every problem."""
    errors: dict[str, str] = {}
    email = normalize_email(email)
    try:
        _validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        errors["email"] = str(_l("Enter an e-mail address in the form name@example.fi."))
    else:
        taken = db.session.scalar(
            select(User.id).where(func.lower(User.email) == email, User.id != (user_id or 0))
        )
        if taken:
            errors["email"] = str(_l("Another account already uses this e-mail address."))
    name = (name or "").strip()
    if not name:
        errors["name"] = str(_l("Enter the person's name."))
    elif len(name) > 120:
        errors["name"] = str(_l("Use at most 120 characters."))
    if role not in set(Role):
        errors["role"] = str(_l("Choose a role."))
    elif role in CITY_ROLES and city is None:
        errors["city"] = str(_l("Officers and viewers belong to a city: choose one."))
    elif role == Role.ADMIN and city is not None:
        errors["city"] = str(_l("Administrators belong to no city: choose no city."))
    if locale not in (None, "", *LOCALES):
        errors["locale"] = str(_l("Choose a language."))
    if data_protection and (city is None or role not in (Role.OFFICER, Role.COORDINATOR)):
        errors["data_protection"] = str(
            _l("Only an officer or a coordinator of a city can have the data protection right.")
        )
    if errors:
        raise ValidationError(errors)
    return {
        "email": email,
        "name": name,
        "role": Role(role).value,
        "city_id": city.id if city else None,
        "locale": locale or None,
        "data_protection": bool(data_protection),
    }


def create_user(
    actor: User | None,
    *,
    email: str,
    name: str,
    role: str,
    city: City | None = None,
    locale: str | None = "fi",
    password: str | None = None,
    data_protection: bool = False,
) -> User:
    """Create an account. Admins (or the operator at the command line, actor None) only.

    Without a password the account cannot log in until its user sets one through a one-time
    link. Raises Forbidden, or ValidationError naming each bad field.
    """
    _check_manager(actor)
    values = _clean_account_fields(
        email=email,
        name=name,
        role=role,
        city=city,
        locale=locale,
        data_protection=data_protection,
    )
    if password is not None:
        problem = password_problem(password, email=values["email"], name=values["name"])
        if problem:
            raise ValidationError({"password": problem})
    user = User(**values, active=True)
    if password is not None:
        user.password_hash = hash_password(password)
        user.password_changed_at = utcnow()
    db.session.add(user)
    db.session.flush()
    audit.record(
        actor,
        "user.create",
        obj=user,
        city_id=user.city_id,
        changes={k: [None, v] for k, v in values.items()},
    )
    return user


def _active_admins() -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active)
        )
        or 0
    )


def update_user(
    actor: User | None,
    user: User,
    *,
    expected_version: int,
    email: str,
    name: str,
    role: str,
    city: City | None,
    locale: str | None,
    data_protection: bool = False,
) -> dict:
    """Change an account's e-mail, name, role, city, language or data protection right;
    returns what changed.

    Admins only. Raises StaleEdit when the account changed since ``expected_version`` was
    read, ValidationError for bad input and when the change would leave no active admin,
    or an admin would take away their own admin role.
    """
    _check_manager(actor)
    if user.version != expected_version:
        raise StaleEdit(user)
    values = _clean_account_fields(
        email=email,
        name=name,
        role=role,
        city=city,
        locale=locale,
        user_id=user.id,
        data_protection=data_protection,
    )
    if user.role == Role.ADMIN and values["role"] != Role.ADMIN:
        if actor is not None and actor.id == user.id:
            raise ValidationError({"role": str(_l("You cannot take away your own admin role."))})
        if user.active and _active_admins() <= 1:
            raise ValidationError({"role": str(_l("The portal must keep an active admin."))})
    changes = audit.diff(user, values)
    if changes:
        for field, value in values.items():
            setattr(user, field, value)
        db.session.flush()
        audit.record(actor, "user.update", obj=user, city_id=user.city_id, changes=changes)
    return changes


def set_user_active(actor: User | None, user: User, active: bool) -> None:
    """Deactivate or reactivate an account. Deactivation ends all its sessions at once.

    Admins only; nobody deactivates their own account or the last active admin.
    """
    _check_manager(actor)
    if user.active == active:
        return
    if not active:
        if actor is not None and actor.id == user.id:
            raise ValidationError({"": str(_l("You cannot deactivate your own account."))})
        if user.role == Role.ADMIN and _active_admins() <= 1:
            raise ValidationError({"": str(_l("The portal must keep an active admin."))})
        sessions.end_all_sessions(user)
    user.active = active
    db.session.flush()
    audit.record(
        actor,
        "user.reactivate" if active else "user.deactivate",
        obj=user,
        city_id=user.city_id,
        changes={"active": [not active, active]},
    )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_password_link(actor: User | None, user: User) -> str:
    """Create a one-time password-set token for ``user`` and return it (shown once).

    Admins only. Any earlier unused link of the user stops working.
    """
    _check_manager(actor)
    now = utcnow()
    for old in db.session.scalars(
        select(PasswordSetToken).where(
            PasswordSetToken.user_id == user.id, PasswordSetToken.used_at.is_(None)
        )
    ):
        old.used_at = now
    token = secrets.token_urlsafe(32)
    hours = current_app.config["PASSWORD_LINK_HOURS"]
    db.session.add(
        PasswordSetToken(
            token_hash=_token_hash(token),
            user_id=user.id,
            created_by_id=getattr(actor, "id", None),
            expires_at=now + timedelta(hours=hours),
        )
    )
    db.session.flush()
    audit.record(actor, "user.password_link", obj=user, city_id=user.city_id)
    return token


def password_link(token: str) -> PasswordSetToken | None:
    """The unused, unexpired link for ``token`` whose user is active, or None."""
    link = db.session.scalar(
        select(PasswordSetToken).where(PasswordSetToken.token_hash == _token_hash(token))
    )
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        return None
    if not link.user.active:
        return None
    return link


def set_password_from_link(token: str, password: str) -> User:
    """Set a password through a one-time link; the link is spent and old sessions end.

    Anyone holding the link may call it. Raises ValidationError for a bad or used link
    (field "") or a weak password (field "new_password").
    """
    link = password_link(token)
    if link is None:
        raise ValidationError({"": str(_l("This link is not valid any more. Ask an admin."))})
    user = link.user
    _store_password(user, password)
    link.used_at = utcnow()
    db.session.flush()
    audit.record(user, "user.password_set", obj=user, changes={"password": ["***", "***"]})
    return user


def _store_password(user: User, password: str) -> None:
    problem = password_problem(password, email=user.email, name=user.name)
    if problem:
        raise ValidationError({"new_password": problem})
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    sessions.end_all_sessions(user)


def change_own_password(
    user: User, current_password: str, new_password: str, *, ip: str, user_agent: str
) -> str:
    """Change the logged-in user's own password and return the token of a fresh session.

    Every other session of the user ends (a stolen cookie stops working). Raises
    ValidationError for a wrong current password or a weak new one."""
    if not verify_password(user.password_hash, current_password):
        raise ValidationError({"current_password": str(_l("Your current password is wrong."))})
    if new_password == current_password:
        raise ValidationError(
            {"new_password": str(_l("Choose a password different from the current one."))}
        )
    _store_password(user, new_password)
    db.session.flush()
    audit.record(user, "user.password_change", obj=user, changes={"password": ["***", "***"]})
    return sessions.start_session(user, ip=ip, user_agent=user_agent)


@dataclass
class LoginOutcome:
    user: User | None = None
    session_token: str | None = None
    throttled: bool = False


def log_in(
    email: str, password: str, *, ip: str, user_agent: str, device_cookie: str | None
) -> LoginOutcome:
    """Check a login attempt against the throttle and the password; on success open a new
    server-side session. Every attempt is recorded and audited. Anyone may call it."""
    email = normalize_email(email)[:254]
    device = throttle.trusted_device(device_cookie, email)
    if throttle.is_throttled(email, ip, device):
        audit.record(None, "login.throttled", actor_email=email)
        return LoginOutcome(throttled=True)
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    # Every failure costs one full hash verification, so that the time a refusal takes
    # does not tell an unknown, an invited (no password yet) or a deactivated account from
    # a wrong password.
    verified_hash = user.password_hash if user is not None else None
    if user is None or not verified_hash:
        burn_time(password)
        ok, reason = False, "unknown account" if user is None else "no password set"
    elif not verify_password(verified_hash, password):
        ok, reason = False, "wrong password"
    else:
        ok, reason = True, ""
    # The slow part is over: from here on this transaction writes (the user is read again).
    begin_write(db.session)
    if user is not None and ok and user.password_hash != verified_hash:
        ok, reason = False, "password changed meanwhile"
    elif user is not None and ok and not user.active:
        ok, reason = False, "account deactivated"
    throttle.record_attempt(email, ip, device, success=ok)
    if not ok or user is None or user.password_hash is None:
        audit.record(
            None,
            "login.failure",
            actor_email=email,
            city_id=user.city_id if user else None,
            detail=reason,
        )
        return LoginOutcome()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    token = sessions.start_session(user, ip=ip, user_agent=user_agent)
    audit.record(user, "login.success", obj=user)
    return LoginOutcome(user=user, session_token=token)


def log_out(user: User, session_token: str | None) -> None:
    """End the current session on the server and audit the logout."""
    sessions.end_session(session_token)
    audit.record(user, "logout", obj=user)


def set_language(user: User, locale: str) -> None:
    """Keep the interface language ``user`` chose with the switch in the header (their own
    account only; the language of someone else's account is an admin's edit)."""
    if locale not in LOCALES:
        raise ValidationError({"lang": str(_l("Choose a language."))})
    if user.locale == locale:
        return
    audit.record(user, "user.language", obj=user, changes={"locale": [user.locale, locale]})
    user.locale = locale


def users_for_management(actor: User) -> list[User]:
    """Every account, for the admin's list. Admins only."""
    _check_manager(actor)
    return list(
        db.session.scalars(
            select(User).options(selectinload(User.city)).order_by(User.active.desc(), User.name)
        )
    )


def user_for_management(actor: User, user_id: int) -> User:
    """One account for an admin to manage; 404 when there is none. Admins only."""
    _check_manager(actor)
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound
    return user

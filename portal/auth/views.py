"""Logging in and out, and passwords."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal.auth import bp
from portal.auth.forms import (
    PASSWORD_HINT,
    AccountForm,
    ChangePasswordForm,
    LoginForm,
    SetPasswordForm,
)
from portal.extensions import db
from portal.forms import attach_errors, choices, safe_next
from portal.i18n import available_locales
from portal.request_info import client_address
from portal.security.sessions import SESSION_TOKEN_KEY
from portal.security.throttle import (
    DEVICE_COOKIE,
    DEVICE_COOKIE_MAX_AGE,
    new_device_cookie,
    trusted_device,
)
from portal.services import accounts
from portal.services.errors import ValidationError


def _begin_session(user, token: str) -> None:
    # A fresh cookie on every login: nothing from before the login carries over but the
    # language chosen on the login page.
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    session.permanent = True
    session[SESSION_TOKEN_KEY] = token
    login_user(user)


def _remember_device(response, email: str) -> None:
    """Give this browser a device cookie for the account (see portal.security.throttle)."""
    cookie = request.cookies.get(DEVICE_COOKIE)
    if trusted_device(cookie, email) is None:
        cookie = new_device_cookie(email)
    response.set_cookie(
        DEVICE_COOKIE,
        cookie,
        max_age=DEVICE_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )


@bp.route("/login", methods=["GET", "POST"])
def login():
    target = safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(target or url_for("cities.home"))
    form = LoginForm(next=target or "")
    errors: list[str] = []
    status = 200
    if form.validate_on_submit():
        outcome = accounts.log_in(
            form.email.data,
            form.password.data,
            ip=client_address.get(),
            user_agent=request.user_agent.string,
            device_cookie=request.cookies.get(DEVICE_COOKIE),
        )
        db.session.commit()
        if outcome.user is not None:
            _begin_session(outcome.user, outcome.session_token)
            response = redirect(target or url_for("cities.home"))
            _remember_device(response, outcome.user.email)
            return response
        if outcome.throttled:
            status = 429
            errors.append(
                _(
                    "Too many failed attempts. Wait 15 minutes and try again, or ask an admin "
                    "for a new password link."
                )
            )
        else:
            errors.append(_("The e-mail address or the password is wrong."))
        form.password.data = ""
    response = render_template("auth/login.html", form=form, errors=errors)
    headers = {"Retry-After": "900"} if status == 429 else {}
    return response, status, headers


@bp.route("/logout", methods=["POST"])
def logout():
    accounts.log_out(current_user, session.get(SESSION_TOKEN_KEY))
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
def language():
    """The language switch in the header: kept in the account, or in the browser's session
    for someone not logged in; back to the page it was chosen on."""
    chosen = request.form.get("lang", "")
    back = safe_next(request.form.get("next")) or url_for("cities.home")
    if chosen not in available_locales():
        return redirect(back)
    if current_user.is_authenticated:
        accounts.set_language(current_user, chosen)
        db.session.commit()
    session["lang"] = chosen
    return redirect(back)


@bp.route("/account", methods=["GET", "POST"])
def account():
    """The person's own page: who they are in the portal, how often reminders come by
    e-mail and the themes they follow (for the weekly digest of what others shared)."""
    from portal.services import contacts, reminders

    user = current_user._get_current_object()
    form = AccountForm(
        data={
            "reminder_frequency": user.reminder_frequency,
            "themes": [str(t.id) for t in user.themes],
        }
    )
    form.themes.choices = choices((t.id, t.local_name) for t in contacts.themes())
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            reminders.set_preferences(
                user,
                frequency=form.reminder_frequency.data,
                theme_ids=[int(t) for t in form.themes.data or [] if t.isdigit()],
            )
        except ValidationError as error:
            db.session.rollback()
            errors = attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("Your settings are saved."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form, errors=errors, user=user)


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    form = ChangePasswordForm()
    errors: list[str] = []
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            token = accounts.change_own_password(
                user,
                form.current_password.data,
                form.new_password.data,
                ip=client_address.get(),
                user_agent=request.user_agent.string,
            )
        except ValidationError as error:
            db.session.rollback()
            errors = attach_errors(form, error)
        else:
            db.session.commit()
            _begin_session(user, token)
            flash(_("Your password is changed. Other sessions of yours have ended."), "success")
            return redirect(url_for("cities.home"))
    return render_template(
        "auth/change_password.html", form=form, errors=errors, hint=PASSWORD_HINT
    )


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    link = accounts.password_link(token)
    if link is None:
        return render_template("auth/link_invalid.html"), 404
    form = SetPasswordForm()
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            accounts.set_password_from_link(token, form.new_password.data)
        except ValidationError as error:
            db.session.rollback()
            errors = attach_errors(form, error)
        else:
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            flash(_("Your password is set. Log in with it now."), "success")
            return redirect(url_for("auth.login"))
    return render_template(
        "auth/set_password.html", form=form, errors=errors, user=link.user, hint=PASSWORD_HINT
    )


@bp.route("/account/tokens", methods=["GET", "POST"])
def api_tokens():
    """The person's tokens for the REST API: make one (shown once), see when each was last
    used, revoke any. Admins see everyone's."""
    from portal.forms import PortalForm
    from portal.security.permissions import can
    from portal.services import api_tokens as service

    user = current_user._get_current_object()
    form = PortalForm()
    errors: dict[str, str] = {}
    issued = None
    if request.method == "POST" and form.validate_on_submit():
        days = request.form.get("days", "")
        try:
            issued = service.create(
                user,
                name=request.form.get("name", ""),
                writes=request.form.get("writes") == "yes",
                days=int(days) if days.isdigit() else 0,
            )
        except ValidationError as error:
            db.session.rollback()
            errors = error.errors
        else:
            db.session.commit()
    return render_template(
        "auth/api_tokens.html",
        form=form,
        errors=errors,
        issued=issued,
        tokens=service.tokens_of(user),
        everyone=service.all_tokens(user) if can(user, "users.manage") else [],
        is_live=service.is_live,
        max_days=service.MAX_DAYS,
    )


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_api_token(token_id: int):
    from portal.forms import PortalForm
    from portal.services import api_tokens as service

    if not PortalForm().validate_on_submit():
        abort(400)
    token = service.revoke(current_user._get_current_object(), token_id)
    db.session.commit()
    flash(_("The token %(name)s is revoked.", name=token.name), "success")
    return redirect(url_for("auth.api_tokens"))

"""Account management for administrators."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.admin import bp
from portal.admin.forms import ConfirmForm, EditUserForm, NewUserForm, ThemeForm, role_label
from portal.extensions import db
from portal.forms import attach_errors
from portal.record_views import save_edit
from portal.security.permissions import require
from portal.services import accounts, audit, cities, mail, themes
from portal.services.errors import ValidationError


@bp.before_request
def _admins_only():
    require(current_user, "users.manage")


def _city_from_form(form, city_list):
    return next((c for c in city_list if c.slug == form.city.data), None)


def _render_link(user, token: str):
    link = url_for("auth.set_password", token=token, _external=True)
    return render_template("admin/password_link.html", user=user, link=link)


@bp.route("/users/")
def users():
    return render_template(
        "admin/users.html",
        users=accounts.users_for_management(current_user),
        role_label=role_label,
    )


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    city_list = cities.all_cities()
    form = NewUserForm()
    form.set_city_choices(city_list)
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                current_user,
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                city=_city_from_form(form, city_list),
                locale=form.locale.data,
                data_protection=bool(form.data_protection.data),
            )
            token = accounts.issue_password_link(current_user, user)
        except ValidationError as error:
            db.session.rollback()
            errors = attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("The account of %(name)s is created.", name=user.name), "success")
            return _render_link(user, token)
    return render_template("admin/user_new.html", form=form, errors=errors)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = accounts.user_for_management(current_user, user_id)
    city_list = cities.all_cities()
    form = EditUserForm(
        obj=user, city=user.city.slug if user.city else "", locale=user.locale or ""
    )
    form.set_city_choices(city_list)
    return save_edit(
        form,
        update=lambda version: accounts.update_user(
            current_user,
            user,
            expected_version=version,
            email=form.email.data,
            name=form.name.data,
            role=form.role.data,
            city=_city_from_form(form, city_list),
            locale=form.locale.data,
            data_protection=bool(form.data_protection.data),
        ),
        reload=lambda: accounts.user_for_management(current_user, user_id),
        current=lambda stored: {
            "name": stored.name,
            "email": stored.email,
            "role": stored.role,
            "city": stored.city.slug if stored.city else "",
            "locale": stored.locale or "",
        },
        template="admin/user_edit.html",
        detail=lambda stored: url_for("admin.edit_user", user_id=stored.id),
        record=user,
        success=lambda changes: (
            _("The changes are saved.") if changes else _("Nothing was changed.")
        ),
        user=user,
        confirm=ConfirmForm(),
        history=audit.history_for(current_user, user),
        role_label=role_label,
    )


def _set_active(user_id: int, active: bool):
    user = accounts.user_for_management(current_user, user_id)
    if not active and user.active and request.form.get("confirmed") != "yes":
        # Deactivating logs the person out at once, in the middle of their work: ask first
        # (a page of its own, no script needed), then the same form again, confirmed.
        return render_template(
            "confirm.html",
            back_url=url_for("admin.edit_user", user_id=user.id),
            back_title=user.name,
            action=url_for("admin.deactivate_user", user_id=user.id),
            question=_("Deactivate %(name)s?", name=user.name),
            consequence=_(
                "%(name)s is logged out everywhere at once and cannot log in until an "
                "administrator reactivates the account. Their records stay with their city.",
                name=user.name,
            ),
            button=_("Deactivate and log out everywhere"),
        )
    if ConfirmForm().validate_on_submit():
        try:
            accounts.set_user_active(current_user, user, active)
        except ValidationError as error:
            db.session.rollback()
            for message in error.errors.values():
                flash(message, "error")
        else:
            db.session.commit()
            flash(
                _("%(name)s can log in again.", name=user.name)
                if active
                else _("%(name)s is deactivated and logged out everywhere.", name=user.name),
                "success",
            )
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
def deactivate_user(user_id: int):
    return _set_active(user_id, False)


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
def reactivate_user(user_id: int):
    return _set_active(user_id, True)


@bp.route("/users/<int:user_id>/password-link", methods=["POST"])
def password_link(user_id: int):
    user = accounts.user_for_management(current_user, user_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("admin.edit_user", user_id=user.id))
    token = accounts.issue_password_link(current_user, user)
    db.session.commit()
    return _render_link(user, token)


@bp.route("/outbox/")
def outbox():
    from portal.models.mail import MAIL_STATES

    state = request.args.get("state", "")
    state = state if state in MAIL_STATES else ""
    mails, counts = mail.outbox_for_admin(current_user, state=state)
    return render_template(
        "admin/outbox.html",
        mails=mails,
        counts=counts,
        state=state,
        smtp_host=current_app.config.get("PORTAL_SMTP_HOST"),
        max_attempts=mail.MAX_ATTEMPTS,
    )


@bp.route("/themes/")
def theme_list():
    return render_template("admin/themes.html", themes=themes.all_themes(current_user))


@bp.route("/themes/new", methods=["GET", "POST"])
def new_theme():
    form = ThemeForm()
    themes.all_themes(current_user)  # admins only, before anything is shown
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            theme = themes.create_theme(current_user, form.data)
        except ValidationError as error:
            db.session.rollback()
            errors = attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("The theme %(name)s is added.", name=theme.local_name), "success")
            return redirect(url_for("admin.theme_list"))
    return render_template("admin/theme_form.html", form=form, errors=errors, theme=None)


@bp.route("/themes/<int:theme_id>", methods=["GET", "POST"])
def edit_theme(theme_id: int):
    theme = themes.theme_for_edit(current_user, theme_id)
    form = ThemeForm(obj=theme)
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            changes = themes.update_theme(current_user, theme, form.data)
        except ValidationError as error:
            db.session.rollback()
            errors = attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("The changes are saved.") if changes else _("Nothing was changed."), "success")
            return redirect(url_for("admin.theme_list"))
    return render_template("admin/theme_form.html", form=form, errors=errors, theme=theme)


@bp.route("/processing", methods=["GET", "POST"])
def processing():
    """The free-text parts of the cities' record of processing, written by the admins."""
    from portal.admin.forms import ProcessingForm
    from portal.services import processing as service
    from portal.services.errors import StaleEdit

    require(current_user, "users.manage")
    stored = service.description()
    form = ProcessingForm(
        data={"version": stored.version}
        | {name: service.text(stored, name) for name in service.TEXT_FIELDS}
    )
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            changes = service.update_description(
                current_user,
                {name: form[name].data for name in service.TEXT_FIELDS},
                expected_version=int(form.version.data or 0),
            )
        except StaleEdit:
            db.session.rollback()
            errors = [
                _(
                    "Someone saved these texts while you were editing. Your text is below; "
                    "copy what you need and open the page again."
                )
            ]
        except ValidationError as error:
            db.session.rollback()
            errors = attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("The changes are saved.") if changes else _("Nothing was changed."), "success")
            return redirect(url_for("admin.processing"))
    return render_template("admin/processing.html", form=form, errors=errors)

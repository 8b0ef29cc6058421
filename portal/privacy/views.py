"""A city's data protection work (issue 13): its personal data access log, finding a person,
the subject access report (page, PDF, JSON) and erasure. Only accounts with the city's data
protection right; another city's people do not exist here."""

from __future__ import annotations

import json
from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.forms import PortalForm
from portal.i18n import LANGUAGE_NAMES
from portal.input_safety import parse_id
from portal.privacy import bp
from portal.record_views import file_response, pdf_response
from portal.security.permissions import require
from portal.services import access_log, subjects
from portal.services.errors import NotFound, ValidationError
from portal.services.exports import Table


def _city():
    city = current_user.city
    if city is None:
        raise NotFound()
    require(current_user, "city.data_protection", city)
    return city


def _day(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name) or "")
    except ValueError:
        return None


def _filter() -> access_log.LogFilter:
    return access_log.LogFilter(
        contact_id=parse_id(request.args.get("person")),
        user_email=(request.args.get("user") or "")[:254],
        since=_day("since"),
        until=_day("until"),
    )


@bp.route("/")
def index():
    """The city's access log (filterable by person, user and period) and the search for a
    person whose data is asked for."""
    city = _city()
    page = access_log.city_log(
        current_user, city, _filter(), page=parse_id(request.args.get("page")) or 1
    )
    query = (request.args.get("q") or "")[:100]
    return render_template(
        "privacy/index.html",
        city=city,
        page=page,
        flt=_filter(),
        query=query,
        people=subjects.find_people(current_user, city, query) if query else None,
    )


@bp.route("/log.<fmt>")
def log_file(fmt: str):
    city = _city()
    page = access_log.city_log(current_user, city, _filter(), page=1, per_page=10_000)
    table = Table(
        _("Personal data access log"),
        [_("When"), _("Who"), _("Action"), _("Contact"), _("Page")],
        [[e.at, e.user_email, e.action, e.contact_id, e.page] for e in page.items],
        page.total,
    )
    return file_response(table, fmt, f"c21-{city.slug}-personal-data-log")


def _locale() -> str:
    lang = request.args.get("lang") or ""
    return lang if lang in LANGUAGE_NAMES else ""


def _report_html(contact_id: int, *, pdf: bool) -> tuple[subjects.SubjectReport, str]:
    _city()
    result = subjects.report(current_user, contact_id)
    db.session.commit()
    lang = _locale()
    if lang:
        with force_locale(lang):
            return result, render_template("privacy/report.html", r=result, pdf=pdf, lang=lang)
    return result, render_template("privacy/report.html", r=result, pdf=pdf, lang="")


@bp.route("/people/<int:contact_id>")
def report(contact_id: int):
    """Everything the city holds on one person, to read or print."""
    return _report_html(contact_id, pdf=False)[1]


@bp.route("/people/<int:contact_id>.pdf")
def report_pdf(contact_id: int):
    result, html = _report_html(contact_id, pdf=True)
    return pdf_response(html, f"subject-report-{result.contact.id}.pdf")


@bp.route("/people/<int:contact_id>.json")
def report_json(contact_id: int):
    _city()
    result = subjects.report(current_user, contact_id)
    db.session.commit()
    body = json.dumps(subjects.report_data(result), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="subject-report-{contact_id}.json"',
            "Cache-Control": "private, no-store",
        },
    )


def _processing_html(*, pdf: bool) -> str:
    from portal.services import processing

    city = _city()
    return render_template(
        "privacy/processing.html",
        r=processing.record_of_processing(current_user, city),
        pdf=pdf,
    )


@bp.route("/processing")
def processing():
    """The city's record of processing (GDPR Article 30), to read and print."""
    return _processing_html(pdf=False)


@bp.route("/processing.pdf")
def processing_pdf():
    return pdf_response(_processing_html(pdf=True), "record-of-processing.pdf")


@bp.route("/review", methods=["GET", "POST"])
def review():
    """The contacts past their retention review: confirm, archive or erase them in bulk."""
    from portal.services import retention
    from portal.timeutil import local_today

    city = _city()
    form = PortalForm()
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        ids = [i for i in (parse_id(v) for v in request.form.getlist("contact")) if i]
        try:
            n = retention.review(
                current_user,
                city,
                ids,
                request.form.get("action", ""),
                today=local_today(),
                reason=request.form.get("reason", ""),
            )
        except ValidationError as error:
            db.session.rollback()
            errors = error.errors
        else:
            db.session.commit()
            flash(_("%(n)d contacts reviewed.", n=n), "success")
            return redirect(url_for("privacy.review"))
    return render_template(
        "privacy/review.html",
        city=city,
        due=retention.due(current_user, city, local_today()),
        form=form,
        errors=errors,
    )


@bp.route("/people/<int:contact_id>/restrict", methods=["POST"])
def restrict(contact_id: int):
    """Restrict (reason given) or lift the restriction of a person's data."""
    _city()
    if not PortalForm().validate_on_submit():
        abort(400)
    try:
        if request.form.get("lift") == "yes":
            contact = subjects.lift_restriction(current_user, contact_id)
            message = _("The restriction is lifted.")
        else:
            contact = subjects.restrict(current_user, contact_id, request.form.get("reason", ""))
            message = _("The data is restricted: only data protection officers see it now.")
    except ValidationError as error:
        db.session.rollback()
        flash(next(iter(error.errors.values()), ""), "error")
        return redirect(url_for("privacy.report", contact_id=contact_id))
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("privacy.report", contact_id=contact.id))


@bp.route("/people/<int:contact_id>/erase", methods=["GET", "POST"])
def erase(contact_id: int):
    """Erase a person for real, after a page that says what it means and asks why."""
    _city()
    contact = subjects.person(current_user, contact_id)
    form = PortalForm()
    errors: dict[str, str] = {}
    if request.method == "POST" and form.validate_on_submit():
        name = contact.display_name
        try:
            subjects.erase(current_user, contact_id, request.form.get("reason", ""))
        except ValidationError as error:
            db.session.rollback()
            errors = error.errors
            contact = subjects.person(current_user, contact_id)
        else:
            db.session.commit()
            flash(_("%(name)s is erased.", name=name), "success")
            return redirect(url_for("privacy.index"))
    elif request.method == "POST":
        abort(400)
    return render_template(
        "privacy/erase.html",
        contact=contact,
        form=form,
        errors=errors,
        reason=request.form.get("reason", ""),
    )

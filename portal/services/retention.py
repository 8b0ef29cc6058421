"""The retention review (issue 13, GDPR Article 5(1)(e)): a contact is kept while it is used
or verified. Its review falls due 24 months after the latest of its last verification, its
last interaction with the city and its creation; a contact never verified and unused for 36
months is flagged red. The city's data protection officers see the contacts due on the home
page and in a monthly mail, and confirm (verified again), archive or erase them in bulk."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from urllib.parse import urlsplit

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models.accounts import User
from portal.models.contacts import Contact, Interaction, interaction_contacts
from portal.models.mail import ReminderRun
from portal.models.reference import City
from portal.security.permissions import can, ensure
from portal.services import mail, records, subjects
from portal.services.errors import ValidationError

REVIEW_MONTHS = 24
RED_MONTHS = 36
SHOWN = 500  # a review page lists at most this many, oldest first


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the month's last day if it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class Due:
    contact: Contact
    last_interaction: date | None
    review_on: date
    red: bool  # never verified and unused for RED_MONTHS


def _last_interactions(city_id: int):
    return (
        select(
            interaction_contacts.c.contact_id.label("contact_id"),
            func.max(Interaction.occurred_on).label("last_on"),
        )
        .join(Interaction, Interaction.id == interaction_contacts.c.interaction_id)
        .where(Interaction.city_id == city_id)
        .group_by(interaction_contacts.c.contact_id)
        .subquery()
    )


def _due_statement(city_id: int, today: date):
    cutoff = months_before(today, REVIEW_MONTHS)
    last = _last_interactions(city_id)
    return (
        select(Contact, last.c.last_on)
        .outerjoin(last, last.c.contact_id == Contact.id)
        .where(
            Contact.city_id == city_id,
            Contact.archived_at.is_(None),
            Contact.restricted_at.is_(None),
            Contact.created_at < datetime.combine(cutoff, time(0), UTC),
            or_(Contact.last_verified_on.is_(None), Contact.last_verified_on < cutoff),
            or_(last.c.last_on.is_(None), last.c.last_on < cutoff),
        )
    )


def count_due(city: City, today: date) -> int:
    stmt = _due_statement(city.id, today).with_only_columns(func.count())
    return db.session.scalar(stmt) or 0


def due(actor: User, city: City, today: date) -> list[Due]:
    """The city's contacts past their review, the longest unused first."""
    ensure(actor, "city.data_protection", city)
    red_cutoff = months_before(today, RED_MONTHS)
    rows = db.session.execute(
        _due_statement(city.id, today).order_by(Contact.created_at, Contact.id).limit(SHOWN)
    ).all()
    result = []
    for contact, last_on in rows:
        used = max(
            d
            for d in (contact.last_verified_on, last_on, contact.created_at.date())
            if d is not None
        )
        result.append(
            Due(
                contact=contact,
                last_interaction=last_on,
                review_on=_add_months(used, REVIEW_MONTHS),
                red=contact.last_verified_on is None
                and (last_on is None or last_on < red_cutoff)
                and contact.created_at.date() < red_cutoff,
            )
        )
    result.sort(key=lambda d: (not d.red, d.review_on))
    return result


def _add_months(day: date, months: int) -> date:
    return months_before(day, -months)


def review(actor: User, city: City, contact_ids: list[int], action: str, *, today: date, reason=""):
    """Confirm (verified again today), archive or erase the chosen contacts of the city;
    returns how many. Each through its own service (audit, access log)."""
    ensure(actor, "city.data_protection", city)
    if action not in ("confirm", "archive", "erase"):
        raise ValidationError({"action": str(_l("Choose what to do with them."))})
    if not contact_ids:
        raise ValidationError({"": str(_l("Tick the contacts first."))})
    if action == "erase" and not (reason or "").strip():
        raise ValidationError({"reason": str(_l("Say why the person is erased (for the log)."))})
    chosen = list(
        db.session.scalars(
            select(Contact).where(Contact.city_id == city.id, Contact.id.in_(contact_ids))
        )
    )
    for contact in chosen:
        if action == "confirm":
            records.update_record(
                actor,
                contact,
                expected_version=contact.version,
                clean=lambda: {"last_verified_on": today},
            )
        elif action == "archive":
            if contact.archived_at is None:
                records.archive(actor, contact)
        else:
            subjects.erase(actor, contact.id, reason)
    return len(chosen)


def send_monthly(today: date) -> int:
    """Once a month, a mail to each holder of a city's data protection right whose city has
    contacts past their review; returns how many mails were queued."""
    from portal.i18n import available_locales, default_locale

    key = f"dp-{today:%Y-%m}"
    parts = urlsplit(current_app.config.get("PORTAL_BASE_URL", "http://127.0.0.1:5000"))
    base = f"{parts.scheme}://{parts.netloc}"
    sent = 0
    holders = db.session.scalars(
        select(User).where(User.active.is_(True), User.data_protection.is_(True))
    ).all()
    for user in holders:
        if user.city is None or not can(user, "city.data_protection", user.city):
            continue
        if db.session.scalar(
            select(ReminderRun.id).where(ReminderRun.user_id == user.id, ReminderRun.period == key)
        ):
            continue
        count = count_due(user.city, today)
        db.session.add(ReminderRun(user_id=user.id, period=key, items=count))
        if count:
            language = user.locale if user.locale in available_locales() else default_locale()
            with force_locale(language):
                subject = str(
                    _l(
                        "C21 portal: %(n)d contacts of %(city)s are past their retention review",
                        n=count,
                        city=user.city.local_name,
                    )
                )
                body = str(
                    _l(
                        "%(n)d contacts of %(city)s have been neither used nor verified for two "
                        "years. Confirm, archive or erase them: %(link)s",
                        n=count,
                        city=user.city.local_name,
                        link=base + url_for("privacy.review"),
                    )
                )
            mail.queue([user.email], subject, body)
            sent += 1
        try:
            db.session.commit()
        except IntegrityError:  # another run made it meanwhile
            db.session.rollback()
            sent -= 1 if count else 0
    return sent

"""The record of processing activities (GDPR Article 30) a city's data protection officer
keeps for the portal (issue 13): generated from the data (the categories of personal data
from the registry of record kinds, the legal bases in use and their counts, who receives
what, the retention rules) with the free-text parts the admins write for the whole portal
(purposes, data subjects, security measures, transfers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal import kinds, labels
from portal.extensions import db
from portal.models.accounts import User
from portal.models.contacts import Contact
from portal.models.privacy import ProcessingDescription
from portal.models.reference import City
from portal.security.permissions import ensure
from portal.services import audit
from portal.services.errors import StaleEdit, ValidationError
from portal.services.retention import RED_MONTHS, REVIEW_MONTHS
from portal.timeutil import utcnow

TEXT_FIELDS = ("purposes", "data_subjects", "security_measures", "transfers")
# What each free text says until the admins write their own (in the reader's language).
DEFAULTS = {
    "purposes": _l(
        "The cities' international co-operation with China: keeping in touch with Chinese "
        "officials, businesses and institutions, preparing visits, events, projects and "
        "agreements, and reporting on them to the city's decision-makers and the C21 network."
    ),
    "data_subjects": _l(
        "Representatives of Chinese public bodies, companies, universities and other "
        "organisations with whom the city co-operates."
    ),
    "security_measures": _l(
        "Personal accounts with strong passwords and sessions that expire; each city sees only "
        "its own contacts unless it shares them; every view, export and change of personal "
        "data is logged; encrypted connections; nightly backups kept for 35 days."
    ),
    "transfers": _l("No personal data is transferred outside the EU or the EEA."),
}


def description() -> ProcessingDescription:
    stored = db.session.get(ProcessingDescription, 1)
    return stored if stored is not None else ProcessingDescription(id=1, version=0)


def text(stored: ProcessingDescription, name: str) -> str:
    return getattr(stored, name) or str(DEFAULTS[name])


def update_description(actor: User, values: dict, *, expected_version: int) -> dict:
    """Admins write the free-text parts; returns what changed. Raises StaleEdit when someone
    saved since ``expected_version``, ValidationError for a text over 4,000 characters."""
    ensure(actor, "users.manage")
    stored = db.session.get(ProcessingDescription, 1)
    if stored is None:
        stored = ProcessingDescription(id=1, version=0)
        db.session.add(stored)
    if stored.version != expected_version:
        raise StaleEdit(stored)
    cleaned = {name: (values.get(name) or "").strip() for name in TEXT_FIELDS}
    errors = {
        n: str(_l("Use at most %(n)d characters.", n=4000))
        for n, v in cleaned.items()
        if len(v) > 4000
    }
    if errors:
        raise ValidationError(errors)
    changes = audit.diff(stored, cleaned)
    if changes:
        for name, value in cleaned.items():
            setattr(stored, name, value)
        stored.version += 1
        stored.updated_at = utcnow()
        db.session.flush()
        audit.record(actor, "processing.update", obj=stored, changes=changes)
    return changes


@dataclass
class ProcessingRecord:
    city: City
    generated_at: datetime
    texts: dict[str, str]
    categories: list[str]
    legal_bases: list[tuple[str, int]]
    contacts: int
    shared: int
    restricted: int
    officers: list[User]
    review_months: int
    red_months: int
    log_days: int


def record_of_processing(actor: User, city: City) -> ProcessingRecord:
    """The city's record of processing, for its data protection officers."""
    ensure(actor, "city.data_protection", city)
    stored = description()
    live = select(Contact).where(Contact.city_id == city.id, Contact.archived_at.is_(None))
    counts = dict(
        db.session.execute(
            live.with_only_columns(Contact.legal_basis, func.count()).group_by(Contact.legal_basis)
        ).all()
    )

    def count(stmt) -> int:
        return db.session.scalar(stmt.with_only_columns(func.count())) or 0

    personal = [
        f"{kind.name}: {', '.join(str(f.label) for f in kind.personal_fields)}"
        for kind in (kinds.CONTACT, kinds.INTERACTION, kinds.EVENT)
        if kind.personal_fields
    ]
    return ProcessingRecord(
        city=city,
        generated_at=utcnow(),
        texts={name: text(stored, name) for name in TEXT_FIELDS},
        categories=personal,
        legal_bases=[
            (str(label), counts.get(code, 0)) for code, label in labels.LEGAL_BASIS_LABELS.items()
        ],
        contacts=sum(counts.values()),
        shared=count(live.where(Contact.visibility == "network")),
        restricted=count(live.where(Contact.restricted_at.is_not(None))),
        officers=list(
            db.session.scalars(
                select(User)
                .where(User.city_id == city.id, User.active.is_(True), User.data_protection)
                .order_by(User.name)
            )
        ),
        review_months=REVIEW_MONTHS,
        red_months=RED_MONTHS,
        log_days=int(current_app.config.get("PERSONAL_DATA_LOG_DAYS", 730)),
    )

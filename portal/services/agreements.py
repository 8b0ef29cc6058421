"""Agreements with Chinese counterparts: the record, the signed document, the numbered
themes of an action plan, and the reviews, evaluations and expiries coming up."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_
from sqlalchemy.orm import joinedload, selectinload

from portal.extensions import db
from portal.kinds import AGREEMENT
from portal.models.accounts import User
from portal.models.agreements import (
    FOLLOW_UP_OUTCOMES,
    PROGRESS_STATUSES,
    ActionPlanTheme,
    Agreement,
    AgreementFollowUp,
)
from portal.models.mixins import Visibility
from portal.models.reference import City
from portal.security.permissions import WRITE, ensure, select_visible
from portal.services import audit, organisations, records
from portal.services.errors import ValidationError
from portal.services.listing import RecordFilter, apply_filter
from portal.services.records import Page, Position, paginate
from portal.services.uploads import read_upload


def _clean(actor: User, values: dict) -> dict:
    errors: dict[str, str] = {}
    cleaned = AGREEMENT.clean_text(values, errors)
    if not cleaned["title"]:
        errors["title"] = str(_l("Give the agreement a title."))
    start, end = cleaned["valid_from"], cleaned["valid_until"]
    if start and end and end < start:
        errors["valid_until"] = str(_l("The end of validity cannot be before its start."))
    if cleaned["status"] == "in_force" and cleaned["signed_on"] is None:
        errors["signed_on"] = str(_l("An agreement in force has a signing date."))
    link = organisations.OrganisationLink(actor, values, errors)
    if errors:
        raise ValidationError(errors)
    cleaned["organisations"] = link.linked(cleaned["organisations"])
    return cleaned


def create_agreement(actor: User, city: City, values: dict) -> Agreement:
    """Record an agreement of ``city``. Writers of that city. Raises ValidationError,
    Forbidden."""
    ensure(actor, "city.create_records", city)
    return records.create_record(actor, city, AGREEMENT, _clean(actor, values))


def update_agreement(actor: User, agreement: Agreement, *, expected_version, values: dict) -> dict:
    """Change an agreement. Writers of its city. Raises StaleEdit, ValidationError,
    Forbidden."""
    return records.update_record(
        actor, agreement, expected_version=expected_version, clean=lambda: _clean(actor, values)
    )


def archive_agreement(actor: User, agreement: Agreement) -> None:
    """Archive an agreement. Writers of its city."""
    records.archive(actor, agreement)


def restore_agreement(actor: User, agreement: Agreement) -> None:
    """Restore an archived agreement. Writers of its city."""
    records.restore(actor, agreement)


# --- The signed document --------------------------------------------------------------------


def documents_folder() -> Path:
    """Uploaded documents live in the instance folder, never under static/: they are served
    only through a view that checks who may see the agreement."""
    folder = Path(current_app.config.get("UPLOAD_FOLDER") or Path(current_app.instance_path))
    path = folder / "agreements"
    path.mkdir(parents=True, exist_ok=True)
    return path


def looks_like_pdf(head: bytes, tail: bytes) -> bool:
    """A PDF by its content: the %PDF- header and an %%EOF marker at the end. The file's
    name and the browser's claimed type are not trusted."""
    return head.startswith(b"%PDF-") and b"%%EOF" in tail


def attach_document(actor: User, agreement: Agreement, stream, filename: str) -> None:
    """Store the signed document of an agreement (replacing an earlier one). Writers of the
    agreement's city. Raises ValidationError for a file that is too large, empty or not a
    PDF by its content."""
    ensure(actor, WRITE, agreement)
    data = read_upload(
        stream,
        current_app.config["DOCUMENT_MAX_BYTES"],
        field="document",
        empty_message=_l("Choose a PDF file."),
    )
    if not looks_like_pdf(data[:1024], data[-2048:]):
        raise ValidationError(
            {"document": str(_l("The file is not a PDF document. Save or print it as PDF."))}
        )
    key = f"{secrets.token_hex(16)}.pdf"
    (documents_folder() / key).write_bytes(data)
    old = agreement.document_key
    agreement.document_key = key
    agreement.document_name = (Path(filename or "agreement.pdf").name or "agreement.pdf")[:200]
    agreement.document_size = len(data)
    db.session.flush()
    audit.record(
        actor,
        "agreement.document",
        obj=agreement,
        changes={"document": [old and "(earlier file)", agreement.document_name]},
    )


def document_path(agreement: Agreement) -> Path | None:
    if not agreement.document_key:
        return None
    path = documents_folder() / agreement.document_key
    return path if path.is_file() else None


# --- Action plan themes ---------------------------------------------------------------------


@dataclass
class PlanThemeRow:
    number: int | None
    title: str
    description: str = ""
    finnish_bodies: str = ""
    chinese_bodies: str = ""
    progress: str = "not_started"
    progress_note: str = ""


def save_plan_themes(actor: User, agreement: Agreement, *, expected_version, rows) -> None:
    """Replace the numbered themes of an action plan with ``rows`` (rows without a title are
    dropped; rows without a number are numbered after the others). Writers of the
    agreement's city. Raises StaleEdit, ValidationError, Forbidden."""
    ensure(actor, WRITE, agreement)
    records.check_version(agreement, expected_version)
    kept = [r for r in rows if (r.title or "").strip()]
    errors: dict[str, str] = {}
    numbers = [r.number for r in kept if r.number is not None]
    if len(numbers) != len(set(numbers)):
        errors[""] = str(_l("Two themes have the same number."))
    if any((r.progress or "not_started") not in PROGRESS_STATUSES for r in kept):
        errors[""] = str(_l("Choose the progress from the list."))
    if errors:
        raise ValidationError(errors)
    next_number = max(numbers, default=0) + 1
    before = [f"{t.number}. {t.title} ({t.progress})" for t in agreement.plan_themes]
    agreement.plan_themes.clear()
    db.session.flush()
    for row in sorted(kept, key=lambda r: (r.number is None, r.number or 0)):
        number = row.number
        if number is None:
            number, next_number = next_number, next_number + 1
        agreement.plan_themes.append(
            ActionPlanTheme(
                number=number,
                title=(row.title or "").strip()[:200],
                description=(row.description or "").strip(),
                finnish_bodies=(row.finnish_bodies or "").strip()[:500],
                chinese_bodies=(row.chinese_bodies or "").strip()[:500],
                progress=row.progress or "not_started",
                progress_note=(row.progress_note or "").strip(),
            )
        )
    after = [f"{t.number}. {t.title} ({t.progress})" for t in agreement.plan_themes]
    # The themes are part of the agreement: editing them is a new version of it.
    agreement.version += 1
    AGREEMENT.index(agreement)
    db.session.flush()
    if before != after:
        audit.record(actor, "agreement.plan", obj=agreement, changes={"themes": [before, after]})


# --- Reviews, evaluations and the end of the term -------------------------------------------


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def record_follow_up(actor: User, agreement: Agreement, values: dict, *, today: date):
    """Record a review, an evaluation or the decision at the end of the term as done (with
    its date, outcome, notes and the next date it sets), which takes it off the due lists
    and stays in the agreement's history. Writers of the agreement's city. Raises
    ValidationError (by field), Forbidden.

    A review or an evaluation moves the agreement's next one to ``next_on`` (none: no more
    are planned). At the end of the term: "renewed" sets the new end date (``next_on``,
    required) and keeps it in force; "ended" and "continued_informally" mark it expired."""
    ensure(actor, WRITE, agreement)
    kind = values.get("kind") or ""
    outcome = values.get("outcome") or ""
    done_on, next_on = values.get("done_on"), values.get("next_on")
    notes = (values.get("notes") or "").strip()
    errors: dict[str, str] = {}
    if kind not in FOLLOW_UP_OUTCOMES:
        errors["kind"] = str(_l("Choose what was done from the list."))
    elif outcome not in FOLLOW_UP_OUTCOMES[kind]:
        errors["outcome"] = str(_l("Choose an outcome that fits what was done."))
    if done_on is None:
        errors["done_on"] = str(_l("Give the date it was done."))
    elif done_on > today:
        errors["done_on"] = str(_l("The date cannot be in the future: record it when done."))
    if next_on is not None and done_on is not None and next_on <= done_on:
        errors["next_on"] = str(_l("The next date comes after the date it was done."))
    if kind == "expiry" and outcome == "renewed" and next_on is None:
        errors["next_on"] = str(_l("Give the date the renewed agreement is valid until."))
    if errors:
        raise ValidationError(errors)
    before = {
        "review_on": agreement.review_on,
        "evaluation_on": agreement.evaluation_on,
        "valid_until": agreement.valid_until,
        "status": agreement.status,
    }
    if kind == "review":
        agreement.review_on = next_on
    elif kind == "evaluation":
        agreement.evaluation_on = next_on
    elif outcome == "renewed":
        agreement.valid_until, agreement.status, agreement.expiry_decision = (
            next_on,
            "in_force",
            "",
        )
    else:
        agreement.status, agreement.expiry_decision = "expired", outcome
    follow_up = AgreementFollowUp(
        kind=kind,
        done_on=done_on,
        outcome=outcome,
        notes=notes,
        next_on=next_on,
        recorded_by_id=actor.id,
    )
    agreement.follow_ups.append(follow_up)
    agreement.version += 1
    AGREEMENT.index(agreement)
    db.session.flush()
    after = {
        "review_on": agreement.review_on,
        "evaluation_on": agreement.evaluation_on,
        "valid_until": agreement.valid_until,
        "status": agreement.status,
    }
    audit.record(
        actor,
        f"agreement.{kind}",
        obj=agreement,
        changes={k: [_plain(before[k]), _plain(after[k])] for k in before if before[k] != after[k]},
        detail=f"{outcome} {_plain(done_on)}",
    )
    return follow_up


# --- Lists and what is due ------------------------------------------------------------------


def _eager(stmt):
    """What a list of agreements shows with each (an export loads the rest itself)."""
    return stmt.options(
        joinedload(Agreement.city),
        joinedload(Agreement.counterpart_place),
        selectinload(Agreement.themes),
    )


def list_agreements(
    actor: User, flt: RecordFilter, *, page: int | Position = 1, per_page: int = 50
) -> Page:
    """The agreements ``actor`` may see, filtered; the latest signed first."""
    stmt = apply_filter(
        _eager(select_visible(actor, Agreement, include_archived=True)), Agreement, flt, actor=actor
    )
    return paginate(
        stmt.order_by(Agreement.signed_on.desc().nulls_last(), Agreement.id.desc()),
        page=page,
        per_page=per_page,
        eager=_eager,
        searched=flt.searched,
    )


@dataclass
class DueItem:
    on: date
    what: str
    agreement: Agreement


def due_soon(
    actor, *, today: date, days: int = 90, city_id: int | None = None, shared_only: bool = False
) -> list[DueItem]:
    """Reviews, evaluations and expiries within ``days`` (late ones too, while the
    agreement is in force), soonest first: for one city, or across the network's shared
    agreements. An agreement past its end date stays until someone records the decision
    (renewed, ended, continued informally), however long ago it lapsed."""
    horizon = today + timedelta(days=days)
    stmt = (
        select_visible(actor, Agreement)
        .options(joinedload(Agreement.city))
        .where(
            Agreement.status.in_(("in_force", "in_preparation")),
            or_(
                and_(Agreement.review_on.is_not(None), Agreement.review_on <= horizon),
                and_(Agreement.evaluation_on.is_not(None), Agreement.evaluation_on <= horizon),
                and_(
                    Agreement.valid_until.is_not(None),
                    Agreement.valid_until <= horizon,
                    Agreement.expiry_decision == "",
                ),
            ),
        )
    )
    if city_id is not None:
        stmt = stmt.where(Agreement.city_id == city_id)
    if shared_only:
        stmt = stmt.where(Agreement.visibility == Visibility.NETWORK.value)
    items: list[DueItem] = []
    since = today - timedelta(days=days)
    for agreement in db.session.scalars(stmt):
        for when, what in (
            (agreement.review_on, "review"),
            (agreement.evaluation_on, "evaluation"),
            (agreement.valid_until, "expiry"),
        ):
            if when is not None and (since <= when or what == "expiry") and when <= horizon:
                items.append(DueItem(on=when, what=what, agreement=agreement))
    return sorted(items, key=lambda item: (item.on, item.agreement.id))


def city_agreements_for_picker(actor: User, city_id: int | None) -> list[Agreement]:
    if city_id is None:
        return []
    return list(
        db.session.scalars(
            select_visible(actor, Agreement)
            .where(Agreement.city_id == city_id)
            .order_by(Agreement.title)
        )
    )

"""A city's report to its mayor for a period (issue 12): what the city did with China, in
figures and lists, printable and as PDF; and, per action plan, the progress by theme for a
mid-term review. Everything the city owns counts, private records too: the report is the
city's own (its officers and viewers, and admins)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models.accounts import User
from portal.models.agreements import Agreement, AgreementFollowUp
from portal.models.contacts import Interaction
from portal.models.events import Event
from portal.models.expertise import ExpertiseOffer
from portal.models.meetings import ActionItem, AgendaItem, Meeting
from portal.models.projects import Project, ProjectUpdate
from portal.models.reference import City
from portal.security.permissions import ensure
from portal.services import agreements, audit
from portal.services.errors import ValidationError


@dataclass
class PlanProgress:
    agreement: Agreement
    follow_ups: list[AgreementFollowUp] = field(default_factory=list)


@dataclass
class Report:
    city: City
    start: date
    end: date
    interactions: int = 0
    by_theme: list[tuple[str, int]] = field(default_factory=list)
    by_kind: list[tuple[str, int]] = field(default_factory=list)
    visits: list[Interaction] = field(default_factory=list)
    projects: list[tuple[Project, ProjectUpdate | None]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    due: list = field(default_factory=list)
    offers: list[ExpertiseOffer] = field(default_factory=list)
    meetings: list[tuple[Meeting, list[AgendaItem]]] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)
    plans: list[PlanProgress] = field(default_factory=list)


def default_period(today: date) -> tuple[date, date]:
    """The year so far."""
    return date(today.year, 1, 1), today


def city_report(actor: User, city: City, start: date, end: date, *, today: date) -> Report:
    """The report of ``city`` for ``start``..``end``. The city's own people and admins;
    audited. Raises Forbidden, ValidationError (a period that ends before it starts or
    spans more than five years)."""
    from portal.labels import INTERACTION_KIND_LABELS

    ensure(actor, "city.report", city)
    if end < start:
        raise ValidationError({"end": str(_l("The period ends before it starts."))})
    if end - start > timedelta(days=5 * 366):
        raise ValidationError({"end": str(_l("A report covers at most five years."))})
    report = Report(city, start, end)
    live = (Interaction.city_id == city.id, Interaction.archived_at.is_(None))
    in_period = (Interaction.occurred_on >= start, Interaction.occurred_on <= end)
    found = db.session.scalars(
        select(Interaction)
        .where(*live, *in_period)
        .options(selectinload(Interaction.themes))
        .order_by(Interaction.occurred_on, Interaction.id)
    ).all()
    report.interactions = len(found)
    themes: Counter[str] = Counter()
    for interaction in found:
        for theme in interaction.themes or []:
            themes[theme.local_name] += 1
        if not interaction.themes:
            themes[str(_no_theme())] += 1
    report.by_theme = themes.most_common()
    report.by_kind = [
        (str(INTERACTION_KIND_LABELS.get(k, k)), n)
        for k, n in Counter(i.kind for i in found).most_common()
    ]
    report.visits = [i for i in found if i.kind == "visit"]
    projects = db.session.scalars(
        select(Project)
        .where(
            Project.city_id == city.id, Project.archived_at.is_(None), Project.status == "active"
        )
        .order_by(Project.title)
    ).all()
    for project in projects:
        latest = db.session.scalar(
            select(ProjectUpdate)
            .where(ProjectUpdate.project_id == project.id)
            .order_by(ProjectUpdate.happened_on.desc(), ProjectUpdate.id.desc())
            .limit(1)
        )
        report.projects.append((project, latest))
    report.events = list(
        db.session.scalars(
            select(Event)
            .where(
                Event.city_id == city.id,
                Event.archived_at.is_(None),
                Event.starts_on >= start,
                Event.starts_on <= end,
            )
            .order_by(Event.starts_on, Event.id)
        )
    )
    report.due = agreements.due_soon(actor, today=today, city_id=city.id)
    report.offers = list(
        db.session.scalars(
            select(ExpertiseOffer)
            .where(ExpertiseOffer.city_id == city.id, ExpertiseOffer.archived_at.is_(None))
            .order_by(ExpertiseOffer.title)
        )
    )
    for meeting in db.session.scalars(
        select(Meeting)
        .where(
            Meeting.held_on >= start,
            Meeting.held_on <= end,
            Meeting.status.in_(("held", "approved")),
        )
        .order_by(Meeting.held_on)
    ):
        items = [i for i in meeting.items if i.city_id == city.id and i.status == "accepted"]
        report.meetings.append((meeting, items))
    report.actions = list(
        db.session.scalars(
            select(ActionItem)
            .where(
                ActionItem.owner_city_id == city.id,
                or_(
                    ActionItem.status != "done",
                    and_(ActionItem.done_at.is_not(None), ActionItem.done_at >= _moment(start)),
                ),
            )
            .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
        )
    )
    for plan in db.session.scalars(
        select(Agreement)
        .where(
            Agreement.city_id == city.id,
            Agreement.kind == "action_plan",
            Agreement.archived_at.is_(None),
        )
        .order_by(Agreement.signed_on.desc().nulls_last(), Agreement.id)
    ):
        report.plans.append(
            PlanProgress(plan, [f for f in plan.follow_ups if start <= f.done_on <= end])
        )
    audit.record(
        actor, "city.report", city_id=city.id, detail=f"{start.isoformat()}..{end.isoformat()}"
    )
    return report


def _moment(day: date):
    from datetime import datetime, time

    from portal.timeutil import HELSINKI

    return datetime.combine(day, time(0), tzinfo=HELSINKI)


def _no_theme():
    return _l("No theme")

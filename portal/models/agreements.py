"""Agreements with Chinese counterparts, with their review cycle and, for action plans,
their numbered themes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.accounts import User
from portal.models.base import Base
from portal.models.mixins import CityOwned, scope_index, shared_index, theme_links, visibility_check
from portal.models.organisations import Organisation
from portal.models.projects import Project
from portal.models.reference import ChinesePlace, Theme
from portal.timeutil import utcnow

AGREEMENT_KINDS = (
    "sister_city",
    "friendship_city",
    "mou",
    "action_plan",
    "letter_of_intent",
    "cooperation",
)
AGREEMENT_STATUSES = ("in_preparation", "in_force", "expired", "terminated")
# What can be recorded as done about an agreement, and the outcomes each can have.
FOLLOW_UP_OUTCOMES = {
    "review": ("on_track", "needs_changes", "to_be_ended"),
    "evaluation": ("on_track", "needs_changes", "to_be_ended"),
    "expiry": ("renewed", "ended", "continued_informally"),
}
PROGRESS_STATUSES = ("not_started", "in_progress", "done", "dropped")

agreement_organisations = Table(
    "agreement_organisations",
    Base.metadata,
    Column("agreement_id", ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True),
    Index("ix_agreement_organisations_organisation_id", "organisation_id"),
)
agreement_themes = theme_links("agreement_themes", "agreements", "agreement_id")


class Agreement(CityOwned, Base):
    __tablename__ = "agreements"
    __table_args__ = (
        visibility_check(),
        CheckConstraint("kind IN ('" + "','".join(AGREEMENT_KINDS) + "')", name="kind"),
        CheckConstraint("status IN ('" + "','".join(AGREEMENT_STATUSES) + "')", name="status"),
        scope_index("agreements"),
        shared_index("agreements"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    counterpart_place_id: Mapped[int | None] = mapped_column(
        ForeignKey("chinese_places.id"), index=True
    )
    signed_on: Mapped[date | None]
    signed_at: Mapped[str] = mapped_column(String(200), default="")
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None]
    review_on: Mapped[date | None]
    evaluation_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default="in_preparation")
    # What was decided when the term ended ("ended", "continued_informally"); empty while
    # nobody has, which keeps a lapsed agreement on the due lists.
    expiry_decision: Mapped[str] = mapped_column(String(30), default="")
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"), index=True
    )
    # The signed document: stored outside the static folder under a random name.
    document_key: Mapped[str | None] = mapped_column(String(80))
    document_name: Mapped[str] = mapped_column(String(200), default="")
    document_size: Mapped[int | None]

    counterpart_place: Mapped[ChinesePlace | None] = relationship()
    project: Mapped[Project | None] = relationship()
    organisations: Mapped[list[Organisation]] = relationship(secondary=agreement_organisations)
    themes: Mapped[list[Theme]] = relationship(secondary=agreement_themes, order_by=Theme.position)
    plan_themes: Mapped[list[ActionPlanTheme]] = relationship(
        back_populates="agreement",
        order_by="ActionPlanTheme.number",
        cascade="all, delete-orphan",
    )
    follow_ups: Mapped[list[AgreementFollowUp]] = relationship(
        back_populates="agreement",
        order_by="(AgreementFollowUp.done_on.desc(), AgreementFollowUp.id.desc())",
        cascade="all, delete-orphan",
    )

    def status_on(self, day: date) -> str:
        """The status as of ``day``: an agreement "in force" past its end date has expired,
        whatever was last saved."""
        if self.status == "in_force" and self.valid_until is not None and self.valid_until < day:
            return "expired"
        return self.status


class AgreementFollowUp(Base):
    """A review, an evaluation or the decision at the end of the term, recorded as done:
    when, with what outcome, notes, and the next date it set (the next review or
    evaluation, or the renewed term's end)."""

    __tablename__ = "agreement_follow_ups"
    __table_args__ = (
        CheckConstraint("kind IN ('" + "','".join(FOLLOW_UP_OUTCOMES) + "')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    done_on: Mapped[date]
    outcome: Mapped[str] = mapped_column(String(30))
    notes: Mapped[str] = mapped_column(Text, default="")
    next_on: Mapped[date | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    agreement: Mapped[Agreement] = relationship(back_populates="follow_ups")
    recorded_by: Mapped[User | None] = relationship()


class ActionPlanTheme(Base):
    """One numbered theme of an action plan, with who is responsible on each side."""

    __tablename__ = "action_plan_themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    finnish_bodies: Mapped[str] = mapped_column(String(500), default="")
    chinese_bodies: Mapped[str] = mapped_column(String(500), default="")
    progress: Mapped[str] = mapped_column(String(20), default="not_started")
    progress_note: Mapped[str] = mapped_column(Text, default="")

    agreement: Mapped[Agreement] = relationship(back_populates="plan_themes")

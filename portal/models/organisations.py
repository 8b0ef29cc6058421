"""The organisation registry: one row per real Chinese body, shared by the whole network."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base
from portal.models.reference import ChinesePlace
from portal.timeutil import utcnow

ORGANISATION_KINDS = (
    "government",
    "company",
    "university",
    "school",
    "association",
    "media",
    "other",
)


class Organisation(Base):
    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('" + "','".join(ORGANISATION_KINDS) + "')",
            name="kind",
        ),
        Index("ix_organisations_match_en", "match_en"),
        Index("ix_organisations_match_zh", "match_zh"),
        Index("ix_organisations_match_pinyin", "match_pinyin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name_en: Mapped[str] = mapped_column(String(300))
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    pinyin: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[str] = mapped_column(String(20), default="other")
    place_id: Mapped[int | None] = mapped_column(ForeignKey("chinese_places.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    website: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # Keys for catching duplicates (see portal.services.organisation_matching).
    match_en: Mapped[str] = mapped_column(String(300), default="")
    match_zh: Mapped[str] = mapped_column(String(200), default="")
    match_pinyin: Mapped[str] = mapped_column(String(300), default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    # A merged organisation stays as a pointer to the one it was merged into, so that old
    # links still lead somewhere; it appears in no list.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    place: Mapped[ChinesePlace | None] = relationship()
    parent: Mapped[Organisation | None] = relationship(remote_side=[id], foreign_keys=[parent_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def live(self) -> bool:
        return self.merged_into_id is None and self.archived_at is None

"""Imports of the cities' own spreadsheets (issue 12): the uploaded file until it is
imported, what each imported row became, and each city's remembered column mapping."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from portal.models.base import Base
from portal.timeutil import utcnow

IMPORT_STATES = ("draft", "done", "undone")


class ImportBatch(Base):
    """One uploaded file. ``draft`` from upload until confirmed (only then is anything of
    it written as records), ``done`` once imported, ``undone`` once its records were
    archived again. The file is kept while it is a draft and dropped once imported."""

    __tablename__ = "import_batches"
    __table_args__ = (
        CheckConstraint("state IN ('" + "','".join(IMPORT_STATES) + "')", name="state"),
        Index("ix_import_batches_city_created", "city_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"))
    kind: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(10), default="draft")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_at: Mapped[datetime | None]
    rows_created: Mapped[int] = mapped_column(default=0)
    rows_linked: Mapped[int] = mapped_column(default=0)
    rows_skipped: Mapped[int] = mapped_column(default=0)
    undone_at: Mapped[datetime | None]
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    city = relationship("City")
    created_by = relationship("User", foreign_keys=[created_by_id])


class ImportedRecord(Base):
    """A record an import created, with the row it came from and that row's fingerprint
    (the same row in a later upload is found by it and offered to be skipped)."""

    __tablename__ = "imported_records"
    __table_args__ = (
        Index("ix_imported_records_fingerprint", "kind", "fingerprint"),
        Index("ix_imported_records_batch", "batch_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int]
    row_number: Mapped[int]
    fingerprint: Mapped[str] = mapped_column(String(64))

    batch = relationship("ImportBatch")


class ImportMapping(Base):
    """A city's last confirmed mapping of a kind's columns: ``{header as typed: field}``."""

    __tablename__ = "import_mappings"
    __table_args__ = (UniqueConstraint("city_id", "kind", name="uq_import_mappings_city_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    mapping: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)

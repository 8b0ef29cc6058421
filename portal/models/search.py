"""The search index: one row per searchable record, with what the visibility rules need
(city, visibility, partner cities) and the facets (kind, themes, place, year, status).

The full-text part lives beside it and differs per database (portal.search.backends): an
FTS5 table on SQLite, a generated tsvector column with a GIN index on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base
from portal.models.reference import City, Theme

search_document_themes = Table(
    "search_document_themes",
    Base.metadata,
    Column("document_id", ForeignKey("search_documents.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_search_document_themes_theme_id", "theme_id"),
)
search_document_partners = Table(
    "search_document_partners",
    Base.metadata,
    Column("document_id", ForeignKey("search_documents.id", ondelete="CASCADE"), primary_key=True),
    Column("city_id", ForeignKey("cities.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_search_document_partners_city_id", "city_id"),
)


class SearchDocument(Base):
    __tablename__ = "search_documents"
    __table_args__ = (
        UniqueConstraint("kind", "record_id"),
        Index("ix_search_documents_city_visibility", "city_id", "visibility"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    record_id: Mapped[int]
    # None for network-wide records (organisations), which are shared by nature.
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    visibility: Mapped[str] = mapped_column(String(10))
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(String(300))
    title_zh: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(String(400), default="")
    body: Mapped[str] = mapped_column(Text)  # folded text, Chinese as bigrams
    year: Mapped[int | None] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20), default="")
    place_id: Mapped[int | None] = mapped_column(ForeignKey("chinese_places.id"), index=True)

    city: Mapped[City | None] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=search_document_themes)
    partner_cities: Mapped[list[City]] = relationship(secondary=search_document_partners)


class SearchIndexPart(Base):
    """A token per kind of record and city, changed like SearchIndexState's in the same
    transaction whenever a record of that kind of that city is indexed or leaves the index:
    what is computed from one city's records of one kind (the overview's shares) is kept
    under it, so a write computes again only the part it changed. A row appears with the
    first write of its kind and city (the migration that made the table gave one to every
    city's part that had records then). The records of no city (organisations) are the part
    of city 0 (index.NO_CITY), whose row comes with the first such write after 0026."""

    __tablename__ = "search_index_parts"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    city_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(String(32))


class SearchIndexState(Base):
    """One row whose token changes, in the same transaction, with every write to the index:
    cached search results are keyed by it, so no worker serves results older than the index.
    A random token (not a counter) so that a rolled-back change can never be mistaken for a
    later one."""

    __tablename__ = "search_index_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))

"""China contacts (people) and the log of interactions with them; both owned by a city."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base
from portal.models.mixins import CityOwned, scope_index, theme_links, visibility_check
from portal.models.organisations import Organisation
from portal.models.reference import Theme

LEGAL_BASES = ("public_task", "legitimate_interest", "consent", "contract")
INTERACTION_KINDS = ("meeting", "visit", "call", "message", "event")

contact_themes = theme_links("contact_themes", "contacts", "contact_id")
interaction_themes = theme_links("interaction_themes", "interactions", "interaction_id")
interaction_contacts = Table(
    "interaction_contacts",
    Base.metadata,
    Column("interaction_id", ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_interaction_contacts_contact_id", "contact_id"),
)
interaction_organisations = Table(
    "interaction_organisations",
    Base.metadata,
    Column("interaction_id", ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True),
    # With the interaction's id: "who knows whom" finds an organisation's interactions in
    # the index alone.
    Index("ix_interaction_organisations_organisation_id", "organisation_id", "interaction_id"),
)


class Contact(CityOwned, Base):
    """A person the city deals with. Personal data: private to the city unless shared."""

    __tablename__ = "contacts"
    __table_args__ = (
        visibility_check(),
        CheckConstraint(
            "legal_basis IN ('public_task', 'legitimate_interest', 'consent', 'contract')",
            name="legal_basis",
        ),
        scope_index("contacts"),
        # The list's order, with what its filter reads (the restriction too): page after
        # page without sorting and without reading a row the page does not show.
        Index(
            "ix_contacts_by_name",
            "family_name",
            "given_name",
            "name_zh",
            "id",
            "city_id",
            "visibility",
            "archived_at",
            "restricted_at",
        ),
        # An organisation's contacts with what "who knows whom" reads of each (its scope and
        # its order): a busy organisation's thousand contacts are counted from the index
        # without a look-up in the table apiece (SQLite 7 -> 2 ms at Beijing's).
        Index(
            "ix_contacts_by_organisation",
            "organisation_id",
            "archived_at",
            "city_id",
            "visibility",
            "restricted_at",
            "family_name",
            "given_name",
            "id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family_name: Mapped[str] = mapped_column(String(120), default="")
    given_name: Mapped[str] = mapped_column(String(120), default="")
    family_name_first: Mapped[bool] = mapped_column(default=True)
    name_zh: Mapped[str] = mapped_column(String(60), default="")
    pinyin: Mapped[str] = mapped_column(String(120), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    wechat: Mapped[str] = mapped_column(String(60), default="")
    languages: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    legal_basis: Mapped[str] = mapped_column(String(30), default="public_task")
    last_verified_on: Mapped[date | None]
    # Restricted (GDPR Article 18): kept, but hidden from everyone but the city's data
    # protection officers, and changed by no one, until the restriction is lifted.
    restricted_at: Mapped[datetime | None]
    restriction_reason: Mapped[str] = mapped_column(String(400), default="")

    organisation: Mapped[Organisation | None] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=contact_themes, order_by=Theme.position)

    @property
    def display_name(self) -> str:
        """The name in its own order: family name first for Chinese names by default."""
        return display_name(self)


def display_name(person) -> str:
    """A contact's name in its own order (family name first for Chinese names by default),
    else its pinyin or characters: of a Contact, or of anything with its name fields."""
    parts = (
        [person.family_name, person.given_name]
        if person.family_name_first
        else [person.given_name, person.family_name]
    )
    latin = " ".join(p for p in parts if p)
    return latin or person.pinyin or person.name_zh


class Interaction(CityOwned, Base):
    """A dated meeting, visit, call, message or event with contacts and organisations."""

    __tablename__ = "interactions"
    __table_args__ = (
        visibility_check(),
        CheckConstraint(
            "kind IN ('" + "','".join(INTERACTION_KINDS) + "')",
            name="kind",
        ),
        Index("ix_interactions_city_follow_up", "city_id", "follow_up_on"),
        scope_index("interactions"),
        Index(
            "ix_interactions_by_date",
            "occurred_on",
            "id",
            "city_id",
            "visibility",
            "archived_at",
        ),
        # What "who knows whom" reads of an interaction it reached through an organisation:
        # a busy place's thousand interactions are counted without reading their rows
        # (SQLite 8 -> 3 ms at Beijing's, with the link table's index carrying the id).
        Index(
            "ix_interactions_who_knows",
            "id",
            "archived_at",
            "city_id",
            "visibility",
            "occurred_on",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_on: Mapped[date] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    follow_up_on: Mapped[date | None]
    follow_up_done: Mapped[bool] = mapped_column(default=False)

    contacts: Mapped[list[Contact]] = relationship(secondary=interaction_contacts)
    organisations: Mapped[list[Organisation]] = relationship(secondary=interaction_organisations)
    themes: Mapped[list[Theme]] = relationship(
        secondary=interaction_themes, order_by=Theme.position
    )

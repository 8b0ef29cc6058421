"""Reference data: the 21 C21 cities (the tenants), themes, Chinese places, known partnerships."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base

PLACE_KINDS = ("municipality", "province", "autonomous_region", "sar", "city", "district")
PARTNERSHIP_KINDS = ("sister_city", "partner_city", "friendship_city", "cooperation", "memorandum")


class LocalName:
    """The name in the interface language of the request (portal.formatting.language)."""

    def name(self, locale: str = "en") -> str:
        raise NotImplementedError

    @property
    def local_name(self) -> str:
        from portal.formatting import language

        return self.name(language())


class City(LocalName, Base):
    """A C21 member city: the tenant that owns records."""

    __tablename__ = "cities"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name_fi: Mapped[str] = mapped_column(String(80))
    name_sv: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    region_fi: Mapped[str] = mapped_column(String(80))
    population: Mapped[int]
    # Approximate coordinates of the city centre, for the network map.
    lat: Mapped[float | None]
    lon: Mapped[float | None]

    partnerships: Mapped[list[CityPartnership]] = relationship(
        back_populates="city", order_by="CityPartnership.since_year"
    )

    def name(self, locale: str = "en") -> str:
        return {"fi": self.name_fi, "sv": self.name_sv}.get(locale, self.name_en)

    def __repr__(self) -> str:
        return f"<City {self.slug}>"


class Theme(LocalName, Base):
    """A subject of co-operation (tourism, winter sports, ...); admins add more."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_fi: Mapped[str] = mapped_column(String(120))
    name_sv: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=100)
    active: Mapped[bool] = mapped_column(default=True)

    def name(self, locale: str = "en") -> str:
        return {"fi": self.name_fi, "sv": self.name_sv}.get(locale, self.name_en)


class ChinesePlace(LocalName, Base):
    """A province-level division, city or district of China."""

    __tablename__ = "chinese_places"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('" + "','".join(PLACE_KINDS) + "')",
            name="kind",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name_en: Mapped[str] = mapped_column(String(120))
    # Finnish and Swedish exonyms where the language has its own (Peking, Kanton); empty
    # where the English (pinyin) name is used as is.
    name_fi: Mapped[str] = mapped_column(String(120), default="")
    name_sv: Mapped[str] = mapped_column(String(120), default="")
    name_zh: Mapped[str] = mapped_column(String(60))
    pinyin: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(30))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("chinese_places.id"))
    lat: Mapped[float | None]
    lon: Mapped[float | None]

    parent: Mapped[ChinesePlace | None] = relationship(remote_side=[id])

    def name(self, locale: str = "en") -> str:
        return {"fi": self.name_fi, "sv": self.name_sv}.get(locale) or self.name_en


class CityPartnership(Base):
    """A publicly known relation between a C21 city and a Chinese place (sister city, ...)."""

    __tablename__ = "city_partnerships"
    __table_args__ = (
        UniqueConstraint("city_id", "place_id", "kind"),
        CheckConstraint("kind IN ('" + "','".join(PARTNERSHIP_KINDS) + "')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("chinese_places.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    since_year: Mapped[int | None]
    note: Mapped[str] = mapped_column(String(300), default="")

    city: Mapped[City] = relationship(back_populates="partnerships")
    place: Mapped[ChinesePlace] = relationship()

"""Columns every city-owned record carries (contacts, interactions, projects, ...)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column


class Visibility(StrEnum):
    CITY = "city"  # only the owning city (and admins)
    NETWORK = "network"  # every user of the network


class CityOwned:
    """Mixin: the tenant, the visibility and the archive mark. The rules over these columns
    live in portal.security.permissions and nowhere else."""

    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    visibility: Mapped[str] = mapped_column(String(10), default=Visibility.CITY.value)
    archived_at: Mapped[datetime | None]

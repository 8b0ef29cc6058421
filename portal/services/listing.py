"""The filters every list of city-owned records shares (theme, organisation, Chinese place,
visibility, city, free text, archived), applied on top of the scoped query."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select

from portal.models.accounts import Role
from portal.models.organisations import Organisation
from portal.models.reference import ChinesePlace, City, Theme
from portal.textfold import like_pattern


@dataclass
class RecordFilter:
    q: str = ""
    theme: Theme | None = None
    organisation: Organisation | None = None
    place: ChinesePlace | None = None
    visibility: str = ""
    city: City | None = None
    archived: bool = False
    sort: str = ""

    @property
    def active(self) -> bool:
        return bool(
            self.q
            or self.theme
            or self.organisation
            or self.place
            or self.visibility
            or self.city
            or self.archived
        )


def apply_filter(stmt: Select, model, flt: RecordFilter, *, actor) -> Select:
    """Narrow a scoped SELECT of ``model`` by ``flt``. The scope itself (what the actor may
    see at all) must already be in ``stmt``: see permissions.select_visible."""
    from portal.services.organisations import place_and_children

    if flt.archived:
        # The archive is the owning city's: only its writers restore from it.
        stmt = stmt.where(model.archived_at.is_not(None))
        if actor.role != Role.ADMIN:
            stmt = stmt.where(model.city_id == actor.city_id)
    else:
        stmt = stmt.where(model.archived_at.is_(None))
    if flt.q.strip():
        stmt = stmt.where(model.search_text.like(like_pattern(flt.q), escape="\\"))
    if flt.theme is not None:
        stmt = stmt.where(model.themes.any(Theme.id == flt.theme.id))
    if flt.visibility in ("city", "network"):
        stmt = stmt.where(model.visibility == flt.visibility)
    if flt.city is not None:
        stmt = stmt.where(model.city_id == flt.city.id)
    if flt.place is not None:
        in_place = Organisation.place_id.in_(place_and_children(flt.place))
        if hasattr(model, "organisations"):
            stmt = stmt.where(model.organisations.any(in_place))
        else:
            stmt = stmt.where(model.organisation.has(in_place))
    return stmt

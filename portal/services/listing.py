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
    status: str = ""
    kind: str = ""

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
        if hasattr(model, "theme_id"):  # expertise offers have one theme
            stmt = stmt.where(model.theme_id == flt.theme.id)
        else:
            stmt = stmt.where(model.themes.any(Theme.id == flt.theme.id))
    if flt.visibility in ("city", "network"):
        stmt = stmt.where(model.visibility == flt.visibility)
    if flt.city is not None:
        city_condition = model.city_id == flt.city.id
        if hasattr(model, "partner_cities"):
            # A project belongs to its partner cities' lists too.
            city_condition = city_condition | model.partner_cities.any(City.id == flt.city.id)
        stmt = stmt.where(city_condition)
    if flt.status and hasattr(model, "status"):
        stmt = stmt.where(model.status == flt.status)
    if flt.kind and hasattr(model, "kind"):
        stmt = stmt.where(model.kind == flt.kind)
    if flt.place is not None:
        places = place_and_children(flt.place)
        in_place = Organisation.place_id.in_(places)
        if hasattr(model, "counterpart_place_id"):  # agreements: their counterpart too
            stmt = stmt.where(
                model.counterpart_place_id.in_(places) | model.organisations.any(in_place)
            )
        elif hasattr(model, "organisations"):
            stmt = stmt.where(model.organisations.any(in_place))
        elif hasattr(model, "organisation"):
            stmt = stmt.where(model.organisation.has(in_place))
    return stmt

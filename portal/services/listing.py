"""The filters every list of city-owned records shares (theme, organisation, Chinese place,
visibility, city, free text, archived), applied on top of the scoped query."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Select, select

from portal.extensions import db
from portal.input_safety import parse_id
from portal.models.accounts import User
from portal.models.organisations import Organisation
from portal.models.reference import ChinesePlace, City, Theme
from portal.security.permissions import archived_filter


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
    def searched(self) -> bool:
        """Whether the list is narrowed by free text (found through the search engine)."""
        return bool(self.q.strip())

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


def linked_to_organisations(model, organisation_condition):
    """``model.id IN (the ids its link table pairs with the matching organisations)``; for
    contacts, their one organisation.

    Not ``model.organisations.any(...)``: SQLite plans that as a correlated subquery run
    for every row of the model (every interaction of the network per request); this form
    starts from the link table's organisation index."""
    matching = select(Organisation.id).where(organisation_condition)
    if not hasattr(model, "organisations"):
        return model.organisation_id.in_(matching)
    link = model.organisations.property.secondary
    own_column = next(c for c in link.c if c.references(model.__table__.c.id))
    organisation_column = next(c for c in link.c if c.references(Organisation.__table__.c.id))
    return model.id.in_(select(own_column).where(organisation_column.in_(matching)))


def filter_from(args: Mapping[str, str]) -> RecordFilter:
    """The list filters a query string names (unknown names are left out)."""
    from portal.services.organisations import place_by_slug

    theme_slug, city_slug = args.get("theme"), args.get("city")
    organisation_id = parse_id(args.get("organisation"))
    return RecordFilter(
        q=args.get("q", "")[:200],
        theme=db.session.scalar(select(Theme).where(Theme.slug == theme_slug))
        if theme_slug
        else None,
        organisation=db.session.get(Organisation, organisation_id) if organisation_id else None,
        place=place_by_slug(args.get("place")),
        visibility=args.get("visibility", ""),
        city=db.session.scalar(select(City).where(City.slug == city_slug)) if city_slug else None,
        archived=args.get("archived") == "1",
        sort=args.get("sort", ""),
        status=args.get("status", "")[:30],
        kind=args.get("kind", "")[:30],
    )


def _matching(model, query: str, actor: User, archived: bool):
    """The records of ``model`` whose words match ``query``, through the search index (so
    a list's free text finds what search finds, without reading every row's text)."""
    from portal import kinds
    from portal.search import backends, marks

    dialect = db.engine.dialect.name
    kind = kinds.of(model).key
    if backends.expression(dialect, query) is None:  # only punctuation: every row
        return model.id.is_not(None)
    # The kind's mark lets the engine skip the other kinds' documents while it matches, and
    # the reader's marks those the list's scope would drop after (a common name matched
    # 10,000 contacts, a third of them visible: the rest were read and looked up for
    # nothing). An archived record's document has no reader's marks: the archive's
    # search keeps to the kind, and the list's scope decides.
    groups = [[marks.kind(kind)]]
    reader = marks.of_reader(actor)
    if not archived and reader is not None:
        groups.append(reader)
    expression = backends.expression(dialect, query, groups)
    assert expression is not None
    found = backends.records_matching(dialect, kind, expression)
    return model.id.in_(select(found.c.record_id))


def apply_filter(stmt: Select, model, flt: RecordFilter, *, actor: User) -> Select:
    """Narrow a scoped SELECT of ``model`` by ``flt``. The scope itself (what the actor may
    see at all) must already be in ``stmt``: see permissions.select_visible."""
    from portal.services.organisations import place_and_children

    if flt.archived:
        stmt = stmt.where(archived_filter(actor, model))
    else:
        stmt = stmt.where(model.archived_at.is_(None))
    if flt.searched:
        stmt = stmt.where(_matching(model, flt.q, actor, flt.archived))
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
    if flt.organisation is not None and (
        hasattr(model, "organisations") or hasattr(model, "organisation_id")
    ):
        stmt = stmt.where(linked_to_organisations(model, Organisation.id == flt.organisation.id))
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

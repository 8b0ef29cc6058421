"""What the views of every city-owned record kind share: reading list filters from the
query string, the city a new record belongs to, and the archive and restore buttons."""

from __future__ import annotations

from flask import flash, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.extensions import db
from portal.models.accounts import Role
from portal.models.organisations import Organisation
from portal.models.reference import City, Theme
from portal.security.permissions import deny, require
from portal.services.errors import ValidationError
from portal.services.listing import RecordFilter
from portal.services.organisations import place_by_slug


def filter_from_request() -> RecordFilter:
    """The list filters of the query string, so that a filtered list can be bookmarked."""
    args = request.args
    theme = (
        db.session.scalar(select(Theme).where(Theme.slug == args["theme"]))
        if args.get("theme")
        else None
    )
    organisation = (
        db.session.get(Organisation, int(args["organisation"]))
        if args.get("organisation", "").isdigit()
        else None
    )
    city = (
        db.session.scalar(select(City).where(City.slug == args["city"]))
        if args.get("city")
        else None
    )
    return RecordFilter(
        q=args.get("q", "")[:200],
        theme=theme,
        organisation=organisation,
        place=place_by_slug(args.get("place")),
        visibility=args.get("visibility", ""),
        city=city,
        archived=args.get("archived") == "1",
        sort=args.get("sort", ""),
    )


def page_number() -> int:
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


def city_for_new_record(form_city_slug: str | None = None) -> City:
    """The city a new record will belong to: the user's own; an admin, who has none, picks
    one on the form. Others without a city may not create city records (403)."""
    if current_user.city_id is not None:
        city = current_user.city
    elif current_user.role == Role.ADMIN:
        city = (
            db.session.scalar(select(City).where(City.slug == form_city_slug))
            if form_city_slug
            else None
        )
        if city is None:
            city = db.session.scalar(select(City).order_by(City.population.desc()))
    else:
        city = None
    if city is None:
        deny(current_user, "city.create_records", "cities", None, status=403)
    require(current_user, "city.create_records", city)
    return city


def run_archive_action(service, record, done_message: str) -> None:
    """Archive or restore through ``service`` and say what happened."""
    try:
        service(current_user, record)
    except ValidationError:
        db.session.rollback()
        flash(_("Nothing to do: the record was already in that state."), "info")
        return
    db.session.commit()
    flash(done_message, "success")

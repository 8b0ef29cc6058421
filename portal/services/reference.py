"""Loading the reference data shipped in portal/reference/: cities, themes, Chinese places
and the publicly known city partnerships. Idempotent: run it as often as you like; it adds
what is missing and updates what changed, matching rows by slug."""

from __future__ import annotations

import csv
from importlib import resources
from typing import Any

from sqlalchemy import select

from portal.extensions import db
from portal.models.meetings import MeetingSeries
from portal.models.reference import ChinesePlace, City, CityPartnership, Theme


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("portal.reference").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def shipped_themes() -> list[dict[str, Any]]:
    """The themes as shipped, in order: each one's slug, names and position."""
    return [
        {**row, "position": position * 10}
        for position, row in enumerate(_rows("themes.csv"), start=1)
    ]


def _upsert(
    model: type[Any], key: str, values: dict[str, Any], *, update: bool = True
) -> tuple[Any, bool]:
    row = db.session.scalar(select(model).where(getattr(model, key) == values[key]))
    if row is None:
        row = model(**values)
        db.session.add(row)
        return row, True
    if not update:
        return row, False
    for field, value in values.items():
        if getattr(row, field) != value:
            setattr(row, field, value)
    return row, False


SERIES_SLUG = "c21-china"


def load_reference_data() -> dict[str, int]:
    """Bring the reference tables up to date; returns how many rows of each kind were new.

    For the operator (command line) and the test set-up; the caller commits.
    """
    added = {"cities": 0, "themes": 0, "places": 0, "partnerships": 0, "series": 0}
    for row in _rows("cities.csv"):
        _, new = _upsert(
            City,
            "slug",
            {
                "slug": row["slug"],
                "name_fi": row["name_fi"],
                "name_sv": row["name_sv"],
                "name_en": row["name_fi"],  # the English names are the Finnish ones
                "region_fi": row["region_fi"],
                "population": int(row["population_approx"]),
                "lat": float(row["lat"]),
                "lon": float(row["lon"]),
            },
        )
        added["cities"] += new
    for values in shipped_themes():
        # Admins rename, order and retire themes once they exist: only new ones are added.
        _, new = _upsert(Theme, "slug", values, update=False)
        added["themes"] += new
    places: dict[str, ChinesePlace] = {}
    for row in _rows("places.csv"):
        parent = places.get(row.pop("parent")) if row.get("parent") else None
        row.pop("parent", None)
        coordinates = {"lat": float(row.pop("lat")), "lon": float(row.pop("lon"))}
        place, new = _upsert(ChinesePlace, "slug", {**row, **coordinates, "parent": parent})
        places[place.slug] = place
        added["places"] += new
    db.session.flush()
    cities = {c.slug: c for c in db.session.scalars(select(City))}
    for row in _rows("partnerships.csv"):
        city, place = cities[row["city"]], places[row["place"]]
        existing = db.session.scalar(
            select(CityPartnership).where(
                CityPartnership.city_id == city.id,
                CityPartnership.place_id == place.id,
                CityPartnership.kind == row["kind"],
            )
        )
        since = int(row["since_year"]) if row["since_year"] else None
        if existing is None:
            db.session.add(
                CityPartnership(
                    city=city, place=place, kind=row["kind"], since_year=since, note=row["note"]
                )
            )
            added["partnerships"] += 1
        else:
            existing.since_year, existing.note = since, row["note"]
    # The network's meeting series; its standard items are the coordinators' to change, so
    # an existing series is left as it is.
    if db.session.scalar(select(MeetingSeries).where(MeetingSeries.slug == SERIES_SLUG)) is None:
        db.session.add(
            MeetingSeries(
                slug=SERIES_SLUG,
                name="C21 China network",
                description=(
                    "The China network of the C21 cities, founded by the mayors of Finland's "
                    "21 largest cities in 2018; it meets twice a year."
                ),
            )
        )
        added["series"] += 1
    db.session.flush()
    return added

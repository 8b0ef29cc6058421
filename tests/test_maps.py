"""The network map (issue 15): Natural Earth outlines in a projection per country, labels
that never overlap (crowded ones in a list with leader lines), partnerships and agreements
told apart by shape, a summary in words; nothing fetched, no inline style."""

from __future__ import annotations

import itertools
import re

from portal.maps import (
    CHINA_BOUNDS,
    CHINA_LIST_X,
    FINLAND_BOUNDS,
    FINLAND_LIST_X,
    Link,
    network_map,
    outlines,
    panels,
    place_labels,
)


def _disjoint(labels) -> bool:
    return not any(
        a.box[0] < b.box[2] and b.box[0] < a.box[2] and a.box[1] < b.box[3] and b.box[1] < a.box[3]
        for a, b in itertools.combinations(labels, 2)
    )


def test_crowded_labels_never_overlap_and_the_crowd_goes_to_a_list():
    # Helsinki, Espoo, Vantaa, Kauniainen and Sipoo a few pixels apart, as on the map.
    points = [
        ("Helsinki", 110.0, 530.0),
        ("Espoo", 103.0, 528.0),
        ("Vantaa", 112.0, 523.0),
        ("Kauniainen", 106.0, 527.0),
        ("Sipoo", 118.0, 525.0),
        ("Järvenpää", 114.0, 518.0),
    ]
    labels = place_labels(points, bounds=(0, 0, 360, 540), list_x=262)
    assert {label.text for label in labels} == {p[0] for p in points}
    assert _disjoint(labels)
    assert any(label.leader for label in labels)
    for label in labels:
        assert label.box[0] >= 0 and label.box[2] <= 360 + 200 and label.box[3] <= 540 + 200
    # No label covers another point's dot.
    for label in labels:
        for text, x, y in points:
            if text != label.text:
                assert not (label.box[0] < x < label.box[2] and label.box[1] < y < label.box[3])


def test_a_lone_point_is_labelled_beside_it():
    (label,) = place_labels([("Oulu", 120.0, 280.0)], bounds=(0, 0, 360, 540), list_x=262)
    assert not label.leader and label.anchor == "start" and label.x > 120


def _links():
    return [
        Link("Helsinki", 60.17, 24.94, "Beijing", 39.9, 116.4, "Helsinki – Beijing", "agreement"),
        Link("Espoo", 60.21, 24.66, "Shanghai", 31.23, 121.47, "Espoo – Shanghai"),
        Link("Vantaa", 60.29, 25.04, "Pudong", 31.22, 121.54, "Vantaa – Pudong"),
        Link("Kauniainen", 60.21, 24.73, "Hangzhou", 30.27, 120.15, "Kauniainen – Hangzhou"),
        Link("Oulu", 65.01, 25.47, "Shenzhen", 22.54, 114.06, "Oulu – Shenzhen"),
    ]


def test_the_map_is_drawn_from_natural_earth_with_shapes_for_each_kind_of_link():
    shapes = outlines()
    assert "Natural Earth" in shapes["source"] and "public domain" in shapes["licence"]
    assert sum(len(r) for r in shapes["finland"]) > 100  # not a hand-typed outline
    cities = [(link.city, link.city_lat, link.city_lon) for link in _links()]
    svg = str(network_map(_links(), cities, title="The map", summary="Five links."))
    assert svg.count('class="map-land"') == 2
    assert svg.count("<rect") == 1 and 'class="map-place agreement"' in svg  # Beijing
    assert svg.count('class="map-place"') == 4  # circles for the partnerships
    assert 'class="map-link agreement"' in svg and svg.count('class="map-link partnership"') == 4
    assert '<desc id="map-desc">Five links.</desc>' in svg
    assert "style=" not in svg and not re.search(r'(href|src)="', svg)  # CSP-clean, fetches nothing
    # Every name is on the map once, as text.
    for name in ("Helsinki", "Espoo", "Vantaa", "Kauniainen", "Oulu", "Beijing", "Pudong"):
        assert svg.count(f">{name}</text>") == 1


def test_the_overview_map_says_what_it_shows_in_words(app, client_as):
    client, _ = client_as("viewer", "helsinki")
    page = client.get("/overview").get_data(as_text=True)
    desc = re.search(r'<desc id="map-desc">(.*?)</desc>', page).group(1)
    # The reference data's known partnerships are on it.
    assert "links between" in desc and "city partnerships (circles, dashed lines)" in desc
    assert "The table below the map lists every link." in desc


def test_labels_of_all_21_cities_and_every_partner_place_never_overlap(app):
    """The reference data: every C21 city labelled at once (more than the map ever labels)
    and every Chinese place of a known partnership."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import City, CityPartnership

    finland, china = panels()
    with app.app_context():
        cities = [(c.name_fi, *finland(c.lon, c.lat)) for c in db.session.scalars(select(City))]
        places = {
            p.place.name_en: china(p.place.lon, p.place.lat)
            for p in db.session.scalars(select(CityPartnership))
        }
    assert len(cities) == 21 and len(places) >= 10
    city_labels = place_labels(cities, bounds=FINLAND_BOUNDS, list_x=FINLAND_LIST_X)
    place_points = [(name, x, y) for name, (x, y) in places.items()]
    place_labels_ = place_labels(place_points, bounds=CHINA_BOUNDS, list_x=CHINA_LIST_X)
    assert len(city_labels) == 21 and len(place_labels_) == len(places)
    assert _disjoint(city_labels + place_labels_)

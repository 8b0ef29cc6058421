"""Values kept per part (portal.caching.per_part_state): a kind of record and a city, whose
token every write of that city's records of that kind changes (issue 18)."""

from __future__ import annotations

import re

import pytest


def _home_counts(client) -> dict[str, int]:
    page = client.get("/").get_data(as_text=True)
    counts = page[page.index('<ul class="counts">') :]
    counts = counts[: counts.index("</ul>")]
    found = re.findall(r">(\d+) (contact|interaction|project|event)s?<", counts)
    return {kind: int(n) for n, kind in found}


def test_a_citys_counts_are_counted_again_after_its_own_writes_of_that_kind_only(
    app, client_as, make_contact, make_record, monkeypatch
):
    """The home page's counts of the city's records: a write of another city, or of another
    kind, counts nothing again; the city's own write of a kind counts that kind again, and
    the figure is the new one (its private records, and archiving, included)."""
    from portal import caching
    from portal.extensions import db
    from portal.models import Contact
    from portal.timeutil import utcnow

    counted: list[list[str]] = []
    real = caching.per_part_state

    def watching(name, key, parts, compute, **options):
        def compute_and_note(missing):
            counted.append(sorted(kind for kind, _city in missing))
            return compute(missing)

        return real(name, key, parts, compute_and_note, **options)

    monkeypatch.setattr(caching, "per_part_state", watching)
    wang = make_contact("helsinki", "city", family_name="Wang")
    make_record("project", "helsinki", "network")
    client, _ = client_as("officer", "helsinki")
    assert _home_counts(client) == {"contact": 1, "interaction": 0, "project": 1, "event": 0}
    counted.clear()
    make_contact("espoo", "network", family_name="Li")  # another city
    make_record("event", "helsinki", "city")  # another kind
    assert _home_counts(client) == {"contact": 1, "interaction": 0, "project": 1, "event": 1}
    assert counted == [["event"]]
    counted.clear()
    make_contact("helsinki", "network", family_name="Zhang")
    assert _home_counts(client)["contact"] == 2 and counted == [["contact"]]
    counted.clear()
    with app.app_context():
        db.session.get(Contact, wang).archived_at = utcnow()
        db.session.commit()
    assert _home_counts(client)["contact"] == 1 and counted == [["contact"]]


def test_only_what_the_index_holds_is_kept_per_part(app):
    """A kind whose writes change no token (not in the search index) cannot be kept per
    part: its kept value would never be renewed."""
    from portal.caching import per_part_state

    with app.app_context(), pytest.raises(ValueError, match="audit"):
        per_part_state("x", None, [("audit", 1)], lambda parts: {p: 0 for p in parts})

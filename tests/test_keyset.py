"""Paging by where the last page ended (portal.services.keyset): every list, in every order
it offers, shows each record exactly once and in the same order as paging by number, also
where the sorted columns tie or hold NULL, backwards as well as forwards; a cursor that is
not one of the user's rows changes nothing; and a deep page seeks instead of skipping."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import update

from portal.extensions import db
from portal.models import Agreement, Contact, Project, User
from portal.services import (
    agreements,
    contacts,
    events,
    expertise,
    interactions,
    organisations,
    projects,
)
from portal.services.listing import RecordFilter
from portal.services.records import Position

PER_PAGE = 3


def _fill(factories) -> None:
    """Records whose sorted columns tie (the same names, dates and titles) and hold NULL
    (no follow-up, no signing date, never verified, no start date), in two cities."""
    for i in range(18):
        city = ["helsinki", "espoo", "helsinki", "helsinki"][i % 4]
        shared = ["city", "network"][i % 2]
        factories.contact(city, shared, family_name=["Wang", "Li"][i % 2], given_name="Wei")
        factories.interaction(
            city,
            shared,
            title=["Visit", "Call"][i % 2],
            occurred_on=date(2026, 1, 1 + i % 3),
            follow_up_on=date(2026, 2, 1) if i % 3 == 0 else None,
        )
        factories.record("project", city, shared, title=["Schools", "Water"][i % 2])
        factories.record("event", city, shared, starts_on=date(2026, 2, 27) + timedelta(days=i % 4))
        factories.record("agreement", city, shared, title="Plan")
        factories.record("offer", city, shared, title=["Ports", "Parks"][i % 2])
        factories.organisation(name_en=f"Bureau {i % 5}")
    # NULLs where the columns allow them, and values that tie with them.
    db.session.execute(
        update(Contact).where(Contact.id % 3 == 0).values(last_verified_on=date(2026, 1, 1))
    )
    db.session.execute(update(Agreement).where(Agreement.id % 2 == 0).values(signed_on=None))
    db.session.execute(update(Project).where(Project.id % 3 == 0).values(starts_on=None))
    db.session.execute(
        update(Project).where(Project.id % 3 == 1).values(starts_on=date(2026, 4, 1))
    )
    db.session.commit()


# Each list with each of its orders (the filter's ``sort``; events by ``when``).
LISTS = [
    *((contacts.list_contacts, sort) for sort in ("", "updated", "verified")),
    *((interactions.list_interactions, sort) for sort in ("", "oldest", "title", "follow_up")),
    *((projects.list_projects, sort) for sort in ("", "title", "updated")),
    (agreements.list_agreements, ""),
    (expertise.list_offers, ""),
    *(
        (
            lambda actor, flt, *, page, per_page, when=when: events.list_events(
                actor, flt, when=when, today=date(2026, 3, 1), page=page, per_page=per_page
            ),
            f"events {when}",
        )
        for when in ("upcoming", "past", "all")
    ),
    (
        lambda actor, flt, *, page, per_page: organisations.list_organisations(
            page=page, per_page=per_page
        ),
        "organisations",
    ),
]


def _ids(page) -> list[int]:
    return [r.id for r in page.items]


LIST_IDS = [
    sort
    if sort.startswith(("events", "organisations"))
    else f"{lister.__name__} {sort or 'default'}"
    for lister, sort in LISTS
]


@pytest.mark.parametrize(("lister", "sort"), LISTS, ids=LIST_IDS)
def test_paging_by_cursor_shows_what_paging_by_number_shows(app, factories, lister, sort):
    with app.app_context():
        _fill(factories)
    with app.test_request_context():
        officer = db.session.get(User, factories.user("officer", "helsinki").id)
        flt = RecordFilter(sort=sort if lister.__name__.startswith("list_") else "")
        by_number = []
        number = 1
        while True:
            page = lister(officer, flt, page=number, per_page=PER_PAGE)
            by_number.append(_ids(page))
            if not page.has_next:
                break
            number += 1
        assert len(by_number) >= 3  # several pages, so that the cursors are used
        assert len({i for p in by_number for i in p}) == sum(len(p) for p in by_number)

        forwards = [by_number[0]]
        page = lister(officer, flt, page=1, per_page=PER_PAGE)
        while page.has_next:
            page = lister(
                officer, flt, page=Position(page.number + 1, after=page.last_id), per_page=PER_PAGE
            )
            forwards.append(_ids(page))
        assert forwards == by_number

        backwards = [_ids(page)]
        while page.number > 1:
            page = lister(
                officer,
                flt,
                page=Position(page.number - 1, before=page.first_id),
                per_page=PER_PAGE,
            )
            backwards.append(_ids(page))
        assert backwards[::-1] == by_number


def test_a_cursor_the_user_may_not_see_pages_as_if_there_were_none(app, factories):
    """Another city's private contact, or an archived one, as the cursor: the page is the
    one its number gives, so its name's place in the order shows nothing."""
    with app.app_context():
        for i in range(9):
            factories.contact("helsinki", family_name=f"Aalto{i}")
        private = factories.contact("espoo", "city", family_name="Aalto4x")
        archived = factories.contact("helsinki", family_name="Aalto6x", archived=True)
    with app.test_request_context():
        officer = db.session.get(User, factories.user("officer", "helsinki").id)
        flt = RecordFilter()
        plain = _ids(contacts.list_contacts(officer, flt, page=2, per_page=PER_PAGE))
        for cursor in (private, archived, 10**9):
            for position in (Position(2, after=cursor), Position(2, before=cursor)):
                page = contacts.list_contacts(officer, flt, page=position, per_page=PER_PAGE)
                assert _ids(page) == plain


def _names(html: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r"Zhang\d\d", html)))


def _link(html: str, rel: str) -> str:
    found = re.search(rf'href="([^"]+)" rel="{rel}"', html)
    return found.group(1).replace("&amp;", "&") if found else ""


def test_next_and_previous_links_carry_the_cursor_and_find_every_record(
    client_as, factories, monkeypatch
):
    client, _ = client_as("officer", "helsinki")
    names = [f"Zhang{i:02d}" for i in range(7)]
    for name in names:
        factories.contact("helsinki", family_name=name)
    paginate = contacts.paginate
    monkeypatch.setattr(
        contacts, "paginate", lambda stmt, **kw: paginate(stmt, **{**kw, "per_page": 3})
    )

    seen: list[str] = []
    url = "/contacts/"
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += _names(html)
        url = _link(html, "next")
        assert not url or "after=" in url
    assert seen == names  # every one, once, in order
    previous = _link(html, "prev")
    assert "before=" in previous and "page=2" in previous
    assert _names(client.get(previous).get_data(as_text=True)) == names[3:6]
    first = _link(client.get(previous).get_data(as_text=True), "prev")
    assert "before=" not in first and "after=" not in first  # page 1 is the plain list
    assert _names(client.get(first).get_data(as_text=True)) == names[:3]


def test_a_deep_page_seeks_instead_of_skipping(factories, count_statements, client_as):
    client, _ = client_as("officer", "helsinki")
    for i in range(60):
        factories.contact("helsinki", family_name=f"Koski{i:02d}")
    following = _link(client.get("/contacts/").get_data(as_text=True), "next")
    with count_statements() as counter:
        html = client.get(following).get_data(as_text=True)
    assert re.findall(r"Koski\d\d", html)[:1] == ["Koski50"] and "Koski49" not in html
    # The page's ids come from a statement that starts at the last page's name (an index
    # on the names seeks there), not from one that skips the fifty before it.
    assert [s for s in counter.statements if "contacts.family_name >=" in s]

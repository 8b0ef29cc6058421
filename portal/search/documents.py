"""What the search index holds for each record kind: its title, summary and the text it is
found by, and the facts the facets and the visibility rule need. portal.kinds names the
function of each kind; portal.search.index writes what they return."""

from __future__ import annotations

from dataclasses import dataclass, field

from portal.search.text import index_text


@dataclass
class Doc:
    kind: str
    record_id: int
    city_id: int | None
    visibility: str
    archived: bool
    title: str
    body: str
    title_zh: str = ""
    summary: str = ""
    year: int | None = None
    status: str = ""
    place_id: int | None = None
    theme_ids: list[int] = field(default_factory=list)
    partner_ids: list[int] = field(default_factory=list)


def _short(text: str | None, n: int = 300) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _first_place(organisations) -> int | None:
    return next((o.place_id for o in organisations if o.place_id), None)


def _city_owned(record) -> dict:
    return dict(
        city_id=record.city_id,
        visibility=record.visibility,
        # A restricted contact (issue 13) is out of search as an archived one is.
        archived=record.archived_at is not None
        or getattr(record, "restricted_at", None) is not None,
        theme_ids=[t.id for t in record.themes if t is not None],
    )


def organisation(record) -> Doc:
    return Doc(
        "organisation",
        record.id,
        None,
        "network",
        not record.live,
        record.name_en,
        index_text([record.name_en, record.name_zh, record.pinyin], [record.notes]),
        title_zh=record.name_zh,
        summary=_short(record.pinyin),
        place_id=record.place_id,
    )


def meeting(record) -> Doc:
    # Every user sees a meeting's details; its agenda is searchable once published.
    items = [i for i in record.items if i.status == "accepted"] if record.status != "draft" else []
    host = record.host_city
    return Doc(
        "meeting",
        record.id,
        record.host_city_id,
        "network",
        False,
        record.title,
        index_text(
            [record.title, record.venue, host.name_fi if host else ""],
            [t for i in items for t in (i.title, i.description, i.decision)],
        ),
        summary=_short(
            ", ".join(p for p in (record.held_on.strftime("%d.%m.%Y"), record.venue) if p)
        ),
        year=record.held_on.year,
        status=record.status,
    )


def contact(record) -> Doc:
    org = record.organisation
    return Doc(
        "contact",
        record.id,
        title=record.display_name,
        title_zh=record.name_zh,
        summary=_short(", ".join(p for p in (record.title, org.name_en if org else "") if p)),
        body=index_text(
            [
                record.display_name,
                record.name_zh,
                record.pinyin,
                org.name_en if org else "",
                org.name_zh if org else "",
            ],
            [record.title, record.email, record.wechat, record.languages, record.notes],
        ),
        year=record.created_at.year if record.created_at else None,
        place_id=org.place_id if org else None,
        **_city_owned(record),
    )


def interaction(record) -> Doc:
    return Doc(
        "interaction",
        record.id,
        title=record.title,
        summary=_short(record.summary),
        body=index_text(
            [
                record.title,
                *(o.name_en for o in record.organisations),
                *(o.name_zh for o in record.organisations),
            ],
            [record.summary],
        ),
        year=record.occurred_on.year,
        place_id=_first_place(record.organisations),
        **_city_owned(record),
    )


def project(record) -> Doc:
    return Doc(
        "project",
        record.id,
        title=record.title,
        summary=_short(record.description),
        body=index_text(
            [
                record.title,
                *(o.name_en for o in record.organisations),
                *(o.name_zh for o in record.organisations),
            ],
            [record.description, record.outcomes],
        ),
        year=record.starts_on.year if record.starts_on else None,
        status=record.status,
        place_id=_first_place(record.organisations),
        partner_ids=[c.id for c in record.partner_cities],
        **_city_owned(record),
    )


def event(record) -> Doc:
    return Doc(
        "event",
        record.id,
        title=record.title,
        summary=_short(record.description),
        body=index_text(
            [
                record.title,
                record.place_text,
                *(o.name_en for o in record.organisations),
                *(_place_names(record.place_china) if record.place_china else ()),
            ],
            [record.description],
        ),
        year=record.starts_on.year,
        place_id=record.place_china_id or _first_place(record.organisations),
        **_city_owned(record),
    )


def _place_names(place) -> tuple[str, ...]:
    """A Chinese place by every name it has here, so "Peking" finds Beijing."""
    return (place.name_en, place.name_fi, place.name_sv, place.name_zh)


def agreement(record) -> Doc:
    place = record.counterpart_place
    return Doc(
        "agreement",
        record.id,
        title=record.title,
        summary=_short(record.summary),
        body=index_text(
            [
                record.title,
                *(_place_names(place) if place else ()),
                *(o.name_en for o in record.organisations),
            ],
            [record.summary, *(t.title for t in record.plan_themes)],
        ),
        year=record.signed_on.year if record.signed_on else None,
        status=record.status,
        place_id=record.counterpart_place_id or _first_place(record.organisations),
        **_city_owned(record),
    )


def expertise(record) -> Doc:
    return Doc(
        "expertise",
        record.id,
        title=record.title,
        summary=_short(record.description),
        body=index_text(
            [
                record.title,
                *(
                    (record.theme.name_en, record.theme.name_fi, record.theme.name_sv)
                    if record.theme
                    else ()
                ),
            ],
            [record.description],
        ),
        year=record.created_at.year if record.created_at else None,
        **_city_owned(record),
    )

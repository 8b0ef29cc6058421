"""Who may do what: the role table of DESIGN.md section 3, ``can()`` and the scoped loaders.

This module is the only place where tenancy and visibility are decided. Views, services and
templates all ask ``can()``; lists and look-ups go through ``visible_filter()`` and
``load_visible()`` so that a record a user may not see never leaves the database for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, false, or_, select, true

from portal.models.accounts import Role, User
from portal.models.mixins import Visibility
from portal.models.reference import City
from portal.security.denials import deny
from portal.services.errors import Forbidden

# --- The role table ---------------------------------------------------------------------
#
# City-owned records: what each role may do, by the record's relation to the user's city
# ("own", "partner" for a project's partner cities, or "other") and the record's
# visibility. Anything absent is "nothing": the record does not exist for that user (a 404,
# never a 403, and absent from every list and count).
#   read: see it; write: edit, archive, restore it; contribute: add progress updates;
#   history: see the field-by-field changes of its history, which can name the private
#   records it was linked to (other cities see who changed it and when, not what).
READ, WRITE, CONTRIBUTE, HISTORY = "read", "write", "contribute", "history"
_WRITER = frozenset({READ, WRITE, CONTRIBUTE, HISTORY})
_PARTNER_WRITER = frozenset({READ, CONTRIBUTE, HISTORY})
_OWN_READER = frozenset({READ, HISTORY})
_READER = frozenset({READ})

RECORD_RULES: dict[str, dict[tuple[str, str], frozenset[str]]] = {
    Role.OFFICER: {
        ("own", Visibility.CITY): _WRITER,
        ("own", Visibility.NETWORK): _WRITER,
        # A project's partner cities read it whatever its visibility and add updates.
        ("partner", Visibility.CITY): _PARTNER_WRITER,
        ("partner", Visibility.NETWORK): _PARTNER_WRITER,
        ("other", Visibility.NETWORK): _READER,
    },
    Role.VIEWER: {
        ("own", Visibility.CITY): _OWN_READER,
        ("own", Visibility.NETWORK): _OWN_READER,
        ("partner", Visibility.CITY): _OWN_READER,
        ("partner", Visibility.NETWORK): _OWN_READER,
        ("other", Visibility.NETWORK): _READER,
    },
    # A coordinator in a city writes that city's records; one without a city has no "own".
    Role.COORDINATOR: {
        ("own", Visibility.CITY): _WRITER,
        ("own", Visibility.NETWORK): _WRITER,
        ("partner", Visibility.CITY): _PARTNER_WRITER,
        ("partner", Visibility.NETWORK): _PARTNER_WRITER,
        ("other", Visibility.NETWORK): _READER,
    },
}

# Network-wide actions (not tied to one city's record).
NETWORK_ACTIONS = frozenset(
    {
        "network.read",  # city profiles, the organisation registry, meetings
        "city.create_records",  # create records owned by a city (target: that City)
        "organisation.add",
        "organisation.merge",
        "meeting.manage",  # meetings, agendas, minutes
        "agenda.propose",
        "users.manage",
        "cities.manage",
        "themes.manage",
        "city.package",  # all a city owns as one file (target: that City)
        "city.report",  # the city's report to its mayor, private records too (target: City)
        # The city's data protection work (target: City): its personal data access log, data
        # subjects' reports, erasure. An account with the data protection right (a flag the
        # admins give) of that city only; admins do not get it by their role.
        "city.data_protection",
    }
)

NETWORK_RULES: dict[str, frozenset[str]] = {
    Role.OFFICER: frozenset(
        {
            "network.read",
            "city.create_records",
            "organisation.add",
            "agenda.propose",
            "city.package",
            "city.report",
            "city.data_protection",
        }
    ),
    Role.VIEWER: frozenset({"network.read", "city.package", "city.report"}),
    Role.COORDINATOR: frozenset(
        {
            "network.read",
            "city.create_records",
            "organisation.add",
            "organisation.merge",
            "meeting.manage",
            "city.package",
            "city.report",
            "city.data_protection",
        }
    ),
    Role.ADMIN: NETWORK_ACTIONS - {"city.data_protection"},
}


class CityRecord(Protocol):
    city_id: int
    visibility: str


def _is_live(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.active)


def can(user: User | Any, action: str, target: Any = None) -> bool:
    """May ``user`` do ``action`` on ``target``?

    ``target`` is a city-owned record (anything with ``city_id`` and ``visibility``) for
    "read"/"write"; a City for "city.create_records" (creating records in that city); a
    meeting, agenda item or action item for the meeting actions; and nothing for the other
    network-wide actions. Anonymous and deactivated users may do
    nothing. Unknown actions are refused, so a typo fails closed.
    """
    if not _is_live(user):
        return False
    role = user.role
    if action in MEETING_ACTIONS or (action == "agenda.propose" and target is not None):
        return _can_meeting(user, action, target)
    if action in NETWORK_ACTIONS:
        if action not in NETWORK_RULES.get(role, frozenset()):
            return False
        if action == "city.data_protection":
            return bool(
                getattr(user, "data_protection", False)
                and isinstance(target, City)
                and target.id == user.city_id
            )
        if action in ("city.create_records", "city.package", "city.report"):
            if role == Role.ADMIN:
                return True
            return isinstance(target, City) and target.id == user.city_id
        return True
    if action in (READ, WRITE, CONTRIBUTE, HISTORY):
        if target is None or not hasattr(target, "visibility"):
            return False
        if getattr(target, "restricted_at", None) is not None:
            # Restricted personal data (GDPR Article 18): read by the city's data protection
            # officers only, changed by no one until the restriction is lifted.
            return action in (READ, HISTORY) and _guards_data_of(user, target.city_id)
        if role == Role.ADMIN:
            return True
        allowed = RECORD_RULES.get(role, {}).get(
            (_relation(user, target), Visibility(target.visibility))
        )
        return bool(allowed and action in allowed)
    return False


# --- Meetings --------------------------------------------------------------------------
#
# Meetings are network-wide. "meeting.manage" (coordinators, admins) creates meetings,
# decides on proposals, orders and publishes the agenda and keeps the minutes. The actions
# below take the meeting, the agenda item or the action item as target.
MEETING_ACTIONS = frozenset(
    {
        "agenda.read",  # the agenda of a meeting: everyone once published, managers before
        "proposal.read",  # a proposal: its city and managers; everyone once on the agenda
        "proposal.edit",  # edit or withdraw: the proposing city's officers until decided
        "minutes.edit",  # managers, from publication until the minutes are approved
        "action.update",  # an action item's status: the owner city's officers and managers
        "papers.edit",  # attach or remove an item's papers: managers, and the proposing
        # city's officers while they may edit the proposal; never after approval
    }
)


def _may_propose_to(user, meeting) -> bool:
    """An officer with a city, to a meeting still open for proposals, deadline aside."""
    return (
        "agenda.propose" in NETWORK_RULES.get(user.role, frozenset())
        and user.city_id is not None
        and meeting.status in ("draft", "published")
    )


def proposal_deadline_passed(user: User, meeting: Any) -> bool:
    """Whether ``user`` may propose to ``meeting`` but for its passed deadline (the page
    then says so and whom to ask, instead of a bare refusal)."""
    from portal.timeutil import local_today

    return (
        _is_live(user)
        and _may_propose_to(user, meeting)
        and local_today() > meeting.proposal_deadline
    )


def _can_meeting(user, action: str, target: Any) -> bool:
    manages = "meeting.manage" in NETWORK_RULES.get(user.role, frozenset())
    proposes = "agenda.propose" in NETWORK_RULES.get(user.role, frozenset())
    if target is None:
        return False
    if action == "agenda.propose":  # target: the meeting
        from portal.timeutil import local_today

        return _may_propose_to(user, target) and local_today() <= target.proposal_deadline
    if action == "agenda.read":
        return manages or target.status != "draft"
    if action == "proposal.read":
        on_agenda = target.status == "accepted" and target.meeting.status != "draft"
        return manages or on_agenda or (user.city_id is not None and target.city_id == user.city_id)
    if action == "proposal.edit":
        return (
            (proposes or user.role == Role.ADMIN)
            and target.status == "proposed"
            and (user.role == Role.ADMIN or target.city_id == user.city_id)
        )
    if action == "minutes.edit":
        return manages and target.status in ("published", "held")
    if action == "action.update":
        return manages or (proposes and target.owner_city_id == user.city_id)
    if action == "papers.edit":  # target: the agenda item
        if target.meeting.status == "approved":
            return False
        return manages or can(user, "proposal.edit", target)
    return False


def _guards_data_of(user, city_id: int | None) -> bool:
    """Whether ``user`` holds the data protection right of the city ``city_id``."""
    return bool(
        getattr(user, "data_protection", False)
        and user.city_id is not None
        and user.city_id == city_id
        and "city.data_protection" in NETWORK_RULES.get(user.role, frozenset())
    )


def _relation(user, target) -> str:
    if user.city_id is None:
        return "other"
    if target.city_id == user.city_id:
        return "own"
    if user.city_id in getattr(target, "partner_city_ids", ()):
        return "partner"
    return "other"


# --- Scoped loaders -----------------------------------------------------------------------


def visible_filter(user: User, model: type[Any]) -> ColumnElement[bool]:
    """The SQL condition selecting the rows of a city-owned ``model`` that ``user`` may read.

    It is the ``read`` column of RECORD_RULES written as SQL; the permission-matrix tests
    check that the two agree row by row.
    """
    if not _is_live(user):
        return false()
    if hasattr(model, "restricted_at"):
        # Restricted contacts: only the city's data protection officers see them.
        unrestricted = model.restricted_at.is_(None)
        if _guards_data_of(user, user.city_id):
            unrestricted = or_(unrestricted, model.city_id == user.city_id)
        return and_(unrestricted, _readable(user, model))
    return _readable(user, model)


def _readable(user: User, model: type[Any]) -> ColumnElement[bool]:
    if user.role == Role.ADMIN:
        return true()
    shared = model.visibility == Visibility.NETWORK.value
    if user.city_id is None:
        return shared
    conditions = [model.city_id == user.city_id, shared]
    if hasattr(model, "partner_cities"):
        # The ids the link table pairs with the user's city (its city index), rather than
        # an EXISTS that SQLite would run once for every row of the model.
        link = model.partner_cities.property.secondary
        own = next(c for c in link.c if c.references(model.__table__.c.id))
        conditions.append(model.id.in_(select(own).where(link.c.city_id == user.city_id)))
    return or_(*conditions)


def visibility_scope(user: User) -> tuple | None:
    """A key for what ``visible_filter(user, …)`` selects: users with equal keys see the same
    rows, so results computed for one may be reused for the other. None when the user may
    see nothing (nothing to share)."""
    if not _is_live(user):
        return None
    if user.role == Role.ADMIN:
        return ("all",)
    if user.city_id is None:
        return ("shared",)
    if _guards_data_of(user, user.city_id):  # sees the city's restricted contacts too
        return ("city", user.city_id, "data protection")
    return ("city", user.city_id)


def visibility_scope_in(user: User, model: type[Any], city_id: int) -> tuple | None:
    """``visibility_scope`` for the rows of ``model`` of one city only: the users of every
    other city see the same of them (its shared ones; for a kind with partner cities each
    partner sees more, so then the key stays the user's own). Results computed from one
    city's rows for one reader may be reused for every reader with an equal key."""
    scope = visibility_scope(user)
    if scope is None or scope[0] != "city" or scope[1] == city_id:
        return scope
    if hasattr(model, "partner_cities"):
        return scope
    return ("shared",)


def reader_marks(user: User) -> list[str] | None:
    """``visible_filter`` once more, for the search engine: a reader sees the documents that
    carry any of these marks (see ``document_marks``), so the full-text engine applies the
    rule while it matches instead of the database after it. None: nothing at all.

    The permission-matrix tests check, document by document, that the two agree."""
    if not _is_live(user):
        return None
    if user.role == Role.ADMIN:
        return ["all"]
    if user.city_id is None:
        return ["network"]
    return ["network", f"city{user.city_id}", f"partner{user.city_id}"]


def document_marks(
    *, city_id: int | None, visibility: str, archived: bool, partner_ids: Iterable[int]
) -> list[str]:
    """The marks of a search document: who it is for. An archived record is for nobody (it
    leaves search; its city finds it in its lists' archive)."""
    if archived:
        return []
    marks = ["all"]
    if visibility == Visibility.NETWORK.value:
        marks.append("network")
    if city_id is not None:
        marks.append(f"city{city_id}")
    marks.extend(f"partner{c}" for c in sorted(set(partner_ids)))
    return marks


def select_visible(user: User, model: type[Any], *, include_archived: bool = False):
    """A SELECT of the rows of ``model`` that ``user`` may read, archived ones left out."""
    stmt = select(model).where(visible_filter(user, model))
    if not include_archived and hasattr(model, "archived_at"):
        stmt = stmt.where(model.archived_at.is_(None))
    return stmt


def load_visible(user: User, model: type[Any], record_id: int):
    """The record with this id if ``user`` may read it; otherwise a 404 (and an audit event).

    Archived records are returned: their city can open and restore them.
    """
    from portal.extensions import db

    record = db.session.scalars(
        select(model).where(model.id == record_id, visible_filter(user, model))
    ).first()
    if record is None:
        deny(user, READ, model.__tablename__, record_id, status=404)
    return record


def archived_filter(user: User, model: type[Any]) -> ColumnElement[bool]:
    """Which archived rows of ``model`` ``user`` may list: the archive is the owning city's
    (only its writers restore from it); admins see every city's."""
    if not _is_live(user):
        return false()
    if user.role == Role.ADMIN:
        return model.archived_at.is_not(None)
    return and_(model.archived_at.is_not(None), model.city_id == user.city_id)


def ensure(user: User | None, action: str, target: Any = None) -> None:
    """For services: raise Forbidden unless ``can(user, action, target)`` (the view answers
    403 and the denial is audited)."""
    if not can(user, action, target):
        raise Forbidden(action, target)


def require(user: User, action: str, target: Any = None) -> None:
    """Abort unless ``can(user, action, target)``: 404 when the target is a record the user
    may not even read (it must not exist for them), 403 otherwise."""
    if can(user, action, target):
        return
    hidden = target is not None and hasattr(target, "visibility") and not can(user, READ, target)
    object_type = getattr(target, "__tablename__", type(target).__name__ if target else "")
    deny(user, action, object_type, getattr(target, "id", None), status=404 if hidden else 403)

"""The shared organisation registry: adding, editing, finding duplicates, merging."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from portal.database import rows_matched
from portal.extensions import db
from portal.kinds import ORGANISATION
from portal.models.accounts import User
from portal.models.contacts import Contact, Interaction, interaction_organisations
from portal.models.organisations import ORGANISATION_KINDS, Organisation
from portal.models.reference import ChinesePlace
from portal.security.permissions import can, ensure
from portal.services import audit
from portal.services.errors import NotFound, ValidationError
from portal.services.organisation_matching import exact_key, loose_tokens, score
from portal.services.records import Page, Position, apply_changes, check_version, paginate
from portal.textfold import like_pattern
from portal.timeutil import utcnow

_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
LIKELY = 0.5


class DuplicateError(ValidationError):
    """The organisation exists already; ``existing`` is the row to link to."""

    def __init__(self, existing: Organisation):
        super().__init__({"name_en": str(_l("This organisation is already in the registry."))})
        self.existing = existing


def _clean(actor: User, values: dict, current_parent: Organisation | None = None) -> dict:
    errors: dict[str, str] = {}
    cleaned = ORGANISATION.clean_text(values, errors)
    if not cleaned["name_en"]:
        errors["name_en"] = str(_l("Enter the organisation's name in English."))
    if cleaned["website"] and not _URL.match(cleaned["website"]):
        errors["website"] = str(_l("Enter a web address starting with https:// or http://."))
    parent, problem = resolve_for_link(
        actor, values.get("parent_name") or "", create=False, current=current_parent
    )
    if problem:
        errors["parent_name"] = problem
    cleaned["parent"] = parent
    if errors:
        raise ValidationError(errors)
    return cleaned


def _set_keys(org: Organisation) -> None:
    org.match_en = exact_key(org.name_en)
    org.match_zh = exact_key(org.name_zh)
    org.match_pinyin = exact_key(org.pinyin)
    ORGANISATION.index(org)


def exact_duplicate(name_en: str, name_zh: str, *, exclude_id: int | None = None):
    """An organisation whose English or Chinese name is the same once case, spaces,
    punctuation and tone marks are folded; archived ones count, merged ones do not."""
    conditions = [Organisation.match_en == exact_key(name_en)]
    if exact_key(name_zh):
        conditions.append(Organisation.match_zh == exact_key(name_zh))
    return db.session.scalars(
        select(Organisation).where(
            or_(*conditions),
            Organisation.merged_into_id.is_(None),
            Organisation.id != (exclude_id or 0),
        )
    ).first()


def likely_duplicates(
    name_en: str = "", name_zh: str = "", pinyin: str = "", *, exclude_id=None, limit=5
) -> list[Organisation]:
    """Organisations that are probably the one being typed, most likely first.

    Candidates come from the database by exact keys or by one significant word; the
    scoring in organisation_matching decides. Live organisations only.
    """
    conditions = []
    for key, column in (
        (exact_key(name_en), Organisation.match_en),
        (exact_key(name_en), Organisation.match_pinyin),
        (exact_key(name_zh), Organisation.match_zh),
        (exact_key(pinyin), Organisation.match_pinyin),
    ):
        if key:
            conditions.append(column == key)
    words = sorted(loose_tokens(name_en, pinyin), key=len, reverse=True)[:2]
    for word in words:
        if len(word) >= 3:
            conditions.append(Organisation.search_text.like(like_pattern(word), escape="\\"))
    zh = exact_key(name_zh)
    if len(zh) >= 2:
        for i in range(len(zh) - 1):
            conditions.append(Organisation.name_zh.contains(zh[i : i + 2], autoescape=True))
    if not conditions:
        return []
    candidates = db.session.scalars(
        select(Organisation)
        .where(
            or_(*conditions),
            Organisation.merged_into_id.is_(None),
            Organisation.archived_at.is_(None),
            Organisation.id != (exclude_id or 0),
        )
        .limit(300)
    ).all()
    scored = [(score(c, name_en=name_en, name_zh=name_zh, pinyin=pinyin), c) for c in candidates]
    scored = [(s, c) for s, c in scored if s >= LIKELY]
    scored.sort(key=lambda sc: (-sc[0], sc[1].name_en))
    return [c for _, c in scored[:limit]]


def check(actor: User, values: dict) -> dict:
    """What create_organisation would store, checked the same way, writing nothing (an
    import's preview; its duplicates are the import's to offer). Raises ValidationError."""
    return _clean(actor, values)


def create_organisation(actor: User, values: dict) -> Organisation:
    """Add an organisation to the registry. Officers, coordinators and admins.

    Raises DuplicateError (with the existing row) for an exact duplicate, ValidationError
    for bad fields, Forbidden for other roles.
    """
    ensure(actor, "organisation.add")
    cleaned = _clean(actor, values)
    existing = exact_duplicate(cleaned["name_en"], cleaned["name_zh"])
    if existing is not None:
        raise DuplicateError(existing)
    org = Organisation(**cleaned, created_by_id=getattr(actor, "id", None))
    _set_keys(org)
    db.session.add(org)
    db.session.flush()
    audit.record(
        actor,
        "organisation.create",
        obj=org,
        city_id=getattr(actor, "city_id", None),
        changes={k: [None, _plain(v)] for k, v in cleaned.items() if v},
    )
    return org


def _plain(value):
    return getattr(value, "name_en", None) or getattr(value, "slug", None) or value


def update_organisation(actor: User, org: Organisation, *, expected_version, values: dict) -> dict:
    """Edit an organisation. Officers, coordinators and admins; raises StaleEdit when it
    changed since the form was loaded, DuplicateError and ValidationError as on create."""
    ensure(actor, "organisation.add")
    check_version(org, expected_version)
    cleaned = _clean(actor, values, org.parent)
    parent = cleaned["parent"]
    while parent is not None:
        if parent.id == org.id:
            raise ValidationError({"parent": str(_l("An organisation cannot be under itself."))})
        parent = parent.parent
    existing = exact_duplicate(cleaned["name_en"], cleaned["name_zh"], exclude_id=org.id)
    if existing is not None:
        raise DuplicateError(existing)
    changes = apply_changes(org, cleaned)
    if changes:
        _set_keys(org)
        db.session.flush()
        _reindex_dependents(org)
        audit.record(
            actor,
            "organisation.update",
            obj=org,
            city_id=getattr(actor, "city_id", None),
            changes=changes,
        )
    return changes


def _reindex_dependents(org: Organisation) -> None:
    """Contacts and interactions are found by their organisation's names too: re-index
    them after a rename or a merge (bulk updates bypass the session's indexing hook)."""
    from portal.search import index

    index.reindex(db.session, Contact, Contact.organisation_id == org.id)
    index.reindex(db.session, Interaction, Interaction.organisations.any(Organisation.id == org.id))


def set_archived(actor: User, org: Organisation, archived: bool) -> None:
    """Archive or restore an organisation. Coordinators and admins."""
    ensure(actor, "organisation.merge")
    if (org.archived_at is not None) == archived:
        return
    _mark_archived(actor, org, archived)


def _mark_archived(actor: User, org: Organisation, archived: bool) -> None:
    org.archived_at = utcnow() if archived else None
    db.session.flush()
    audit.record(
        actor,
        "organisation.archive" if archived else "organisation.restore",
        obj=org,
        city_id=getattr(actor, "city_id", None),
        changes={"archived": [not archived, archived]},
    )


def withdraw_added(actor: User, org: Organisation) -> bool:
    """Archive an organisation that ``actor`` added (an import being undone), if nobody
    changed it since; returns whether it was archived. Those who may add organisations."""
    ensure(actor, "organisation.add")
    if org.created_by_id != getattr(actor, "id", None) and not can(actor, "organisation.merge"):
        return False
    if org.version != 1 or org.archived_at is not None or org.merged_into_id is not None:
        return False
    _mark_archived(actor, org, True)
    return True


def merge_organisations(actor: User, duplicate: Organisation, survivor: Organisation) -> dict:
    """Merge ``duplicate`` into ``survivor``: every contact, interaction and sub-organisation
    pointing at the duplicate moves to the survivor, and the duplicate remains only as a
    pointer. Coordinators and admins. Returns how many records moved, by kind."""
    ensure(actor, "organisation.merge")
    if duplicate.id == survivor.id or survivor.merged_into_id is not None:
        raise ValidationError({"survivor": str(_l("Choose another organisation to keep."))})
    if duplicate.merged_into_id is not None:
        raise ValidationError({"": str(_l("This organisation has been merged already."))})
    moved = {}
    moved["contacts"] = rows_matched(
        db.session.execute(
            update(Contact)
            .where(Contact.organisation_id == duplicate.id)
            .values(organisation_id=survivor.id, version=Contact.version + 1)
        )
    )
    # An interaction may name both: keep one link.
    both = select(interaction_organisations.c.interaction_id).where(
        interaction_organisations.c.organisation_id == survivor.id
    )
    db.session.execute(
        interaction_organisations.delete().where(
            interaction_organisations.c.organisation_id == duplicate.id,
            interaction_organisations.c.interaction_id.in_(both),
        )
    )
    moved["interactions"] = rows_matched(
        db.session.execute(
            interaction_organisations.update()
            .where(interaction_organisations.c.organisation_id == duplicate.id)
            .values(organisation_id=survivor.id)
        )
    )
    moved["sub_organisations"] = rows_matched(
        db.session.execute(
            update(Organisation)
            .where(Organisation.parent_id == duplicate.id, Organisation.id != survivor.id)
            .values(parent_id=survivor.id)
        )
    )
    # Fill what the survivor lacks from the duplicate.
    for field in ("name_zh", "pinyin", "website", "place_id"):
        if not getattr(survivor, field) and getattr(duplicate, field):
            setattr(survivor, field, getattr(duplicate, field))
    _set_keys(survivor)
    duplicate.merged_into_id = survivor.id
    duplicate.archived_at = utcnow()
    db.session.flush()
    db.session.expire_all()
    _reindex_dependents(survivor)
    audit.record(
        actor,
        "organisation.merge",
        obj=duplicate,
        city_id=getattr(actor, "city_id", None),
        detail=f"merged into #{survivor.id} {survivor.name_en}"[:500],
        changes={"merged_into": [None, survivor.id], **{k: [0, v] for k, v in moved.items()}},
    )
    audit.record(
        actor,
        "organisation.merge_into",
        obj=survivor,
        city_id=getattr(actor, "city_id", None),
        detail=f"#{duplicate.id} {duplicate.name_en} merged into this"[:500],
    )
    return moved


def organisation_by_id(org_id: int) -> Organisation:
    """Any organisation by id, merged ones included (the view redirects those)."""
    org = db.session.get(Organisation, org_id, options=[joinedload(Organisation.place)])
    if org is None:
        raise NotFound
    return org


def list_organisations(
    *,
    q: str = "",
    kind: str = "",
    place: ChinesePlace | None = None,
    archived=False,
    page: int | Position = 1,
    per_page: int = 50,
) -> Page:
    """A page of the registry, filtered; merged organisations never appear."""
    stmt = (
        select(Organisation)
        .options(joinedload(Organisation.place), joinedload(Organisation.parent))
        .where(Organisation.merged_into_id.is_(None))
    )
    stmt = stmt.where(
        Organisation.archived_at.is_not(None) if archived else Organisation.archived_at.is_(None)
    )
    if q.strip():
        stmt = stmt.where(Organisation.search_text.like(like_pattern(q), escape="\\"))
    if kind in ORGANISATION_KINDS:
        stmt = stmt.where(Organisation.kind == kind)
    if place is not None:
        stmt = stmt.where(Organisation.place_id.in_(place_and_children(place)))
    return paginate(
        stmt.order_by(Organisation.name_en, Organisation.id),
        page=page,
        per_page=per_page,
        searched=bool(q.strip()),
    )


def place_and_children(place: ChinesePlace):
    """The ids of a place and of the places directly under it (a province's cities)."""
    return select(ChinesePlace.id).where(
        or_(ChinesePlace.id == place.id, ChinesePlace.parent_id == place.id)
    )


def lookup(q: str, limit: int = 10) -> list[Organisation]:
    """Live organisations whose names contain the typed text: for the pickers."""
    if len(q.strip()) < 2:
        return []
    return list(
        db.session.scalars(
            select(Organisation)
            .where(
                Organisation.search_text.like(like_pattern(q), escape="\\"),
                Organisation.merged_into_id.is_(None),
                Organisation.archived_at.is_(None),
            )
            .order_by(Organisation.name_en)
            .limit(limit)
        )
    )


def resolve_name(text: str) -> list[Organisation]:
    """The live organisations a typed name can mean: an exact name first; otherwise those
    whose English, Chinese or pinyin name matches exactly once folded."""
    key = exact_key(text)
    if not key:
        return []
    return list(
        db.session.scalars(
            select(Organisation)
            .where(
                or_(
                    Organisation.match_en == key,
                    Organisation.match_zh == key,
                    Organisation.match_pinyin == key,
                ),
                Organisation.merged_into_id.is_(None),
                Organisation.archived_at.is_(None),
            )
            .order_by(Organisation.id)
        )
    )


def all_places() -> list[ChinesePlace]:
    return list(db.session.scalars(select(ChinesePlace).order_by(ChinesePlace.name_en)))


def place_by_slug(slug: str | None) -> ChinesePlace | None:
    if not slug:
        return None
    return db.session.scalar(select(ChinesePlace).where(ChinesePlace.slug == slug))


def resolve_for_link(actor: User, name: str, *, create: bool, current: Organisation | None = None):
    """What a typed organisation name on a contact or interaction form means.

    Returns ``(organisation, None)`` for a name in the registry (or the record's current
    organisation), ``(None, None)`` for no name, ``(None, message)`` when it cannot be told,
    and ``(None, "create")`` when the user asked to add an unknown name: the caller creates
    it with ``create_organisation`` once the rest of the form is valid.
    """
    name = (name or "").strip()
    if not name:
        return None, None
    key = exact_key(name)
    if current is not None and key in (current.match_en, current.match_zh, current.match_pinyin):
        return current, None
    found = resolve_name(name)
    if len(found) == 1:
        return found[0], None
    if len(found) > 1:
        return None, str(
            _l("Several organisations in the registry have this name: pick one from the list.")
        )
    if create:
        if not can(actor, "organisation.add"):
            return None, str(_l("You may not add organisations to the registry."))
        return None, "create"
    return None, str(
        _l(
            "No organisation in the registry is called “%(name)s”. Pick one from the "
            "suggestions, or tick “Add it to the registry”.",
            name=name,
        )
    )


def children_of(org: Organisation) -> list[Organisation]:
    """The live organisations directly under ``org`` (a municipal government's bureaus)."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(
                Organisation.parent_id == org.id,
                Organisation.merged_into_id.is_(None),
                Organisation.archived_at.is_(None),
            )
            .order_by(Organisation.name_en)
        )
    )


class OrganisationLink:
    """The typed "add an organisation" field of a record form, in two steps so that nothing
    is saved half-way: ``check`` while validating the form (a message by the field when the
    name cannot be used), ``linked`` once the whole form is valid (creating the organisation
    if the user asked to add an unknown one)."""

    def __init__(self, actor: User, values: dict, errors: dict[str, str]):
        self.actor = actor
        self.name = (values.get("organisation_name") or "").strip()
        self.organisation, self.problem = resolve_for_link(
            actor, self.name, create=bool(values.get("create_organisation"))
        )
        if self.problem and self.problem != "create":
            errors["organisation_name"] = self.problem

    def linked(self, chosen) -> list[Organisation]:
        """``chosen`` plus the typed organisation, each once."""
        if self.problem == "create":
            self.organisation = create_organisation(
                self.actor, {"name_en": self.name, "kind": "other"}
            )
        links = {o.id: o for o in (chosen or [])}
        if self.organisation is not None:
            links.setdefault(self.organisation.id, self.organisation)
        return list(links.values())

"""Values computed once per state of the data (the counts of a search), once per state of
one city's records of one kind (the overview's shares), and once per version of a record (an
event in a calendar feed).

The key includes the search index's state token, or the token of the part (kind and city)
the value was computed from (portal.search.index.touch): every create, edit, archive or
merge of a record changes both in the same transaction, in every worker's view, so a kept
value is never older than the records it was computed from."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable, Mapping
from typing import TypeVar

from flask import current_app

from portal.extensions import db
from portal.search.index import KINDS, current_token, part_tokens

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


class _Store:
    """Least recently used values, bounded by their total weight (1 each by default)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._entries: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable):
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, value: object, weight: int) -> None:
        if weight > self.limit // 4:  # one huge value would push out everything else
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (value, weight)
            self._held += weight
            while self._held > self.limit:
                _, (_, old) = self._entries.popitem(last=False)
                self._held -= old


def per_data_state(
    name: str,
    key: Hashable,
    compute: Callable[[], T],
    *,
    limit: int = 32,
    weight: Callable[[T], int] | None = None,
) -> T:
    """``compute()``, or what it gave for the same ``name`` and ``key`` while the records
    were as they are now. A value that depends on who asks must have that in ``key``.
    ``limit`` bounds the total ``weight`` of the values kept under ``name``."""
    # The token is read before computing: a change committed in between makes the value
    # newer than its key, never older.
    token = current_token(db.session)
    if token is None:
        return compute()
    stores: dict[str, _Store] = current_app.extensions.setdefault("per_data_state", {})
    store = stores.get(name) or stores.setdefault(name, _Store(limit))
    full_key = (key, token)
    value = store.get(full_key)
    if value is None:
        value = compute()
        store.put(full_key, value, weight(value) if weight else 1)
    return value


Part = tuple[str, int]  # a kind of record (the registry's key) and a city's id
AnyPart = tuple[str, int | None]  # the same, or the records of no city (organisations)
INDEXED = frozenset(KINDS.values())  # the kinds whose writes change their part's token


def _only_indexed(parts: Collection[AnyPart]) -> None:
    unknown = {kind for kind, _city in parts} - INDEXED
    if unknown:  # their writes would change no token: a kept value would never be renewed
        raise ValueError(f"not kept per part, the search index does not hold them: {unknown}")


def per_part_state(
    name: str,
    key: Hashable,
    parts: Collection[Part],
    compute: Callable[[list[Part]], Mapping[Part, T]],
    *,
    limit: int = 1024,
    weight: Callable[[T], int] | None = None,
) -> dict[Part, T]:
    """For each of ``parts``, the value ``compute`` gives for it, or what it gave for the same
    ``name`` and ``key`` while that city's records of that kind were as they are now: after
    a write, ``compute`` is asked only for the parts the write changed (with one call for all
    of them). ``limit`` bounds the total ``weight`` of the values kept under ``name`` (the
    least recently used go first, those of parts written over among them).

    A part without a token has had no record indexed since the tokens were made (the
    migration that made them gave one to every part that had records), so it has none, and
    its value is kept as such until its first write gives it a token."""
    _only_indexed(parts)
    token = current_token(db.session)
    if token is None:
        return dict(compute(list(parts)))
    tokens = part_tokens(db.session, {kind for kind, _city in parts})
    stores: dict[str, _Store] = current_app.extensions.setdefault("per_part_state", {})
    store = stores.get(name) or stores.setdefault(name, _Store(limit))
    keys = {part: (key, part, tokens.get(part)) for part in parts}
    values: dict[Part, T] = {}
    missing = []
    for part in parts:
        value = store.get(keys[part])
        if value is None:
            missing.append(part)
        else:
            values[part] = value
    if missing:
        computed = compute(missing)
        for part in missing:
            values[part] = computed[part]
            store.put(keys[part], computed[part], weight(computed[part]) if weight else 1)
    return values


def per_parts_state(
    name: str,
    groups: Mapping[K, Collection[AnyPart]],
    compute: Callable[[K], T],
    *,
    limit: int = 1024,
) -> dict[K, T]:
    """For each of ``groups`` (a key, which must name whatever else the value depends on,
    and the parts its value is computed from), ``compute(key)``, or what it gave for the same
    ``name`` and key while each of those parts was as it is now: after a write, only the
    groups that hold a part it changed are computed again. For a value that the records of
    several cities make together (who in the network knows an organisation: each kind's
    records found up to a count, whichever city they are of). At most ``limit`` values are
    kept under ``name``."""
    for parts in groups.values():
        _only_indexed(parts)
    # Read before computing, as in per_data_state: a value is never older than its key.
    if current_token(db.session) is None:
        return {key: compute(key) for key in groups}
    tokens = part_tokens(db.session, {kind for parts in groups.values() for kind, _ in parts})
    stores: dict[str, _Store] = current_app.extensions.setdefault("per_parts_state", {})
    store = stores.get(name) or stores.setdefault(name, _Store(limit))
    values: dict[K, T] = {}
    for key, parts in groups.items():
        full_key = (key, frozenset((part, tokens.get(part)) for part in parts))
        value = store.get(full_key)
        if value is None:
            value = compute(key)
            store.put(full_key, value, 1)
        values[key] = value
    return values


def per_version(name: str, key: Hashable, compute: Callable[[], T], *, limit: int) -> T:
    """``compute()``, or what it gave for the same ``key``, which must name everything the
    value is made of, the record's version (its last change) included: such a value never
    goes stale, whatever else is written, and only the changed records are computed again.
    At most ``limit`` values are kept under ``name``."""
    stores: dict[str, _Store] = current_app.extensions.setdefault("per_version", {})
    store = stores.get(name) or stores.setdefault(name, _Store(limit))
    value = store.get(key)
    if value is None:
        value = compute()
        store.put(key, value, 1)
    return value

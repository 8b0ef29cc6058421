"""Figures that are the same for every user, computed once per state of the data.

The key is the search index's state token (portal.search.index.touch): every create, edit,
archive or merge of a record changes it in the same transaction, in every worker's view, so
a cached figure is never older than the records it counts."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app

from portal.extensions import db
from portal.search.index import current_token

T = TypeVar("T")
SIZE = 32
_lock = threading.Lock()


def per_data_state(name: str, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave for the same ``name`` and ``key`` while the records
    were as they are now. Only for values that hold no user's view (no visibility rule)."""
    token = current_token(db.session)
    if token is None:
        return compute()
    cache: OrderedDict = current_app.extensions.setdefault("per_data_state", OrderedDict())
    full_key = (name, key, token)
    with _lock:
        if full_key in cache:
            cache.move_to_end(full_key)
            return cache[full_key]
    value = compute()
    with _lock:
        cache[full_key] = value
        while len(cache) > SIZE:
            cache.popitem(last=False)
    return value

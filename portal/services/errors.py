"""Exceptions services raise; views turn them into messages by the fields or error pages."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    pass


class ValidationError(ServiceError):
    """Input breaks a rule. ``errors`` maps a field name ("" for the whole form) to a message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class StaleEdit(ServiceError):
    """Someone else saved the record after this form was loaded; nothing was written."""

    def __init__(self, current: Any):
        super().__init__("stale edit")
        self.current = current


class Forbidden(ServiceError):
    """The actor may not do this. Views answer 403 and the denial is audited."""

    def __init__(self, action: str, target: Any = None):
        super().__init__(action)
        self.action = action
        self.target = target


class NotFound(ServiceError):
    """There is no such record (or none the actor may know of). Views answer 404."""

"""Typed models, one module per area. Importing this package registers them all."""

from portal.models.accounts import LoginAttempt, PasswordSetToken, Role, User, UserSession
from portal.models.audit import AuditEvent
from portal.models.base import Base
from portal.models.contacts import Contact, Interaction
from portal.models.organisations import Organisation
from portal.models.reference import ChinesePlace, City, CityPartnership, Theme

__all__ = [
    "AuditEvent",
    "Base",
    "ChinesePlace",
    "City",
    "CityPartnership",
    "Contact",
    "Interaction",
    "LoginAttempt",
    "Organisation",
    "PasswordSetToken",
    "Role",
    "Theme",
    "User",
    "UserSession",
]

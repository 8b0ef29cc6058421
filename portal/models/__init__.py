"""Typed models, one module per area. Importing this package registers them all."""

from portal.models.accounts import (
    CalendarToken,
    LoginAttempt,
    PasswordSetToken,
    Role,
    User,
    UserSession,
)
from portal.models.agreements import ActionPlanTheme, Agreement, AgreementFollowUp
from portal.models.api import ApiToken
from portal.models.audit import AuditEvent
from portal.models.base import Base
from portal.models.contacts import Contact, Interaction
from portal.models.events import Event
from portal.models.expertise import ExpertiseOffer
from portal.models.imports import ImportBatch, ImportedRecord, ImportMapping
from portal.models.mail import OutboxMail, ReminderRun
from portal.models.meetings import (
    ActionItem,
    AgendaAttachment,
    AgendaItem,
    AgendaLink,
    AgendaVersion,
    Meeting,
    MeetingSeries,
    Notification,
)
from portal.models.organisations import Organisation
from portal.models.privacy import PersonalDataAccess, ProcessingDescription
from portal.models.projects import Project, ProjectUpdate
from portal.models.reference import ChinesePlace, City, CityPartnership, Theme
from portal.models.search import SearchDocument, SearchIndexPart, SearchIndexState

__all__ = [
    "ActionItem",
    "ActionPlanTheme",
    "AgendaAttachment",
    "AgendaItem",
    "AgendaLink",
    "AgendaVersion",
    "Agreement",
    "AgreementFollowUp",
    "ApiToken",
    "AuditEvent",
    "Base",
    "CalendarToken",
    "ChinesePlace",
    "City",
    "CityPartnership",
    "Contact",
    "Event",
    "ExpertiseOffer",
    "ImportBatch",
    "ImportMapping",
    "ImportedRecord",
    "Interaction",
    "LoginAttempt",
    "Meeting",
    "MeetingSeries",
    "Notification",
    "Organisation",
    "OutboxMail",
    "PasswordSetToken",
    "PersonalDataAccess",
    "ProcessingDescription",
    "Project",
    "ProjectUpdate",
    "ReminderRun",
    "Role",
    "SearchDocument",
    "SearchIndexPart",
    "SearchIndexState",
    "Theme",
    "User",
    "UserSession",
]

"""Translatable labels for the stored codes of the domain (kinds, statuses)."""

from flask_babel import lazy_gettext as _l

INTERACTION_KIND_LABELS = {
    "meeting": _l("Meeting"),
    "visit": _l("Visit"),
    "call": _l("Call"),
    "message": _l("Message"),
    "event": _l("Event"),
}

ORGANISATION_KIND_LABELS = {
    "government": _l("Government body"),
    "company": _l("Company"),
    "university": _l("University"),
    "school": _l("School"),
    "association": _l("Association"),
    "media": _l("Media"),
    "other": _l("Other"),
}

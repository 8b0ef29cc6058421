"""Translatable labels for the stored codes of the domain (kinds, statuses)."""

from flask_babel import lazy_gettext as _l

INTERACTION_KIND_LABELS = {
    "meeting": _l("Meeting"),
    "visit": _l("Visit"),
    "call": _l("Call"),
    "message": _l("Message"),
    "event": _l("Event"),
}

LEGAL_BASIS_LABELS = {
    "public_task": _l("Public task (the city's international co-operation)"),
    "legitimate_interest": _l("Legitimate interest"),
    "consent": _l("Consent of the person"),
    "contract": _l("Contract"),
}

TIMEZONE_LABELS = {
    "Europe/Helsinki": _l("Finnish time"),
    "Asia/Shanghai": _l("China Standard Time"),
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

PROJECT_STATUS_LABELS = {
    "idea": _l("Idea"),
    "planned": _l("Planned"),
    "active": _l("Active"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
}

FUNDING_SOURCE_LABELS = {
    "own": _l("The city's own funds"),
    "partner": _l("The Chinese partner"),
    "third_party": _l("A third party"),
    "eu": _l("EU funding"),
    "national": _l("National funding"),
}

EVENT_KIND_LABELS = {
    "incoming_delegation": _l("Incoming delegation"),
    "outgoing_delegation": _l("Outgoing delegation"),
    "festival": _l("Festival"),
    "trade_mission": _l("Trade mission"),
    "fair": _l("Fair"),
    "seminar": _l("Seminar"),
    "sports_event": _l("Sports event"),
    "conference": _l("Conference"),
    "signing": _l("Signing"),
}

AGREEMENT_KIND_LABELS = {
    "sister_city": _l("Sister-city agreement"),
    "friendship_city": _l("Friendship-city agreement"),
    "mou": _l("Memorandum of understanding"),
    "action_plan": _l("Action plan"),
    "letter_of_intent": _l("Letter of intent"),
    "cooperation": _l("Co-operation agreement"),
}

AGREEMENT_STATUS_LABELS = {
    "in_preparation": _l("In preparation"),
    "in_force": _l("In force"),
    "expired": _l("Expired"),
    "terminated": _l("Terminated"),
}

REMINDER_FREQUENCY_LABELS = {
    "daily": _l("Every day (what is due that day)"),
    "weekly": _l(
        "Once a week (what is due in the coming week, and what other cities shared on your themes)"
    ),
    "never": _l("Never"),
}
REMINDER_FREQUENCY_WORDS = {
    "daily": _l("every day"),
    "weekly": _l("once a week"),
    "never": _l("never"),
}

FOLLOW_UP_KIND_LABELS = {
    "review": _l("Review"),
    "evaluation": _l("Evaluation"),
    "expiry": _l("End of the term"),
}

FOLLOW_UP_OUTCOME_LABELS = {
    "on_track": _l("On track: continues as agreed"),
    "needs_changes": _l("Changes needed"),
    "to_be_ended": _l("To be ended"),
    "renewed": _l("Renewed"),
    "ended": _l("Ended"),
    "continued_informally": _l("Continued informally"),
}


def agreement_status(agreement) -> str:
    """An agreement's status as of today in words: one past its end date is expired, not
    "In force", and says what was decided or that nobody has decided yet."""
    from portal.timeutil import local_today

    status = agreement.status_on(local_today())
    if status == "expired" and agreement.expiry_decision == "continued_informally":
        return str(_l("Expired, continued informally"))
    if status == "expired" and agreement.status == "in_force":
        return str(_l("Expired: the end of the term is not decided yet"))
    return str(AGREEMENT_STATUS_LABELS[status])


PROGRESS_LABELS = {
    "not_started": _l("Not started"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "dropped": _l("Dropped"),
}

# Statuses of projects, agreements and meetings, for the search facet (the record kinds'
# own names are in portal.kinds).
STATUS_LABELS = {
    **{f"status:{k}": v for k, v in PROJECT_STATUS_LABELS.items()},
    **{f"status:{k}": v for k, v in AGREEMENT_STATUS_LABELS.items()},
}

MEETING_STATUS_LABELS = {
    "draft": _l("Draft"),
    "published": _l("Agenda published"),
    "held": _l("Held"),
    "approved": _l("Minutes approved"),
}
STATUS_LABELS.update({f"status:{k}": v for k, v in MEETING_STATUS_LABELS.items()})

ITEM_KIND_LABELS = {
    "information": _l("Information"),
    "discussion": _l("Discussion"),
    "decision": _l("Decision"),
}

ITEM_STATUS_LABELS = {
    "proposed": _l("Proposed, waiting for a decision"),
    "accepted": _l("Accepted"),
    "deferred": _l("Deferred"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
}

# What the personal data access log says was done (issue 13).
ACCESS_LABELS = {
    "view": _l("Viewed"),
    "export": _l("Exported"),
    "create": _l("Recorded"),
    "update": _l("Changed"),
    "archive": _l("Archived"),
    "restore": _l("Restored"),
    "report": _l("Subject access report"),
    "erase": _l("Erased"),
    "restrict": _l("Restricted"),
    "lift": _l("Restriction lifted"),
}

ACTION_STATUS_LABELS = {
    "open": _l("Open"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
}


def count(what: str, n: int) -> str:
    """``n`` records of a kind, with the plural form the language needs ("1 contact",
    "2 contacts"; in Finnish "1 yhteyshenkilö", "2 yhteyshenkilöä")."""
    from portal.formatting import number_text
    from portal.translations import ngettext as _n

    c = number_text(n)
    forms = {
        "contacts": lambda: _n("%(count)s contact", "%(count)s contacts", n, count=c),
        "interactions": lambda: _n("%(count)s interaction", "%(count)s interactions", n, count=c),
        "projects": lambda: _n("%(count)s project", "%(count)s projects", n, count=c),
        "events": lambda: _n("%(count)s event", "%(count)s events", n, count=c),
        "agreements": lambda: _n("%(count)s agreement", "%(count)s agreements", n, count=c),
        "offers": lambda: _n("%(count)s expertise offer", "%(count)s expertise offers", n, count=c),
        "organisations": lambda: _n(
            "%(count)s organisation", "%(count)s organisations", n, count=c
        ),
        "results": lambda: _n("%(count)s result", "%(count)s results", n, count=c),
        "entries": lambda: _n("%(count)s entry", "%(count)s entries", n, count=c),
    }
    return forms[what]()


def more_than(what: str, n: int) -> str:
    """A count that stopped at ``n``: "More than 1,000 contacts"."""
    from portal.formatting import number_text
    from portal.translations import ngettext as _n

    c = number_text(n)
    forms = {
        "contacts": lambda: _n(
            "More than %(count)s contact", "More than %(count)s contacts", n, count=c
        ),
        "interactions": lambda: _n(
            "More than %(count)s interaction", "More than %(count)s interactions", n, count=c
        ),
        "projects": lambda: _n(
            "More than %(count)s project", "More than %(count)s projects", n, count=c
        ),
        "events": lambda: _n("More than %(count)s event", "More than %(count)s events", n, count=c),
        "agreements": lambda: _n(
            "More than %(count)s agreement", "More than %(count)s agreements", n, count=c
        ),
        "offers": lambda: _n(
            "More than %(count)s expertise offer",
            "More than %(count)s expertise offers",
            n,
            count=c,
        ),
        "organisations": lambda: _n(
            "More than %(count)s organisation", "More than %(count)s organisations", n, count=c
        ),
        "results": lambda: _n(
            "More than %(count)s result", "More than %(count)s results", n, count=c
        ),
        "entries": lambda: _n(
            "More than %(count)s entry", "More than %(count)s entries", n, count=c
        ),
    }
    return forms[what]()

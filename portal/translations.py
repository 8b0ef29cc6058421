"""The request's gettext catalogue, looked up once per request and language.

Flask-Babel looks the catalogue up anew for every string (a handful of context look-ups,
~30 us), and a page writes a hundred or more strings: the templates, the count labels and,
through KeptDomain, the code's gettext read it from here. Kept with the locale it is for, so
that a text written under ``force_locale`` (a notification in its reader's language) is in
that language."""

from __future__ import annotations

from babel import Locale
from flask import g, has_request_context
from flask_babel import Domain, get_domain, get_locale


def _looked_up():
    # Flask-Babel's own look-up, not KeptDomain's (which asks current()).
    return Domain.get_translations(get_domain())


class KeptDomain(Domain):
    """Flask-Babel's domain whose gettext, ngettext and lazy strings use the kept catalogue."""

    def get_translations(self):
        return current()


def _kept_locale(store) -> Locale | None:
    # Where Flask-Babel keeps the locale in force once chosen (or forced); get_locale()
    # finds it through a few context look-ups, and a page asks for it a hundred times.
    return getattr(getattr(store, "_flask_babel", None), "babel_locale", None)


def locale() -> Locale | None:
    """The locale in force in this request (None outside one)."""
    if not has_request_context():
        return None
    return _kept_locale(g._get_current_object()) or get_locale()


def current():
    """The catalogue of the language in force (the request's, or one forced)."""
    if not has_request_context():
        return _looked_up()
    store = g._get_current_object()  # once: each look-up through the proxy costs as much
    kept = getattr(store, "_portal_translations", None)
    in_force = _kept_locale(store)
    if kept is not None and in_force is not None and kept[0] is in_force:
        return kept[1]
    translations = _looked_up()  # this also settles the request's locale
    store._portal_translations = (_kept_locale(store), translations)
    return translations


def ngettext(singular: str, plural: str, n: int, **variables) -> str:
    """Flask-Babel's ``ngettext``, from the kept catalogue."""
    variables.setdefault("num", n)
    return current().ungettext(singular, plural, n) % variables

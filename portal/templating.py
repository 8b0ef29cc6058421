"""Template globals and filters shared by every page."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Flask, g, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup, escape

from portal import formatting, history, kinds, labels, translations
from portal.i18n import LANGUAGE_NAMES, available_locales
from portal.labels import INTERACTION_KIND_LABELS, ORGANISATION_KIND_LABELS
from portal.links import city_list_url, record_url
from portal.search.highlight import highlight
from portal.security.permissions import can


def _formatted(eval_ctx: EvalContext, text: str, variables: dict) -> str:
    # As jinja2.ext's newstyle gettext: the text is always a format string (so "%%" is a per
    # cent sign); in HTML, the catalogue's text is taken as markup (it is ours, as the
    # template's own text is) and the values going in are escaped.
    if eval_ctx.autoescape:
        return Markup(text) % variables  # noqa: S704 (the catalogue's text, values escaped)
    return text % variables


@pass_eval_context
def _gettext(eval_ctx: EvalContext, string: str, **variables) -> str:
    return _formatted(eval_ctx, translations.current().ugettext(string), variables)


@pass_eval_context
def _ngettext(eval_ctx: EvalContext, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    text = translations.current().ungettext(singular, plural, num)
    return _formatted(eval_ctx, text, variables)


def init_app(app: Flask) -> None:
    # The catalogue looked up once per request (portal/translations.py), not per string.
    # install_gettext_callables comes with the jinja2.ext.i18n extension Flask-Babel adds.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: translations.current().ugettext(s),
        ngettext=lambda s, p, n: translations.current().ungettext(s, p, n),
        pgettext=lambda c, s: translations.current().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations.current().unpgettext(c, s, p, n),
        newstyle=True,
    )
    # The extension's _() reaches the catalogue through two more template calls
    # (_gettext_alias, then its newstyle wrapper), each costing Jinja's context machinery
    # ~7 us: 20 us a string, and a page writes a hundred or more. These do the same in one.
    app.jinja_env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext)
    app.jinja_env.globals.update(
        can=can,
        # For macros imported without context too.
        current_user=current_user,
        current_locale=lambda: str(get_locale() or "en"),
        available_locales=available_locales,
        language_names=LANGUAGE_NAMES,
        url_with=_url_with,
        record_url=record_url,
        city_list_url=city_list_url,
        export_url=_export_url,
        labels=labels,
        in_words=history,  # the audit history in words (portal/history.py)
        kinds=kinds,
        interaction_kind_labels=INTERACTION_KIND_LABELS,
        organisation_kind_labels=ORGANISATION_KIND_LABELS,
    )
    app.jinja_env.globals["visibility"] = visibility_badges
    app.jinja_env.globals["annex_html"] = annex_html
    app.jinja_env.globals["who_knows_html"] = who_knows_html
    app.jinja_env.filters["highlight"] = highlight
    app.jinja_env.filters["mark_chinese"] = mark_chinese
    # One format per kind of value, in the interface language (portal/formatting.py).
    app.jinja_env.filters["month_name"] = formatting.month_text
    app.jinja_env.globals["weekday_names"] = formatting.weekday_names
    app.jinja_env.filters["date_short"] = formatting.date_text
    app.jinja_env.filters["time_short"] = formatting.time_text
    app.jinja_env.filters["from_iso"] = lambda s: date.fromisoformat(s) if s else None
    app.jinja_env.filters["localtime"] = formatting.datetime_text
    app.jinja_env.filters["thousands"] = formatting.number_text


def rendered_once(name: str, template: str, content: Any, *, limit: int, **context) -> Markup:
    """``render_template(template, **context)``, rendered once for each ``content`` (which
    must hold everything the template reads from ``context``), language and address root,
    and kept (at most ``limit`` under ``name``): for parts of pages that list hundreds of
    links and are read far more often than what they list changes."""
    import hashlib
    import json

    from flask import render_template

    from portal.caching import per_version

    digest = hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode())
    return per_version(
        name,
        (digest.hexdigest(), str(get_locale()), request.script_root),
        lambda: Markup(render_template(template, **context)),  # noqa: S704 (escaped by it)
        limit=limit,
    )


def annex_html(annex: dict | None, printing: bool) -> Markup:
    """A meeting's annex (meetings/_annex.html), rendered once per content, form and language:
    the stored annex does not change once published, and its few hundred links were a
    quarter of the meeting page's time. ``annex`` is what the reader may read of it
    (services.annex.for_reader), so readers who may read the same share it."""
    return rendered_once(
        "annex-html",
        "meetings/_annex.html",
        [annex, printing],
        limit=64,
        annex=annex,
        printing=printing,
    )


def who_knows_html(by_city, who_filter: dict) -> Markup:
    """Who in the network knows an organisation or a place (_who_knows.html), rendered once
    per what it shows: at a busy place, 21 cities' hundred and more records and counts,
    ten milliseconds of Jinja on every visit, and the same for every reader who may see
    the same (the records and counts are already what this reader may see)."""
    content = [
        who_filter,
        by_city.capped,
        by_city.counted,
        [
            [
                [group.city.id, group.city.slug, group.city.local_name],
                group.officer and [group.officer.name, group.officer.email],
                group.visible,
                group.hidden,
                {
                    kind: [{k: v for k, v in vars(r).items() if k != "city"} for r in records]
                    for kind, records in group.records.items()
                },
            ]
            for group in by_city
        ],
    ]
    return rendered_once(
        "who-knows-html",
        "_who_knows.html",
        content,
        limit=256,
        by_city=by_city,
        who_filter=who_filter,
    )


def visibility_badges(record) -> Markup:
    """Who sees a record, as badges ("Shared with the network" / "Private to Espoo", and
    "Archived"). A list shows the same few for fifty rows: each is made once per request
    (the macro this replaces was a tenth of a list page's time)."""
    key = (record.visibility, record.city_id, record.archived_at is not None)
    made: dict = g.setdefault("_visibility_badges", {})
    if key not in made:
        if record.visibility == "network":
            badges = Markup('<span class="badge badge-shared">%s</span>') % _(
                "Shared with the network"
            )
        else:
            badges = Markup('<span class="badge badge-private">%s</span>') % _(
                "Private to %(city)s", city=record.city.local_name
            )
        if record.archived_at is not None:
            badges += Markup(' <span class="badge badge-archived">%s</span>') % _("Archived")
        made[key] = badges
    return made[key]


# Runs of Chinese characters (and their full-width punctuation).
_CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")


def mark_chinese(text) -> Markup:
    """Text with each run of Chinese characters marked lang="zh", so that a screen reader
    reads it in Chinese and a browser picks a Chinese font (WCAG 3.1.2)."""
    text = "" if text is None else str(text)
    out: list[Markup] = []
    last = 0
    for match in _CHINESE.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(Markup('<span lang="zh">%s</span>') % match.group())
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def _export_url(endpoint: str, fmt: str) -> str:
    """The current list as a file: the same filters, every page."""
    args: dict[str, Any] = request.args.to_dict()
    for key in ("page", "after", "before"):
        args.pop(key, None)
    return url_for(endpoint, fmt=fmt, **args)


def _url_with(**changes) -> str:
    """The current page's URL with some query parameters changed (None removes one)."""
    args: dict[str, Any] = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint or "", **(request.view_args or {}), **args)

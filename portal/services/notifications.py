"""In-app notifications, and the same by e-mail through the outbox (services/mail.py): queued
in the same transaction, delivered by ``flask mail send``, never lost."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from flask import current_app
from sqlalchemy import func, select, update

from portal.database import rows_matched
from portal.extensions import db
from portal.models.meetings import Notification
from portal.services import mail
from portal.timeutil import utcnow


def notify(users, message: Callable[[], str], *, url: str = "") -> list[Notification]:
    """A notification for each user, in the caller's transaction; the e-mails go after.

    ``message`` writes the text; it is called once per language of the recipients, under
    that language, so that each person reads it (and its dates) in their own."""
    from flask_babel import force_locale

    from portal.i18n import available_locales, default_locale

    by_language: dict[str, list] = defaultdict(list)
    for user in users:
        language = user.locale if user.locale in available_locales() else default_locale()
        by_language[language].append(user)
    created = []
    for language, readers in by_language.items():
        with force_locale(language):
            text = str(message())
        for user in readers:
            notification = Notification(user_id=user.id, message=text[:300], url=url[:300])
            db.session.add(notification)
            created.append(notification)
        mail.queue([u.email for u in readers], text[:120], mail_body(text, url))
    return created


def mail_body(message: str, url: str) -> str:
    """The text of a notification's e-mail: the message and a link back to the portal."""
    base = current_app.config.get("PORTAL_BASE_URL", "http://127.0.0.1:5000")
    return f"{message}\n\n{base}{url}\n" if url else f"{message}\n"


def unread_for(user, *, limit: int = 10) -> tuple[list[Notification], int]:
    """The user's latest unread notifications and how many are unread in all."""
    condition = (Notification.user_id == user.id, Notification.read_at.is_(None))
    items = db.session.scalars(
        select(Notification)
        .where(*condition)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    ).all()
    count = db.session.scalar(select(func.count(Notification.id)).where(*condition))
    return list(items), count or 0


def mark_read(user) -> int:
    """Mark all the user's notifications read; only ever the user's own."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return rows_matched(result)

"""In-app notifications, and the same by e-mail: through SMTP when PORTAL_SMTP_HOST is set,
otherwise written to the log (so nothing is lost on a machine without mail)."""

from __future__ import annotations

import smtplib
from collections import defaultdict
from collections.abc import Callable
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import func, select, update

from portal.database import rows_matched
from portal.extensions import db
from portal.models.meetings import Notification
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
        send_mail([u.email for u in readers], text, url)
    return created


def send_mail(recipients: list[str], message: str, url: str) -> None:
    if not recipients:
        return
    config = current_app.config
    base = config.get("PORTAL_BASE_URL", "http://127.0.0.1:5000")
    body = f"{message}\n\n{base}{url}\n" if url else f"{message}\n"
    host = config.get("PORTAL_SMTP_HOST")
    if not host:
        current_app.logger.info("mail to %d recipients (no SMTP set): %s", len(recipients), body)
        return
    mail = EmailMessage()
    mail["Subject"] = message[:120]
    mail["From"] = config.get("PORTAL_MAIL_FROM", "c21-portal@localhost")
    mail["Bcc"] = ", ".join(recipients)
    mail.set_content(body)
    try:
        with smtplib.SMTP(host, int(config.get("PORTAL_SMTP_PORT", 25)), timeout=10) as smtp:
            smtp.send_message(mail)
    except (OSError, smtplib.SMTPException):
        # The in-app notification stands; the log says the mail did not go.
        current_app.logger.exception("mail to %d recipients failed", len(recipients))


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

"""The mail outbox: queue an e-mail in the caller's transaction, deliver the queue from the
command line (``flask --app portal mail send``, from cron or a systemd timer).

A web request only ever writes outbox rows, so a slow or absent mail server never holds a
page up, and a mail is queued only if the change it tells of is committed. Delivery keeps
every mail and its state: sent, or failed with the server's answer and tried again later
(5 minutes, then doubling), until MAX_ATTEMPTS; what is given up stays for the admins to see.
"""

from __future__ import annotations

import contextlib
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import func, or_, select

from portal.extensions import db
from portal.models.accounts import User
from portal.models.mail import OutboxMail
from portal.security.permissions import require
from portal.timeutil import utcnow

MAX_ATTEMPTS = 8  # 5 min, 10, 20, 40, 80, 160, 320: about ten hours of trying
FIRST_RETRY = timedelta(minutes=5)
NO_SERVER = "no SMTP server set (PORTAL_SMTP_HOST): mail stays in the outbox"


def queue(recipients: list[str], subject: str, body: str, *, html: str = "") -> list[OutboxMail]:
    """An outbox mail for each recipient (plain text, and an HTML alternative if given), in
    the caller's transaction."""
    mails = [
        OutboxMail(recipient=r[:254], subject=subject[:200], body=body, html=html)
        for r in dict.fromkeys(recipients)
        if r
    ]
    db.session.add_all(mails)
    if mails and not current_app.config.get("PORTAL_SMTP_HOST"):
        current_app.logger.warning("%d mail(s) queued: %s", len(mails), NO_SERVER)
    return mails


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0
    waiting: int = 0  # still queued or to be retried after this run
    no_server: bool = False


def _due(now: datetime):
    return (
        OutboxMail.state.in_(("queued", "failed")),
        OutboxMail.attempts < MAX_ATTEMPTS,
        or_(OutboxMail.next_attempt_at.is_(None), OutboxMail.next_attempt_at <= now),
    )


def _failed(mail: OutboxMail, error: str, now: datetime) -> None:
    mail.state = "failed"
    mail.attempts += 1
    mail.last_error = error[:500]
    mail.next_attempt_at = (
        now + FIRST_RETRY * 2 ** (mail.attempts - 1) if mail.attempts < MAX_ATTEMPTS else None
    )


def _message(mail: OutboxMail) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = config.get("PORTAL_MAIL_FROM", "c21-portal@localhost")
    message["To"] = mail.recipient
    message.set_content(mail.body)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    return message


def send_queued(*, now: datetime | None = None, limit: int = 500) -> Delivery:
    """Deliver the mails that are due, each committed on its own (a crash half-way sends
    nothing twice). Without an SMTP server nothing is tried: the mails wait, and the log
    says so at WARNING. A server that cannot be reached fails the whole run's mails for a
    later try; one that refuses a mail fails that mail with its answer."""
    now = now or utcnow()
    report = Delivery()
    config = current_app.config
    host = config.get("PORTAL_SMTP_HOST")
    due = list(
        db.session.scalars(
            select(OutboxMail).where(*_due(now)).order_by(OutboxMail.id).limit(limit)
        )
    )
    if not host:
        report.no_server = True
        report.waiting = len(due)
        if due:
            current_app.logger.warning("%d mail(s) waiting: %s", len(due), NO_SERVER)
        return report
    try:
        smtp = smtplib.SMTP(host, int(config.get("PORTAL_SMTP_PORT", 25)), timeout=10)
    except (OSError, smtplib.SMTPException) as error:
        for mail in due:
            _failed(mail, f"server unreachable: {error}", now)
        db.session.commit()
        current_app.logger.warning("mail server %s unreachable: %s", host, error)
        report.failed = len(due)
        report.waiting = sum(1 for m in due if m.next_attempt_at is not None)
        return report
    try:
        for mail in due:
            try:
                smtp.send_message(_message(mail))
            except smtplib.SMTPRecipientsRefused as error:
                answers = "; ".join(
                    f"{code} {text.decode(errors='replace')}"
                    for code, text in error.recipients.values()
                )
                _failed(mail, answers, now)
            except smtplib.SMTPResponseException as error:
                text = error.smtp_error
                answer = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
                _failed(mail, f"{error.smtp_code} {answer}", now)
            except (OSError, smtplib.SMTPException) as error:
                _failed(mail, str(error), now)
            else:
                mail.state, mail.sent_at, mail.next_attempt_at = "sent", now, None
                mail.attempts += 1
                mail.last_error = ""
            db.session.commit()
            if mail.state == "sent":
                report.sent += 1
            else:
                report.failed += 1
                current_app.logger.warning("mail %d failed: %s", mail.id, mail.last_error)
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            smtp.quit()
    report.waiting = (
        db.session.scalar(
            select(func.count(OutboxMail.id)).where(
                OutboxMail.state.in_(("queued", "failed")), OutboxMail.next_attempt_at.is_not(None)
            )
        )
        or 0
    )
    return report


def outbox_for_admin(actor: User, *, state: str = "", limit: int = 200) -> tuple[list, dict]:
    """The newest mails (of one state, if given) and how many there are in each state.
    Admins only: recipients are personal data."""
    require(actor, "users.manage")
    query = select(OutboxMail).order_by(OutboxMail.created_at.desc(), OutboxMail.id.desc())
    if state:
        query = query.where(OutboxMail.state == state)
    counts = dict(
        db.session.execute(
            select(OutboxMail.state, func.count(OutboxMail.id)).group_by(OutboxMail.state)
        ).all()
    )
    return list(db.session.scalars(query.limit(limit))), counts

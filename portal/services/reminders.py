"""Reminders by e-mail (``flask --app portal reminders send``, from cron or a timer): what is
due for each person, daily or weekly as they chose on their account page, in their language,
as plain text and HTML with links back; made once per person and period, so running the
command twice sends nothing twice.

What a reminder holds, as far as the person may see and act on it:
- an officer: their city's follow-ups due, its agreements' reviews, evaluations and ends of
  term due, its action items due or overdue, and the proposal deadlines of coming meetings;
- everyone: once a week, what other cities shared on the themes they follow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import kinds as registry
from portal import labels
from portal.extensions import db
from portal.models.accounts import REMINDER_FREQUENCIES, Role, User
from portal.models.contacts import Interaction
from portal.models.mail import ReminderRun
from portal.models.meetings import ActionItem, Meeting
from portal.models.mixins import Visibility
from portal.models.reference import Theme
from portal.services import agreements, mail
from portal.services.errors import ValidationError
from portal.timeutil import HELSINKI

# How far ahead a reminder looks: a daily one at today, a weekly one at the coming week.
AHEAD = {"daily": 0, "weekly": 6}
# Proposal deadlines are told a week ahead, whichever the frequency.
DEADLINE_AHEAD = 7
# Of each kind, the digest lists at most this many shared records.
DIGEST_SHOWN = 10


@dataclass
class Reminders:
    user: User
    today: date
    follow_ups: list[Interaction] = field(default_factory=list)
    agreements_due: list = field(default_factory=list)
    action_items: list[ActionItem] = field(default_factory=list)
    deadlines: list[Meeting] = field(default_factory=list)
    digest: list[tuple] = field(default_factory=list)  # (kind, record)

    @property
    def count(self) -> int:
        return (
            len(self.follow_ups)
            + len(self.agreements_due)
            + len(self.action_items)
            + len(self.deadlines)
            + len(self.digest)
        )


def period(frequency: str, today: date) -> str:
    """The period a reminder belongs to: a day, or an ISO week."""
    if frequency == "daily":
        return today.isoformat()
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


def set_preferences(actor: User, *, frequency: str, theme_ids: list[int]) -> None:
    """The person's own reminder frequency and followed themes. Raises ValidationError."""
    if frequency not in REMINDER_FREQUENCIES:
        raise ValidationError({"reminder_frequency": str(_l("Choose how often from the list."))})
    actor.reminder_frequency = frequency
    actor.themes = list(
        db.session.scalars(select(Theme).where(Theme.id.in_(theme_ids), Theme.active))
    )


def reminders_for(user: User, today: date) -> Reminders:
    """What is due for ``user`` as of ``today`` (their frequency decides how far ahead)."""
    found = Reminders(user, today)
    horizon = today + timedelta(days=AHEAD.get(user.reminder_frequency, 0))
    if user.role == Role.OFFICER and user.city_id is not None:
        found.follow_ups = list(
            db.session.scalars(
                select(Interaction)
                .where(
                    Interaction.city_id == user.city_id,
                    Interaction.archived_at.is_(None),
                    Interaction.follow_up_done.is_(False),
                    Interaction.follow_up_on.is_not(None),
                    Interaction.follow_up_on <= horizon,
                )
                .order_by(Interaction.follow_up_on, Interaction.id)
                .limit(50)
            )
        )
        found.agreements_due = [
            item
            for item in agreements.due_soon(user, today=today, days=30, city_id=user.city_id)
            if item.on <= horizon + timedelta(days=30)
        ]
        found.action_items = list(
            db.session.scalars(
                select(ActionItem)
                .where(
                    ActionItem.owner_city_id == user.city_id,
                    ActionItem.status != "done",
                    ActionItem.due_on.is_not(None),
                    ActionItem.due_on <= horizon,
                )
                .order_by(ActionItem.due_on, ActionItem.id)
                .limit(50)
            )
        )
        found.deadlines = list(
            db.session.scalars(
                select(Meeting)
                .where(
                    Meeting.status.in_(("draft", "published")),
                    Meeting.proposal_deadline >= today,
                    Meeting.proposal_deadline <= today + timedelta(days=DEADLINE_AHEAD),
                )
                .order_by(Meeting.proposal_deadline, Meeting.id)
            )
        )
    if user.themes and (user.reminder_frequency == "weekly" or today.weekday() == 0):
        found.digest = _digest(user, today)
    return found


def _digest(user: User, today: date) -> list[tuple]:
    """What other cities shared in the past week on the themes ``user`` follows."""
    since = datetime.combine(today - timedelta(days=7), time(0), tzinfo=HELSINKI)
    since_utc = since.astimezone(UTC)
    theme_ids = [t.id for t in user.themes]
    shared: list[tuple] = []
    for kind in registry.shared_directory():
        model = kind.model
        if "themes" in model.__mapper__.relationships:
            on_theme = model.themes.any(Theme.id.in_(theme_ids))
        elif hasattr(model, "theme_id"):
            on_theme = model.theme_id.in_(theme_ids)
        else:
            continue
        query = select(model).where(
            model.visibility == Visibility.NETWORK.value,
            model.archived_at.is_(None),
            model.created_at >= since_utc,
            on_theme,
        )
        if user.city_id is not None:
            query = query.where(model.city_id != user.city_id)
        for record in db.session.scalars(
            query.order_by(model.created_at.desc()).limit(DIGEST_SHOWN)
        ):
            shared.append((kind, record))
    return shared


@dataclass
class Run:
    users: int = 0
    mails: int = 0
    already: int = 0


def send_reminders(today: date) -> Run:
    """Make each active person's reminders for the current period, once: a mail in their
    language when there is anything, and a note of the run either way. Each person in a
    transaction of their own."""
    from portal.i18n import available_locales, default_locale

    run = Run()
    people = db.session.scalars(
        select(User)
        .where(User.active.is_(True), User.reminder_frequency != "never")
        .order_by(User.id)
    ).all()
    # Links are the pages' paths (with any prefix the portal is served under, from the
    # request context the command sets up) after the base address's scheme and host.
    parts = urlsplit(current_app.config.get("PORTAL_BASE_URL", "http://127.0.0.1:5000"))
    base = f"{parts.scheme}://{parts.netloc}"
    for user in people:
        key = period(user.reminder_frequency, today)
        if db.session.scalar(
            select(ReminderRun.id).where(ReminderRun.user_id == user.id, ReminderRun.period == key)
        ):
            run.already += 1
            continue
        run.users += 1
        found = reminders_for(user, today)
        db.session.add(ReminderRun(user_id=user.id, period=key, items=found.count))
        if found.count:
            language = user.locale if user.locale in available_locales() else default_locale()
            with force_locale(language):
                subject = str(
                    _l(
                        "C21 portal: %(count)s things to see to",
                        count=found.count,
                    )
                )
                context = {
                    "r": found,
                    "base": base,
                    "frequency": user.reminder_frequency,
                    "reminder_what": labels.FOLLOW_UP_KIND_LABELS,
                    "reminder_frequency_words": labels.REMINDER_FREQUENCY_WORDS,
                }
                text = render_template("mail/reminders.txt", **context)
                html = render_template("mail/reminders.html", **context)
            mail.queue([user.email], subject, text, html=html)
            run.mails += 1
        try:
            db.session.commit()
        except IntegrityError:  # another run made this person's reminders meanwhile
            db.session.rollback()
            run.already += 1
            run.mails -= 1 if found.count else 0
    # Once a month, the data protection officers' retention review (issue 13).
    from portal.services import retention

    run.mails += retention.send_monthly(today)
    return run

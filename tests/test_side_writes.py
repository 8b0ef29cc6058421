"""One writer per request: a request's side writes (its session's last activity, the audit
event of a denial) never wait for the request's own write lock, so a save after a pause
lands and a denial stays a 404 while other workers write (real processes, real files)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from sqlalchemy import func, select, update

from portal.extensions import db
from portal.models import AuditEvent, Contact, UserSession
from portal.timeutil import utcnow
from tests.conftest import PASSWORD
from tests.live import Browser, gunicorn

CONTACT = {"given_name": "Wei", "family_name_first": "1", "legal_basis": "public_task"}


def _writer(base: str, email: str, stop: threading.Event, statuses: list[int]) -> None:
    """Another officer saving contacts as fast as the server takes them."""
    browser = Browser(base)
    browser.log_in(email, PASSWORD)
    token = browser.form_token("/contacts/new")
    n = 0
    while not stop.is_set():
        n += 1
        data = {**CONTACT, "family_name": f"Busy{n}", "visibility": "city"}
        statuses.append(browser.post("/contacts/new", data, token=token, timeout=60)[0])


def _pause(app, user_id: int, seconds: int) -> None:
    """As if the user's last request had been ``seconds`` ago."""
    with app.app_context():
        db.session.execute(
            update(UserSession)
            .where(UserSession.user_id == user_id)
            .values(last_seen_at=utcnow() - timedelta(seconds=seconds))
        )
        db.session.commit()


def test_a_save_after_a_pause_lands_while_another_worker_writes(app, _schema, make_user):
    officer = make_user("officer", "helsinki")
    colleague = make_user("officer", "espoo")
    with gunicorn(_schema, workers=2) as base:
        browser = Browser(base)
        browser.log_in(officer.email, PASSWORD)
        token = browser.form_token("/contacts/new")  # the form is opened, then a pause
        _pause(app, officer.id, 65)
        stop, statuses = threading.Event(), []
        writer = threading.Thread(target=_writer, args=(base, colleague.email, stop, statuses))
        writer.start()
        time.sleep(1)
        started = time.monotonic()
        data = {**CONTACT, "family_name": "Paused", "visibility": "network"}
        status, _body, location = browser.post("/contacts/new", data, token=token)
        took = time.monotonic() - started
        time.sleep(0.5)
        stop.set()
        writer.join(timeout=120)
    assert status == 302 and "/contacts/" in location, status
    assert took < 10, f"the save took {took:.1f} s"
    assert statuses and set(statuses) == {302}, statuses
    with app.app_context():
        assert db.session.scalar(select(Contact.id).where(Contact.family_name == "Paused"))
        seen = db.session.scalar(
            select(func.max(UserSession.last_seen_at)).where(UserSession.user_id == officer.id)
        )
        assert utcnow() - seen < timedelta(seconds=30), "the session's activity was refreshed"


def test_a_denial_under_a_concurrent_writer_is_a_404_and_audited(
    app, _schema, make_user, make_contact
):
    private = make_contact("helsinki", "city")
    outsider = make_user("officer", "espoo")
    colleague = make_user("officer", "helsinki")
    with gunicorn(_schema, workers=2) as base:
        browser = Browser(base)
        browser.log_in(outsider.email, PASSWORD)
        stop, statuses = threading.Event(), []
        writer = threading.Thread(target=_writer, args=(base, colleague.email, stop, statuses))
        writer.start()
        time.sleep(1)
        answers = []
        for n in range(20):
            _pause(app, outsider.id, 65 if n % 2 else 0)  # with and without a session touch
            answers.append(browser.get(f"/contacts/{private}")[0])
        stop.set()
        writer.join(timeout=120)
    assert answers == [404] * 20
    assert statuses and set(statuses) == {302}, statuses
    with app.app_context():
        denials = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.action == "access.denied",
                AuditEvent.actor_id == outsider.id,
                AuditEvent.object_id == private,
            )
        )
        assert denials == 20

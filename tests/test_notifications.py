"""Notifications by mail, through the outbox: queued with the change they tell of, delivered
by `flask mail send` over a real SMTP conversation on a loopback socket, kept with their
state when the server refuses them or is down, never sent twice, never lost."""

from __future__ import annotations

import logging
import socketserver
import threading
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models.mail import OutboxMail
from portal.services import mail, notifications
from portal.timeutil import utcnow


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough of SMTP (RFC 5321) to accept messages and keep them, or to refuse every
    recipient as a server does for an unknown mailbox."""

    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        data, in_data = [], False
        while line := self.rfile.readline():
            if in_data:
                if line == b".\r\n":
                    in_data = False
                    self.server.messages.append(b"".join(data).decode())
                    data = []
                    self.wfile.write(b"250 queued\r\n")
                else:
                    data.append(line)
                continue
            command = line[:4].upper()
            if command in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 test\r\n")
            elif command == b"DATA":
                in_data = True
                self.wfile.write(b"354 go ahead\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            elif command == b"RCPT" and self.server.refuse:
                self.wfile.write(b"550 5.1.1 mailbox unavailable\r\n")
            elif command == b"RSET":
                self.wfile.write(b"250 ok\r\n")
            else:  # MAIL FROM, RCPT TO
                self.server.recipients.append(line.decode().strip())
                self.wfile.write(b"250 ok\r\n")


@contextmanager
def smtp_server(app, *, refuse=False):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.messages, server.recipients, server.refuse = [], [], refuse
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config.update(PORTAL_SMTP_HOST="127.0.0.1", PORTAL_SMTP_PORT=server.server_address[1])
    try:
        yield server
    finally:
        app.config.update(PORTAL_SMTP_HOST=None, PORTAL_SMTP_PORT=25)
        server.shutdown()
        server.server_close()


def _queue(app, *recipients, subject="The agenda of the autumn meeting is published."):
    with app.test_request_context():
        mail.queue(list(recipients), subject, f"{subject}\n\nhttp://portal.example/meetings/1\n")
        db.session.commit()


def _mails(app) -> list[OutboxMail]:
    with app.app_context():
        mails = list(db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)))
        db.session.expunge_all()
        return mails


def test_a_notification_queues_its_mail_with_the_change_and_the_request_never_waits(app, make_user):
    """The mail is written in the caller's transaction: rolled back, no mail; committed, one
    per recipient, in their language. With a mail server configured that does not answer,
    notify() still returns at once: a request never talks to the server."""
    aino = make_user("officer", "helsinki", email="aino@helsinki.example", locale="fi")
    liisa = make_user("officer", "espoo", email="liisa@espoo.example", locale="en")
    app.config.update(PORTAL_SMTP_HOST="127.0.0.1", PORTAL_SMTP_PORT=9)  # nothing listens
    try:
        with app.test_request_context():
            from portal.models import User

            readers = [db.session.get(User, aino.id), db.session.get(User, liisa.id)]
            notifications.notify(readers, lambda: "Kokous", url="/meetings/1")
            db.session.rollback()
        assert _mails(app) == []
        with app.test_request_context():
            from flask_babel import gettext

            readers = [db.session.get(User, aino.id), db.session.get(User, liisa.id)]
            notifications.notify(readers, lambda: gettext("Meetings"), url="/meetings/1")
            db.session.commit()
    finally:
        app.config.update(PORTAL_SMTP_HOST=None, PORTAL_SMTP_PORT=25)
    queued = {m.recipient: m for m in _mails(app)}
    assert set(queued) == {"aino@helsinki.example", "liisa@espoo.example"}
    assert all(m.state == "queued" and m.attempts == 0 for m in queued.values())
    assert queued["aino@helsinki.example"].subject == "Kokoukset"
    assert queued["liisa@espoo.example"].subject == "Meetings"
    assert "/meetings/1" in queued["aino@helsinki.example"].body


def test_mail_send_delivers_the_queue_once(app):
    _queue(app, "aino@helsinki.example", "liisa@espoo.example")
    with smtp_server(app) as server, app.app_context():
        report = mail.send_queued()
        again = mail.send_queued()  # nothing is sent twice
    assert (report.sent, report.failed, again.sent) == (2, 0, 0)
    assert len(server.messages) == 2
    assert all("The agenda of the autumn meeting is published." in m for m in server.messages)
    assert all("http://portal.example/meetings/1" in m for m in server.messages)
    # Each mail names its one recipient: recipients are not shown to each other.
    assert sum("aino@helsinki.example" in m for m in server.messages) == 1
    recipients = [r.upper() for r in server.recipients]
    assert "RCPT TO:<AINO@HELSINKI.EXAMPLE>" in recipients
    assert [m.state for m in _mails(app)] == ["sent", "sent"]
    assert all(m.sent_at is not None and m.attempts == 1 for m in _mails(app))


def test_a_refused_mail_is_kept_with_the_servers_answer_and_tried_again_later(app):
    _queue(app, "nobody@helsinki.example")
    now = utcnow()
    with smtp_server(app, refuse=True), app.app_context():
        report = mail.send_queued(now=now)
    assert (report.sent, report.failed) == (0, 1)
    [refused] = _mails(app)
    assert refused.state == "failed" and refused.attempts == 1
    assert "550" in refused.last_error and "mailbox unavailable" in refused.last_error
    assert refused.next_attempt_at == now + timedelta(minutes=5)
    with smtp_server(app) as server, app.app_context():
        assert mail.send_queued(now=now + timedelta(minutes=1)).sent == 0  # not yet due
        assert mail.send_queued(now=now + timedelta(minutes=6)).sent == 1
    assert len(server.messages) == 1 and _mails(app)[0].state == "sent"


def test_a_server_that_is_down_fails_the_run_for_later_and_the_portal_gives_up_visibly(app, caplog):
    _queue(app, "aino@helsinki.example")
    app.config.update(PORTAL_SMTP_HOST="127.0.0.1", PORTAL_SMTP_PORT=9)  # nothing listens
    now = utcnow()
    try:
        with app.app_context(), caplog.at_level(logging.WARNING):
            report = mail.send_queued(now=now)
            [down] = _mails(app)
            assert (report.failed, down.state, down.attempts) == (1, "failed", 1)
            assert "server unreachable" in down.last_error
            assert "unreachable" in caplog.text
            # Back-off doubles: 5, 10, 20 ... minutes; then the portal gives up.
            waits = []
            for _ in range(mail.MAX_ATTEMPTS - 1):
                due = db.session.scalar(select(OutboxMail.next_attempt_at))
                waits.append(due - now)
                now = due
                mail.send_queued(now=now)
    finally:
        app.config.update(PORTAL_SMTP_HOST=None, PORTAL_SMTP_PORT=25)
    assert waits[:3] == [timedelta(minutes=5), timedelta(minutes=10), timedelta(minutes=20)]
    [given_up] = _mails(app)
    assert given_up.state == "failed" and given_up.attempts == mail.MAX_ATTEMPTS
    assert given_up.next_attempt_at is None


def test_without_a_mail_server_mails_wait_in_the_outbox_and_the_log_warns(app, caplog):
    with caplog.at_level(logging.WARNING):
        _queue(app, "aino@helsinki.example", subject="Proposal accepted.")
    assert "no SMTP server set" in caplog.text
    assert any(r.levelno == logging.WARNING for r in caplog.records)
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 1
    assert "sent 0, failed 0, waiting 1" in result.output
    assert "no SMTP server set" in result.output
    [waiting] = _mails(app)
    assert waiting.state == "queued" and waiting.subject == "Proposal accepted."
    with smtp_server(app) as server:
        result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "sent 1, failed 0, waiting 0" in result.output
    assert len(server.messages) == 1


def test_admins_see_the_outbox_with_each_mails_state(app, client_as):
    _queue(app, "aino@helsinki.example", subject="Agenda published")
    with smtp_server(app, refuse=True), app.app_context():
        mail.send_queued()
    _queue(app, "liisa@espoo.example", subject="Proposal accepted")
    admin, _ = client_as("admin", None)
    page = admin.get("/admin/outbox/").get_data(as_text=True)
    assert "Agenda published" in page and "Proposal accepted" in page
    assert "550 5.1.1 mailbox unavailable" in page
    assert "No mail server is set" in page
    failed = admin.get("/admin/outbox/?state=failed").get_data(as_text=True)
    assert "Agenda published" in failed and "Proposal accepted" not in failed
    officer, _ = client_as("officer", "helsinki")
    assert officer.get("/admin/outbox/").status_code in (403, 404)

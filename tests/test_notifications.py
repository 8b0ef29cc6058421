"""Notifications by mail: through a real SMTP conversation when a server is configured, to the
log otherwise; the in-app notification stands either way."""

from __future__ import annotations

import logging
import socketserver
import threading

from portal.services import notifications


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough of SMTP (RFC 5321) to accept one message and keep it."""

    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        data, in_data = [], False
        while line := self.rfile.readline():
            if in_data:
                if line == b".\r\n":
                    in_data = False
                    self.server.messages.append(b"".join(data).decode())
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
            else:  # MAIL FROM, RCPT TO
                self.server.recipients.append(line.decode().strip())
                self.wfile.write(b"250 ok\r\n")


def test_mail_goes_through_smtp_when_configured(app):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.messages, server.recipients = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with app.test_request_context():
            app.config.update(
                PORTAL_SMTP_HOST="127.0.0.1", PORTAL_SMTP_PORT=server.server_address[1]
            )
            notifications.send_mail(
                ["aino@helsinki.example", "liisa@espoo.example"],
                "The agenda of the autumn meeting is published.",
                "/meetings/1",
            )
    finally:
        app.config.update(PORTAL_SMTP_HOST=None, PORTAL_SMTP_PORT=25)
        server.shutdown()
        server.server_close()
    assert len(server.messages) == 1
    assert "The agenda of the autumn meeting is published." in server.messages[0]
    assert "/meetings/1" in server.messages[0]
    recipients = [r.upper() for r in server.recipients]
    assert "RCPT TO:<AINO@HELSINKI.EXAMPLE>" in recipients
    assert "RCPT TO:<LIISA@ESPOO.EXAMPLE>" in recipients
    # Recipients are not shown to each other.
    assert "aino@helsinki.example" not in server.messages[0]


def test_without_smtp_the_mail_is_written_to_the_log(app, caplog):
    with app.test_request_context(), caplog.at_level(logging.INFO):
        notifications.send_mail(["aino@helsinki.example"], "Proposal accepted.", "/meetings/2")
    assert "Proposal accepted." in caplog.text and "/meetings/2" in caplog.text


def test_an_unreachable_smtp_server_loses_nothing_in_the_portal(app, caplog):
    with app.test_request_context():
        app.config.update(PORTAL_SMTP_HOST="127.0.0.1", PORTAL_SMTP_PORT=9)  # nothing listens
        try:
            notifications.send_mail(["aino@helsinki.example"], "Hello", "")
        finally:
            app.config.update(PORTAL_SMTP_HOST=None, PORTAL_SMTP_PORT=25)
    assert "mail to 1 recipients failed" in caplog.text

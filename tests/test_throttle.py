"""Login throttling: per account, per address, held in the database, never a permanent lock."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from portal.extensions import db
from portal.models import AuditEvent, LoginAttempt
from portal.timeutil import utcnow
from tests.conftest import PASSWORD
from tests.live import Browser, gunicorn


def attempt(client, email, password="wrong password!", ip="10.0.0.1"):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def fail_times(client, email, n, ip="10.0.0.1"):
    for _ in range(n):
        assert attempt(client, email, ip=ip).status_code == 200


def test_ten_failures_for_an_account_lock_it_for_a_while(app, client, make_user):
    user = make_user()
    fail_times(client, user.email, 10)
    response = attempt(client, user.email, PASSWORD, ip="10.0.0.2")  # even from elsewhere
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "900"
    assert "Too many failed attempts" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login.throttled"))


def test_ten_failures_from_an_address_stop_that_address(app, client, make_user):
    users = [make_user() for _ in range(10)]
    for user in users:
        attempt(client, user.email, ip="10.9.9.9")
    victim = make_user()
    assert attempt(client, victim.email, PASSWORD, ip="10.9.9.9").status_code == 429
    assert attempt(client, victim.email, PASSWORD, ip="10.9.9.10").status_code == 302


def test_nine_failures_do_not_lock(client, make_user):
    user = make_user()
    fail_times(client, user.email, 9)
    assert attempt(client, user.email, PASSWORD).status_code == 302


def test_the_lock_ends_by_itself_and_refusals_do_not_extend_it(app, client, make_user):
    user = make_user()
    fail_times(client, user.email, 10)
    for _ in range(20):  # an attacker keeps hammering while locked
        assert attempt(client, user.email).status_code == 429
    with app.app_context():
        assert db.session.query(LoginAttempt).count() == 10  # refusals are not counted
        window = timedelta(minutes=app.config["LOGIN_WINDOW_MINUTES"])
        db.session.execute(update(LoginAttempt).values(at=utcnow() - window - timedelta(seconds=1)))
        db.session.commit()
    assert attempt(client, user.email, PASSWORD).status_code == 302


def test_a_known_browser_is_not_locked_out_by_someone_elses_failures(app, make_user):
    user = make_user()
    own_browser = app.test_client()
    assert attempt(own_browser, user.email, PASSWORD, ip="10.1.1.1").status_code == 302
    own_browser.post("/logout")
    attacker = app.test_client()
    fail_times(attacker, user.email, 10, ip="10.6.6.6")
    assert attempt(attacker, user.email, ip="10.6.6.6").status_code == 429
    assert attempt(app.test_client(), user.email, PASSWORD, ip="10.1.1.2").status_code == 429
    # The user's own browser carries the device cookie from the earlier login.
    assert attempt(own_browser, user.email, PASSWORD, ip="10.1.1.1").status_code == 302


def test_a_device_cookie_for_another_account_does_not_help(app, make_user):
    alice, bob = make_user(), make_user()
    browser = app.test_client()
    attempt(browser, alice.email, PASSWORD, ip="10.1.1.1")
    browser.post("/logout")
    fail_times(app.test_client(), bob.email, 10, ip="10.6.6.6")
    assert attempt(browser, bob.email, PASSWORD, ip="10.1.1.1").status_code == 429


def test_a_forged_device_cookie_does_not_help(app, make_user):
    user = make_user()
    fail_times(app.test_client(), user.email, 10, ip="10.6.6.6")
    browser = app.test_client()
    browser.set_cookie("c21_device", "eyJlIjoiZm9vIn0.forged")
    assert attempt(browser, user.email, PASSWORD, ip="10.1.1.1").status_code == 429


# --- Across worker processes ----------------------------------------------------------------


def test_throttle_holds_across_gunicorn_workers(app, _schema, make_user):
    """Four worker processes share nothing but the database; the eleventh attempt is still
    refused whichever worker answers it."""
    user = make_user()
    with gunicorn(_schema, workers=4) as base:
        # A fresh browser (and connection) each time, so that the requests spread over the
        # workers.
        statuses = [
            Browser(base).post("/login", {"email": user.email, "password": "nope nope"})[0]
            for _ in range(11)
        ]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    with app.app_context():
        assert db.session.query(LoginAttempt).filter_by(email=user.email).count() == 10


def test_successful_login_clears_the_accounts_slate(client, make_user):
    user = make_user()
    fail_times(client, user.email, 9)
    assert attempt(client, user.email, PASSWORD).status_code == 302
    client.post("/logout")
    fail_times(client, user.email, 9, ip="10.0.0.3")
    assert attempt(client, user.email, PASSWORD, ip="10.0.0.4").status_code == 302

"""Login throttling: per account, per address, held in the database, never a permanent lock."""

from __future__ import annotations

import base64
import statistics
import time
from datetime import timedelta

from sqlalchemy import select, update

from portal.extensions import db
from portal.models import AuditEvent, LoginAttempt, User
from portal.security.passwords import hash_password
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


def test_a_trusted_browser_logs_in_during_an_address_lock_out(app, make_user):
    """A colleague's browser behind the same public address is not locked out by someone
    there trying many accounts."""
    colleague = make_user()
    browser = app.test_client()
    assert attempt(browser, colleague.email, PASSWORD, ip="10.7.7.7").status_code == 302
    browser.post("/logout")
    for victim in [make_user() for _ in range(10)]:
        attempt(app.test_client(), victim.email, ip="10.7.7.7")
    stranger = make_user()
    assert attempt(app.test_client(), stranger.email, PASSWORD, ip="10.7.7.7").status_code == 429
    assert attempt(browser, colleague.email, PASSWORD, ip="10.7.7.7").status_code == 302


def test_an_account_known_at_the_address_logs_in_during_its_lock_out(app, make_user):
    """Without the cookie (a new browser), an account that has logged in from this address
    before keeps its own correct password working; a new account there is refused."""
    colleague = make_user()
    assert attempt(app.test_client(), colleague.email, PASSWORD, ip="10.8.8.8").status_code == 302
    for victim in [make_user() for _ in range(10)]:
        attempt(app.test_client(), victim.email, ip="10.8.8.8")
    assert attempt(app.test_client(), make_user().email, PASSWORD, ip="10.8.8.8").status_code == (
        429
    )
    assert attempt(app.test_client(), colleague.email, PASSWORD, ip="10.8.8.8").status_code == 302


def test_the_device_cookie_names_nobody(app, make_user):
    user = make_user(email="aino.virtanen@hel.example")
    browser = app.test_client()
    response = attempt(browser, user.email, PASSWORD)
    assert response.status_code == 302
    cookie = browser.get_cookie("c21_device").value
    payload = cookie.split(".")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    assert "virtanen" not in decoded.lower() and "hel.example" not in decoded
    assert "aino" not in decoded.lower()
    # And it still works as the account's device cookie.
    browser.post("/logout")
    fail_times(app.test_client(), user.email, 10, ip="10.6.6.6")
    assert attempt(browser, user.email, PASSWORD).status_code == 302


def test_a_refusal_takes_as_long_for_every_account_state(app_factory, make_user):
    """An unknown, an invited (no password yet) and a deactivated account are refused after
    the same work as a wrong password, so timing tells nothing about accounts."""
    slow = app_factory(ARGON2_TIME_COST=2, ARGON2_MEMORY_KIB=32768)
    known = make_user()
    invited = make_user(password=None)
    gone = make_user(active=False)
    with slow.app_context():
        for ref in (known, gone):  # hashes made with the slow parameters, as in production
            db.session.get(User, ref.id).password_hash = hash_password(PASSWORD)
        db.session.commit()

    def median(email: str) -> float:
        times = []
        for n in range(5):
            started = time.perf_counter()
            response = attempt(slow.test_client(), email, ip=f"10.5.{len(email)}.{n}")
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
        return statistics.median(times)

    median(known.email)  # warm up (the dummy hash is made once)
    wrong = median(known.email)
    for email in (invited.email, gone.email, "nobody@nowhere.example"):
        assert median(email) > 0.6 * wrong, email


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

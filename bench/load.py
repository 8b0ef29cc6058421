"""Mixed load on the portal served by gunicorn: officers reading and writing at a fixed rate,
then every write read back from the database.

    python bench/load.py sqlite:////tmp/c21-load.db [--rate 50] [--seconds 60] [--users 20]
    python bench/load.py postgresql://postgres@127.0.0.1:5432/c21 --workers 4

The database must hold the schema, the reference and the demo data (`bench/fill.py`, at any
--scale, does that). The script adds `--users` officer accounts of its own (idempotent),
starts gunicorn on a free loopback port with `--workers` processes (threads from
gunicorn.conf.py), logs every user in, ages their sessions past the refresh window (as after
a coffee break), then for `--seconds` each user sends its share of `--rate` requests a second
on a fixed schedule: `--write-share` of them writes (a new contact, an edit of one of the
user's own contacts, a new interaction), the rest reads (home, lists, a contact, search, the
overview, events, a meeting). It prints the achieved rate, the errors (any 5xx, time-out or
refused connection, or an unexpected status), the lost writes (a 302 whose row is not in the
database afterwards) and p50/p95 per kind of request.

Bounded on purpose: loopback only, a fixed number of requests and a time limit.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, update  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import City, Contact, Interaction, Meeting, User, UserSession  # noqa: E402
from portal.services import accounts  # noqa: E402
from portal.timeutil import utcnow  # noqa: E402

PASSWORD = "load-test-officer-password"
CITIES = ("helsinki", "espoo", "turku", "lahti", "rovaniemi")
TIMEOUT = 30


def workers_memory(master: int) -> list[dict[str, float]]:
    """Each gunicorn worker's resident memory in MiB (Linux's /proc: the master's children):
    its own ("anon": the heap, what the worker made), the database file's pages it maps
    ("file": SQLite's memory-mapped database, shared and given back under pressure), and the
    highest the whole has been ("peak")."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != master:
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile, or not Linux
        kib = {
            line.split(":")[0]: int(line.split()[1])
            for line in status.splitlines()
            if line.startswith(("RssAnon:", "RssFile:", "VmHWM:"))
        }
        found.append(
            {
                "anon": kib.get("RssAnon", 0) / 1024,
                "file": kib.get("RssFile", 0) / 1024,
                "peak": kib.get("VmHWM", 0) / 1024,
            }
        )
    return sorted(found, key=lambda m: m["anon"])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# This run's mark in the names it writes: a database used for an earlier run holds its
# records too, and counting those as this run's would hide a lost write.
RUN = secrets.token_hex(3)


@dataclass
class Officer:
    email: str
    city: str
    number: int
    opener: object = None
    token: str = ""
    # Contacts this officer created in this run: id -> (version, family name).
    own: dict[int, tuple[int, str]] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)  # family names of new contacts
    interactions: list[str] = field(default_factory=list)  # titles of new interactions
    edits: dict[int, str] = field(default_factory=dict)


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, ms: float, problem: str | None) -> None:
        with self.lock:
            self.times[kind].append(ms)
            if problem:
                self.errors[f"{kind}: {problem}"] += 1


def prepare(database_url: str, users: int) -> tuple[list[Officer], list[int], int | None]:
    """The officer accounts (made once), and ids the readers will ask for."""
    app = create_app(
        {"PORTAL_ENV": "testing", "SECRET_KEY": "load", "SQLALCHEMY_DATABASE_URI": database_url}
    )
    officers = []
    with app.app_context():
        cities = {c.slug: c for c in db.session.scalars(select(City))}
        for n in range(users):
            slug = CITIES[n % len(CITIES)]
            email = f"load-officer-{n}@{slug}.example"
            if db.session.scalar(select(User.id).where(User.email == email)) is None:
                accounts.create_user(
                    None,
                    email=email,
                    name=f"Load Officer {n}",
                    role="officer",
                    city=cities[slug],
                    password=PASSWORD,
                )
            officers.append(Officer(email=email, city=slug, number=n))
        db.session.commit()
        contacts = list(
            db.session.scalars(
                select(Contact.id)
                .where(Contact.visibility == "network", Contact.archived_at.is_(None))
                .order_by(Contact.id)
                .limit(200)
            )
        )
        meeting = db.session.scalar(select(Meeting.id).order_by(Meeting.id.desc()))
        db.session.remove()
        db.engine.dispose()
    return officers, contacts, meeting


def age_sessions(database_url: str, emails: list[str]) -> None:
    """As if every user had paused for 65 seconds: their next request refreshes the session."""
    app = create_app(
        {"PORTAL_ENV": "testing", "SECRET_KEY": "load", "SQLALCHEMY_DATABASE_URI": database_url}
    )
    with app.app_context():
        ids = select(User.id).where(User.email.in_(emails))
        db.session.execute(
            update(UserSession)
            .where(UserSession.user_id.in_(ids))
            .values(last_seen_at=utcnow() - timedelta(seconds=65))
        )
        db.session.commit()
        db.engine.dispose()


def open_url(officer: Officer, base: str, path: str, data: dict | None = None):
    body = None
    if data is not None:
        body = urllib.parse.urlencode({**data, "csrf_token": officer.token}, doseq=True).encode()
    request = urllib.request.Request(base + path, body)
    try:
        with officer.opener.open(request, timeout=TIMEOUT) as response:
            return response.status, response.read().decode(), ""
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), error.headers.get("Location", "")


def log_in(officer: Officer, base: str) -> None:
    officer.opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
    )
    _status, page, _ = open_url(officer, base, "/login")
    officer.token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    status, _body, _ = open_url(
        officer, base, "/login", {"email": officer.email, "password": PASSWORD}
    )
    if status != 302:
        raise SystemExit(f"{officer.email} could not log in ({status})")
    _status, page, _ = open_url(officer, base, "/contacts/new")
    officer.token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def contact_form(family: str, notes: str = "") -> dict:
    return {
        "family_name": family,
        "given_name": "Wei",
        "family_name_first": "1",
        "legal_basis": "public_task",
        "visibility": "city",
        "notes": notes,
    }


def one_request(officer: Officer, base: str, rng: random.Random, write: bool, ids, meeting):
    """Send one request; returns (kind, problem or None)."""
    if not write:
        choice = rng.choice(
            [
                ("home", "/"),
                ("contacts list", "/contacts/"),
                ("contact", f"/contacts/{rng.choice(ids)}" if ids else "/contacts/"),
                ("search", f"/search?q={rng.choice(['beijing', 'sports', 'wang', '北京'])}"),
                ("overview", "/overview"),
                ("events", "/events/"),
                ("organisations", "/organisations/"),
                ("meeting", f"/meetings/{meeting}" if meeting else "/meetings/"),
            ]
        )
        kind, path = choice
        path = urllib.parse.quote(path, safe="/?=&")
        status, _body, _ = open_url(officer, base, path)
        return kind, None if status == 200 else f"status {status}"
    what = rng.random()
    if what < 0.4 or not officer.own:
        family = f"Load{RUN}o{officer.number}x{len(officer.created)}"
        status, _body, location = open_url(
            officer, base, "/contacts/new", contact_form(family, "first version")
        )
        if status == 302 and "/contacts/" in location:
            officer.created.append(family)
            officer.own[int(location.rstrip("/").split("/")[-1])] = (1, family)
            return "new contact", None
        return "new contact", f"status {status}"
    if what < 0.75:
        contact_id = rng.choice(list(officer.own))
        version, family = officer.own[contact_id]
        notes = f"edited {version + 1} by {officer.number}"
        data = {**contact_form(family, notes), "version": version}
        status, _body, _ = open_url(officer, base, f"/contacts/{contact_id}/edit", data)
        if status == 302:
            officer.own[contact_id] = (version + 1, family)
            officer.edits[contact_id] = notes
            return "edit contact", None
        return "edit contact", f"status {status}"
    title = f"Load call {RUN} {officer.number}-{len(officer.interactions)}"
    status, _body, _ = open_url(
        officer,
        base,
        "/interactions/new",
        {
            "title": title,
            "kind": "call",
            "occurred_on": "2026-11-20",
            "visibility": "city",
            "summary": "Load test",
        },
    )
    if status == 302:
        officer.interactions.append(title)
        return "new interaction", None
    return "new interaction", f"status {status}"


def user_loop(officer, base, rate, seconds, write_share, ids, meeting, results, started):
    rng = random.Random(officer.number)
    interval = 1.0 / rate
    n = 0
    # Spread the users' first requests over one interval.
    next_at = started + interval * rng.random()
    while next_at < started + seconds:
        delay = next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        began = time.monotonic()
        try:
            kind, problem = one_request(
                officer, base, rng, rng.random() < write_share, ids, meeting
            )
        except (TimeoutError, OSError) as error:
            kind, problem = "request", type(error).__name__
        results.record(kind, (time.monotonic() - began) * 1000, problem)
        n += 1
        next_at = started + interval * n + interval * rng.random() * 0.1


def lost_writes(database_url: str, officers: list[Officer]) -> dict[str, int]:
    app = create_app(
        {"PORTAL_ENV": "testing", "SECRET_KEY": "load", "SQLALCHEMY_DATABASE_URI": database_url}
    )
    lost = {"new contact": 0, "edit contact": 0, "new interaction": 0}
    with app.app_context():
        for officer in officers:
            if officer.created:
                found = db.session.scalar(
                    select(func.count())
                    .select_from(Contact)
                    .where(Contact.family_name.in_(officer.created))
                )
                lost["new contact"] += len(officer.created) - found
            for contact_id, notes in officer.edits.items():
                if db.session.scalar(select(Contact.notes).where(Contact.id == contact_id)) != (
                    notes
                ):
                    lost["edit contact"] += 1
            if officer.interactions:
                found = db.session.scalar(
                    select(func.count())
                    .select_from(Interaction)
                    .where(Interaction.title.in_(officer.interactions))
                )
                lost["new interaction"] += len(officer.interactions) - found
        db.engine.dispose()
    return lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url")
    parser.add_argument("--rate", type=float, default=50, help="requests a second, all users")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--write-share", type=float, default=0.2)
    args = parser.parse_args()
    if not 0 < args.seconds <= 600 or not 0 < args.rate <= 500 or not 0 < args.users <= 200:
        raise SystemExit("bounded: at most 600 s, 500 requests a second and 200 users")

    officers, ids, meeting = prepare(args.database_url, args.users)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PORTAL_ENV": "development",  # plain http on loopback: cookies without Secure
        "PORTAL_SECRET_KEY": "load-test-key",
        "PORTAL_DATABASE_URL": args.database_url,
        "PORTAL_REQUEST_LOG": "0",
        "PORTAL_BIND": f"127.0.0.1:{port}",
        "PORTAL_WORKERS": str(args.workers),
        "PORTAL_THREADS": str(args.threads),
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "portal:create_app()",
        ],
        env=env,
        cwd=ROOT,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        for officer in officers:
            log_in(officer, base)
        age_sessions(args.database_url, [o.email for o in officers])
        results = Results()
        started = time.monotonic()
        per_user = args.rate / len(officers)
        threads = [
            threading.Thread(
                target=user_loop,
                args=(
                    o,
                    base,
                    per_user,
                    args.seconds,
                    args.write_share,
                    ids,
                    meeting,
                    results,
                    started,
                ),
                daemon=True,
            )
            for o in officers
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 2 * TIMEOUT + 10)
        elapsed = time.monotonic() - started
        memory = workers_memory(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)

    lost = lost_writes(args.database_url, officers)
    everything = [t for samples in results.times.values() for t in samples]
    reads = [t for k, s in results.times.items() if not k.startswith(("new", "edit")) for t in s]
    writes = [t for k, s in results.times.items() if k.startswith(("new", "edit")) for t in s]
    print(
        f"target {args.rate:g} req/s for {args.seconds:g} s, {args.users} users, "
        f"{args.workers} workers x {args.threads} threads, {args.write_share:.0%} writes"
    )
    print(f"achieved {len(everything) / elapsed:.1f} req/s ({len(everything)} requests)")
    print(f"errors {sum(results.errors.values())}, lost writes {sum(lost.values())}")
    for problem, count in sorted(results.errors.items()):
        print(f"  {count} x {problem}")
    for kind, count in lost.items():
        if count:
            print(f"  lost: {count} x {kind}")
    if memory:
        print(
            "memory per worker after the run, MiB (its own + the database file's pages it "
            "maps; the highest in all): "
            + ", ".join(f"{m['anon']:.0f} + {m['file']:.0f}; {m['peak']:.0f}" for m in memory)
        )
    print(f"{'requests':<20}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}")
    for name, samples in [
        ("all reads", reads),
        ("all writes", writes),
        *sorted(results.times.items()),
    ]:
        if samples:
            print(
                f"{name:<20}{len(samples):>6}{statistics.median(samples):>10.1f}"
                f"{percentile(samples, 95):>10.1f}"
            )


if __name__ == "__main__":
    main()

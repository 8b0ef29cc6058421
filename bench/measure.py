"""Measure search and the network overview on a filled database (see fill.py): p50 and p95
over repeated requests, with a bare Flask page in the same run as the yardstick.

    python bench/measure.py sqlite:////tmp/bench.db [--repeat 50]

Requests go through the WSGI stack in process (Flask's test client), so the numbers are the
application's own time: routing, the session check, the queries, the templates."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask
from sqlalchemy import select

from portal import create_app
from portal.extensions import db
from portal.models import User
from portal.search.index import touch
from portal.security.sessions import SESSION_TOKEN_KEY, start_session

SEARCHES = [
    "beijing",
    "bureau of sports",
    "zhong guan cun",
    "北京",
    "meeting 1234",
    "seminar",
    "hameenlinna",
    "wang",
]


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(client, path: str, repeat: int) -> list[float]:
    client.get(path)  # warm up
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        out.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    bare = Flask("bare")
    bare.add_url_rule("/", "index", lambda: "<!doctype html><title>x</title><p>Hello</p>")

    app = create_app(
        {
            "PORTAL_ENV": "testing",
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": args.database_url,
        }
    )
    client = app.test_client()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "officer@helsinki.example"))
        token = start_session(user, ip="127.0.0.1", user_agent="bench")
        db.session.commit()
        user_id = user.id
    with client.session_transaction() as session:
        session[SESSION_TOKEN_KEY] = token
        session["_user_id"] = str(user_id)

    rows = [("bare Flask page (yardstick)", timed(bare.test_client(), "/", args.repeat))]
    search_samples: list[float] = []
    for query in SEARCHES:
        search_samples += timed(client, f"/search?q={query}", max(5, args.repeat // len(SEARCHES)))
    rows.append(("search (8 queries)", search_samples))
    # The same searches when the data has just changed (every cached result is void): the
    # worst case, paid by the first search after each save.
    cold: list[float] = []
    for query in SEARCHES:
        for _ in range(3):
            with app.app_context():
                touch(db.session.connection())
                db.session.commit()
            started = time.perf_counter()
            assert client.get(f"/search?q={query}").status_code == 200
            cold.append((time.perf_counter() - started) * 1000)
    rows.append(("search right after a change", cold))
    rows.append(
        (
            "search with facets",
            timed(client, "/search?q=seminar&kind=event&city=helsinki", args.repeat),
        )
    )
    rows.append(("network overview", timed(client, "/overview", args.repeat)))
    cold = []
    for _ in range(10):
        with app.app_context():
            touch(db.session.connection())
            db.session.commit()
        started = time.perf_counter()
        assert client.get("/overview").status_code == 200
        cold.append((time.perf_counter() - started) * 1000)
    rows.append(("overview right after a change", cold))
    rows.append(("contacts list", timed(client, "/contacts/", args.repeat)))

    print(f"{'page':<32}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}")
    for name, samples in rows:
        print(
            f"{name:<32}{len(samples):>6}{statistics.median(samples):>10.1f}"
            f"{percentile(samples, 95):>10.1f}"
        )


if __name__ == "__main__":
    main()

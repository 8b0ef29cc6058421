"""A serving process sets what it loaded aside from the garbage collector (issue 18): a full
collection walked the 160,000-260,000 objects of the libraries and the app every few
requests, 100-160 ms during which every thread of the process waited (the calendar feed's
p95 was two to three times its p50)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# In a process of its own: freezing the test run's objects would keep them for its rest.
WORKER = """
import gc, json, runpy, sys, types
from portal import create_app
app = create_app({"PORTAL_ENV": "testing", "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
gc.collect()
before = len(gc.get_objects())
hooks = runpy.run_path(sys.argv[1])
# What gunicorn calls in each worker once it has loaded the app (worker.wsgi: the app).
hooks["post_worker_init"](types.SimpleNamespace(wsgi=app))
print(json.dumps({
    "before": before,
    "walked": len(gc.get_objects()),
    "set_aside": gc.get_freeze_count(),
    "pdf_library_loaded": "weasyprint" in sys.modules,
}))
"""


def test_a_gunicorn_worker_sets_what_it_loaded_aside_from_full_collections():
    done = subprocess.run(
        [sys.executable, "-c", WORKER, str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    counts = json.loads(done.stdout.strip().splitlines()[-1])
    assert counts["before"] > 50_000  # what a full pass walked before
    assert counts["set_aside"] > counts["before"]  # the libraries loaded on demand too
    assert counts["walked"] < 1_000  # what a full pass walks now
    assert counts["pdf_library_loaded"]

"""gunicorn settings for `make serve` and production (`gunicorn -c gunicorn.conf.py ...`).

Threads serve the waits (the database, the network) and processes the CPU: two processes a
core, four threads each, is what a 2-core machine with the SQLite default holds best in
bench/load.py. Every setting can be given in the environment."""

import multiprocessing
import os

bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("PORTAL_WORKERS", 2 * multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("PORTAL_THREADS", "4"))
timeout = 60
graceful_timeout = 30
keepalive = 5
# A worker is replaced now and then, so that memory never creeps up over weeks.
max_requests = 5000
max_requests_jitter = 500
# The portal writes its own request log (one JSON line, no personal data): not gunicorn's.
accesslog = None
errorlog = "-"


def post_worker_init(worker):
    """The worker has loaded the portal: bring SQLite's planner statistics up to date if
    the tables have outgrown them, and set what it loaded aside from the garbage
    collector's full passes (portal/worker.py says why)."""
    from portal.worker import check_statistics, settle

    check_statistics(worker.wsgi)
    settle()

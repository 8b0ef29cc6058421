"""Uploads that cannot hurt the server: a zip bomb dressed as a document is refused in
bounded memory and time, before anything is kept."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.services import uploads
from portal.services.errors import ValidationError
from portal.timeutil import local_today
from tests.test_meeting_views import _item_id, _meeting_id, _new_meeting, _text

MIB = 1024 * 1024


def bomb(path_or_buffer, *, part="mimetype", mib=1024, other: dict | None = None, level: int = 1):
    """An OpenDocument-looking zip whose ``part`` unpacks to ``mib`` MiB of zeros, written a
    MiB at a time (the test itself never holds it)."""
    with zipfile.ZipFile(path_or_buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        with archive.open(part, "w", force_zip64=True) as out:
            zeros = bytes(MIB)
            for _ in range(mib):
                out.write(zeros)
        for name, data in (other or {}).items():
            archive.writestr(name, data)


PROBE = textwrap.dedent(
    """
    import json, resource, sys, time
    from portal import create_app
    from portal.services import papers
    from portal.services.errors import ValidationError

    app = create_app({"PORTAL_ENV": "testing", "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    data = open(sys.argv[1], "rb").read()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    with app.test_request_context():
        try:
            papers.sniff(data, "paper.odt")
            outcome = "accepted"
        except ValidationError as error:
            outcome = error.errors["file"]
    print(json.dumps({"outcome": outcome, "seconds": time.monotonic() - started,
                      "grew_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before}))
    """
)


def test_a_zip_bomb_is_refused_in_bounded_memory_and_time(tmp_path):
    """A 1 MB file holding 1 GiB in its `mimetype` part used to be unpacked whole (16 s,
    1.6 GB of memory). Measured in a process of its own, whose peak memory is its own."""
    path = tmp_path / "paper.odt"
    bomb(path, other={"content.xml": b"<office:document/>"})
    assert path.stat().st_size < 10 * MIB
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PORTAL_ENV": "testing", "PORTAL_DEFAULT_LOCALE": "en"},
        check=True,
    )
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    assert "unpacks to far more" in measured["outcome"]
    assert measured["grew_kib"] < 64 * 1024, measured  # well under 64 MiB more at the peak
    assert measured["seconds"] < 5, measured


def test_a_part_that_unpacks_past_the_cap_is_refused_even_at_a_modest_ratio(app):
    """The directory's sizes are checked first; then what the parts really unpack to."""
    text = (b"Helsinki Beijing action plan " * 120_000)[: 3 * MIB]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("content.xml", text)
    app.config["UPLOAD_MAX_UNZIPPED_BYTES"] = 2 * MIB
    try:
        with app.app_context(), pytest.raises(ValidationError):
            uploads.check_zip(buffer.getvalue(), field="file")
    finally:
        app.config["UPLOAD_MAX_UNZIPPED_BYTES"] = uploads.MAX_UNZIPPED_BYTES


def test_an_uploaded_zip_bomb_gets_a_message_and_nothing_is_kept(app, client_as):
    from portal.models import AgendaAttachment

    coordinator, _ = client_as("coordinator", None)
    _new_meeting(coordinator, local_today() + timedelta(days=20))
    meeting = _meeting_id(app)
    item = _item_id(app, "Reports from the cities")
    data = io.BytesIO()
    # Packed tightly: 200 MiB in 200 kB.
    bomb(
        data, part="word/document.xml", mib=200, other={"[Content_Types].xml": b"<Types/>"}, level=9
    )
    response = coordinator.post(
        f"/meetings/items/{item}/attachments",
        data={"file": (io.BytesIO(data.getvalue()), "plan.docx")},
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 302)
    assert "unpacks to far more" in _text(coordinator.get(f"/meetings/{meeting}"))
    with app.app_context():
        assert db.session.scalars(select(AgendaAttachment)).all() == []
    folder = os.path.join(app.config["UPLOAD_FOLDER"], "agenda")
    kept = os.listdir(folder) if os.path.isdir(folder) else []
    assert not any(name.endswith(".docx") for name in kept)


def test_real_documents_still_pass(app):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<text>" + "Tervetuloa Pekingiin. " * 20_000 + "</text>")
    with app.app_context():
        from portal.services.papers import sniff

        assert sniff(buffer.getvalue(), "plan.odt") == (
            "odt",
            "application/vnd.oasis.opendocument.text",
        )

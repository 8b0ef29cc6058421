"""Backup and restore: the database and the uploaded files together, checked against a
manifest; a restore into an empty place gives the same rows, files and search results."""

from __future__ import annotations

import io
import json
from datetime import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from portal.backup import row_counts
from portal.extensions import db
from portal.models import User
from portal.search.query import Filters, search
from tests.conftest import MINIMAL_PDF, Factories, make_app

QUERIES = ("beijing", "北京", "winter sports", "Wang", "action plan")


@pytest.fixture
def filled(app, make_user, make_organisation, make_contact, make_interaction, make_record):
    """Records of several kinds, an agreement's signed PDF and an agenda paper."""
    officer = make_user("officer", "helsinki")
    org = make_organisation("Beijing Municipal Bureau of Sports", "北京市体育局")
    contact = make_contact("helsinki", "network", organisation=org, name_zh="王丽")
    make_contact("espoo", "city", family_name="Wang")
    make_interaction("helsinki", "network", contacts=[contact], organisations=[org])
    make_record("project", "helsinki", "network", title="Winter sports coaching")
    make_record("agreement", "helsinki", "network", document=True)
    with app.test_request_context():
        from portal.models import AgendaItem, MeetingSeries
        from portal.services import meetings, papers
        from portal.timeutil import local_today

        admin = make_user("admin", None)
        actor = db.session.get(User, admin.id)
        series = db.session.query(MeetingSeries).one()
        meeting = meetings.create_meeting(
            actor,
            series,
            {
                "title": "Spring meeting",
                "held_on": local_today(),
                "starts_at": time(13),
                "ends_at": time(15),
                "proposal_deadline": local_today(),
            },
        )
        item = db.session.query(AgendaItem).filter_by(meeting_id=meeting.id).first()
        papers.attach(actor, item, io.BytesIO(MINIMAL_PDF), "papers.pdf")
        db.session.commit()
    return officer


def _searches(user_id: int) -> dict[str, list[str]]:
    user = db.session.get(User, user_id)
    return {q: [d.title for d in search(user, q, Filters()).items] for q in QUERIES}


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture
def empty_target(scratch_url, tmp_path):
    """An empty database of the same kind, and an empty upload folder."""
    target = make_app(scratch_url, UPLOAD_FOLDER=str(tmp_path / "restored-uploads"))
    yield target
    with target.app_context():
        db.session.remove()
        db.engine.dispose()


def test_backup_then_restore_into_an_empty_place_gives_the_same_portal(
    app, filled, empty_target, tmp_path
):
    backup = tmp_path / "backup"
    result = app.test_cli_runner().invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((backup / "manifest.json").read_text())
    folders = {name.split("/")[0] for name in manifest["files"]}
    assert folders == {"agreements", "agenda"}  # the signed agreement and the agenda paper
    with app.app_context():
        counts = row_counts()
        found = _searches(filled.id)
    assert found["beijing"] and found["北京"] and found["winter sports"]

    result = empty_target.test_cli_runner().invoke(args=["restore", str(backup)])
    assert result.exit_code == 0, result.output
    with empty_target.app_context():
        assert row_counts() == counts
        assert _searches(filled.id) == found
    assert _files(Path(empty_target.config["UPLOAD_FOLDER"])) == _files(
        Path(app.config["UPLOAD_FOLDER"])
    )


def test_a_backup_that_does_not_match_its_manifest_is_refused(app, filled, empty_target, tmp_path):
    backup = tmp_path / "backup"
    assert app.test_cli_runner().invoke(args=["backup", str(backup)]).exit_code == 0
    paper = next((backup / "uploads").rglob("*.pdf"))
    paper.write_bytes(paper.read_bytes().replace(b"%PDF-1.4", b"%PDF-1.5"))
    result = empty_target.test_cli_runner().invoke(args=["restore", str(backup)])
    assert result.exit_code == 1
    assert "does not match its manifest" in result.output
    with empty_target.app_context():
        assert "users" not in db.inspect(db.engine).get_table_names() or not db.session.scalar(
            text("SELECT count(*) FROM users")
        )


def test_restore_will_not_overwrite_a_portal_in_use_unless_told(app, filled, tmp_path):
    backup = tmp_path / "backup"
    assert app.test_cli_runner().invoke(args=["backup", str(backup)]).exit_code == 0
    result = app.test_cli_runner().invoke(args=["restore", str(backup)])
    assert result.exit_code == 1 and "already holds data" in result.output
    into_non_empty = app.test_cli_runner().invoke(args=["backup", str(backup)])
    assert into_non_empty.exit_code == 1 and "not empty" in into_non_empty.output


def test_a_sqlite_portal_moves_to_an_empty_database_with_every_row_and_the_search(
    scratch_url, tmp_path
):
    """The move from the SQLite default (here a portal of its own on a file) into an empty
    database of the suite's kind (PostgreSQL in the PostgreSQL run): the same rows, the same
    search results, and new records get fresh ids."""
    from flask_migrate import upgrade

    from portal.models import City, Contact
    from portal.services import reference

    source = make_app(f"sqlite:///{tmp_path / 'old.db'}", UPLOAD_FOLDER=str(tmp_path / "up"))
    with source.app_context():
        upgrade()
        reference.load_reference_data()
        db.session.commit()
    make = Factories(source)
    officer = make.user("officer", "helsinki")
    org = make.organisation("Beijing Municipal Bureau of Sports", "北京市体育局")
    make.contact("helsinki", "network", organisation=org, name_zh="王丽")
    make.record("project", "helsinki", "network", title="Winter sports coaching")
    make.record("project", "lahti", "city", title="Winter camps", partners=["helsinki"])

    result = source.test_cli_runner().invoke(args=["copy-to", scratch_url])
    assert result.exit_code == 0, result.output
    with source.app_context():
        counts = row_counts()
        found = _searches(officer.id)
        db.session.remove()
        db.engine.dispose()
    assert found["beijing"] and found["winter sports"]
    target = make_app(scratch_url)
    with target.app_context():
        copied = row_counts()
        for table, n in counts.items():
            if not table.startswith("search_"):
                assert copied[table] == n, table
        assert _searches(officer.id) == found
        contact = Contact(city_id=db.session.scalar(select(City.id)), family_name="New")
        db.session.add(contact)
        db.session.commit()
        assert contact.id > counts["contacts"]
        db.session.remove()
        db.engine.dispose()
    again = source.test_cli_runner().invoke(args=["copy-to", scratch_url])
    assert again.exit_code == 1 and "already holds data" in again.output

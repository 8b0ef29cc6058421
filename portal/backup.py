"""Backups that restore: the database and the upload folder together, with a manifest.

A backup is a folder:
- ``portal.db`` (SQLite, taken with SQLite's online backup API: a consistent copy while the
  portal keeps serving) or ``portal.dump`` (PostgreSQL, ``pg_dump --format=custom``);
- ``uploads/``: the signed agreements and the agenda papers, which live outside the database
  (a database-only copy would silently lose them);
- ``manifest.json``: when, which database and schema revision, the row count of every table
  and the size and SHA-256 of every file.

Restoring checks every checksum first and refuses a mismatch, a backup of the other kind of
database or of a newer schema, and (unless told to replace) a database that already holds
data; then it loads the database, puts the files back, checks the row counts and rebuilds
the search index.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from glob import glob
from pathlib import Path

from flask import current_app
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import make_url

from portal.extensions import db
from portal.timeutil import utcnow

MANIFEST = "manifest.json"
FORMAT = 1
CHUNK = 1024 * 1024


class BackupError(RuntimeError):
    """The backup cannot be made or restored; the message says why."""


@dataclass
class RestoreReport:
    tables: int
    rows: int
    files: int
    documents: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _dialect() -> str:
    return db.engine.dialect.name


def _sqlite_path() -> Path:
    database = make_url(str(db.engine.url)).database
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(database)


def _libpq_url() -> str:
    """The database URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    url = db.engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _pg_tool(name: str) -> str:
    """pg_dump or pg_restore: PORTAL_PG_BIN's, the PATH's, or the newest Debian install's."""
    configured = current_app.config.get("PG_BIN")
    candidates = [str(Path(configured) / name)] if configured else []
    if found := shutil.which(name):
        candidates.append(found)
    candidates += sorted(glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return candidate
    raise BackupError(f"{name} was not found: install the PostgreSQL client or set PORTAL_PG_BIN.")


def _upload_folder() -> Path:
    return Path(current_app.config.get("UPLOAD_FOLDER") or current_app.instance_path)


def _revision() -> str | None:
    if "alembic_version" not in inspect(db.engine).get_table_names():
        return None
    return db.session.scalar(text("SELECT version_num FROM alembic_version"))


def row_counts() -> dict[str, int]:
    """Rows per table of the models (the search index's own structures left out)."""
    counts = {}
    for table in db.metadata.sorted_tables:
        counts[table.name] = db.session.scalar(select(func.count()).select_from(table)) or 0
    return counts


def make_backup(target: Path) -> dict:
    """Write a backup into ``target`` (new, or an empty folder); returns the manifest."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: give a new or an empty folder.")
    target.mkdir(parents=True, exist_ok=True)
    dialect = _dialect()
    counts = row_counts()
    revision = _revision()
    db.session.rollback()
    if dialect == "sqlite":
        database_file = target / "portal.db"
        source = sqlite3.connect(_sqlite_path())
        copy = sqlite3.connect(database_file)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
    elif dialect == "postgresql":
        database_file = target / "portal.dump"
        subprocess.run(  # noqa: S603 (our own arguments, no shell)
            [
                _pg_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--file",
                str(database_file),
                _libpq_url(),
            ],
            check=True,
            capture_output=True,
        )
    else:
        raise BackupError(f"No backup for the {dialect} database.")
    files = {}
    uploads = _upload_folder()
    if uploads.is_dir():
        for path in sorted(p for p in uploads.rglob("*") if p.is_file()):
            relative = path.relative_to(uploads).as_posix()
            copied = target / "uploads" / relative
            copied.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copied)
            files[relative] = {"size": copied.stat().st_size, "sha256": _sha256(copied)}
    manifest = {
        "format": FORMAT,
        "created_at": utcnow().isoformat(),
        "database": dialect,
        "revision": revision,
        "database_file": {
            "name": database_file.name,
            "size": database_file.stat().st_size,
            "sha256": _sha256(database_file),
        },
        "tables": counts,
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def verify(source: Path) -> dict:
    """Read a backup's manifest and check every checksum; returns the manifest."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{source} has no readable {MANIFEST}: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    expected = {manifest["database_file"]["name"]: manifest["database_file"]}
    expected.update({f"uploads/{name}": entry for name, entry in manifest["files"].items()})
    for name, entry in expected.items():
        path = source / name
        if not path.is_file():
            raise BackupError(f"The backup is incomplete: {name} is missing.")
        if path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
            raise BackupError(f"The backup does not match its manifest: {name} has changed.")
    present = {
        p.relative_to(source / "uploads").as_posix()
        for p in (source / "uploads").rglob("*")
        if p.is_file()
    }
    if extra := present - set(manifest["files"]):
        raise BackupError(f"The backup holds files its manifest does not: {sorted(extra)[:3]}.")
    return manifest


def _holds_data() -> bool:
    tables = set(inspect(db.engine).get_table_names())
    if "users" not in tables:
        return False
    return bool(db.session.scalar(text("SELECT count(*) FROM users")))


def restore_backup(source: Path, *, replace: bool = False) -> RestoreReport:
    """Restore the backup in ``source`` into this instance's database and upload folder."""
    from alembic.script import ScriptDirectory
    from flask_migrate import Migrate

    source = Path(source)
    manifest = verify(source)
    dialect = _dialect()
    if manifest["database"] != dialect:
        raise BackupError(
            f"This is a backup of a {manifest['database']} database; the portal is configured "
            f"for {dialect}. Restore it into the same kind of database."
        )
    migrate: Migrate = current_app.extensions["migrate"].migrate
    scripts = ScriptDirectory.from_config(migrate.get_config())
    known = {rev.revision for rev in scripts.walk_revisions()}
    if manifest["revision"] is not None and manifest["revision"] not in known:
        raise BackupError(
            f"The backup's schema ({manifest['revision']}) is newer than this version of the "
            "portal knows: install the version that made it."
        )
    if _holds_data() and not replace:
        raise BackupError(
            "The database already holds data. Restore into an empty database, or pass "
            "--replace to overwrite it."
        )
    db.session.remove()
    database_file = source / manifest["database_file"]["name"]
    if dialect == "sqlite":
        db.engine.dispose()
        backup = sqlite3.connect(database_file)
        target = sqlite3.connect(_sqlite_path())
        try:
            with target:
                backup.backup(target)
        finally:
            target.close()
            backup.close()
    else:
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        db.engine.dispose()
        subprocess.run(  # noqa: S603 (our own arguments, no shell)
            [
                _pg_tool("pg_restore"),
                "--no-owner",
                "--exit-on-error",
                "--dbname",
                _libpq_url(),
                str(database_file),
            ],
            check=True,
            capture_output=True,
        )
    uploads = _upload_folder()
    if replace and uploads.is_dir():
        shutil.rmtree(uploads)
    for name in manifest["files"]:
        path = uploads / name
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / "uploads" / name, path)
    counts = row_counts()
    wrong = {
        table: (counts.get(table), expected)
        for table, expected in manifest["tables"].items()
        if counts.get(table) != expected
    }
    if wrong:
        raise BackupError(f"After the restore the row counts differ from the manifest: {wrong}")
    from portal.search import index

    documents = sum(index.rebuild(db.session).values())
    db.session.commit()
    return RestoreReport(
        tables=len(counts),
        rows=sum(counts.values()),
        files=len(manifest["files"]),
        documents=documents,
    )


def copy_to(target_url: str) -> dict[str, int]:
    """Copy every row of this instance's database into the empty database at ``target_url``
    (SQLite to PostgreSQL, say): the schema is made there by the migrations first, the rows
    go table by table in the order of their foreign keys, PostgreSQL's id sequences are set
    past the copied ids, and the search index there is rebuilt. Returns the rows per table.
    The upload folder stays where it is (point the new instance's PORTAL_UPLOAD_FOLDER at
    it, or copy it)."""
    from flask_migrate import upgrade
    from sqlalchemy import create_engine

    from portal import create_app
    from portal.search import index

    if target_url.startswith(("postgresql://", "postgres://")):
        target_url = "postgresql+psycopg://" + target_url.split("://", 1)[1]
    target_app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": target_url,
            "SECRET_KEY": current_app.config["SECRET_KEY"],
            "PORTAL_ENV": current_app.config["PORTAL_ENV"],
        }
    )
    with target_app.app_context():
        try:
            upgrade()
            if _holds_data():
                raise BackupError("The target database already holds data: give an empty one.")
        finally:
            db.session.remove()
            db.engine.dispose()
    counts = row_counts()
    source = db.engine
    target = create_engine(target_url)
    skipped = {"alembic_version", "search_documents", "search_document_themes"}
    skipped |= {"search_document_partners", "search_index_state", "search_index_parts"}
    try:
        with source.connect() as reading, target.begin() as writing:
            for table in db.metadata.sorted_tables:
                if table.name in skipped:
                    continue
                writing.execute(table.delete())  # reference rows the migrations put there
                rows = [dict(row._mapping) for row in reading.execute(select(table))]
                for start in range(0, len(rows), 1000):
                    writing.execute(table.insert(), rows[start : start + 1000])
                if target.dialect.name == "postgresql" and "id" in table.c:
                    # The table's name comes from our own models, not from input.
                    highest = writing.scalar(select(func.max(table.c.id))) or 0
                    writing.execute(
                        text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :next, false)"),
                        {"table": table.name, "next": highest + 1},
                    )
    finally:
        target.dispose()
    with target_app.app_context():
        index.rebuild(db.session)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return {name: n for name, n in counts.items() if name not in skipped}

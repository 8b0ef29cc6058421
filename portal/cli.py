"""Command-line tools for operators: `flask --app portal <command>`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import NoReturn, cast

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from portal import demo
from portal.extensions import db
from portal.models.accounts import Role, User
from portal.models.reference import City
from portal.services import accounts, reference
from portal.services.errors import ValidationError


def register_commands(app: Flask) -> None:
    app.cli.add_command(search_group)
    app.cli.add_command(users)
    app.cli.add_command(reference_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(copy_command)
    app.cli.add_command(mail_group)
    app.cli.add_command(reminders_group)
    app.cli.add_command(import_command)
    app.cli.add_command(access_log_group)


def _fail(message: str) -> NoReturn:
    raise click.ClickException(message)  # exit status 1


users = AppGroup("users", help="Manage accounts.")


@users.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's name.")
@click.option("--city", "city_slug", help="City slug (helsinki, espoo, ...); none for admins.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, name: str, city_slug: str | None, role: str, password_stdin: bool):
    """Create an account. Without --password-stdin, prints a one-time password link."""
    city = None
    if city_slug:
        city = db.session.scalar(select(City).where(City.slug == city_slug))
        if city is None:
            _fail(f"Unknown city {city_slug!r}. Known: `flask --app portal users cities`.")
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = accounts.create_user(
            None, email=email, name=name, role=role, city=city, password=password
        )
        token = None if password else accounts.issue_password_link(None, user)
    except ValidationError as error:
        db.session.rollback()
        _fail("; ".join(f"{field or 'account'}: {msg}" for field, msg in error.errors.items()))
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}" + (f" in {city.name_fi}" if city else ""))
    if token:
        click.echo(f"The user sets a password at /set-password/{token} (valid once).")


@users.command("list")
def list_users():
    """List the accounts."""
    rows = db.session.execute(
        select(User, City).outerjoin(City, City.id == User.city_id).order_by(User.email)
    )
    for user, city in rows:
        state = "active" if user.active else "deactivated"
        click.echo(f"{user.email}\t{user.name}\t{user.role}\t{city.slug if city else '-'}\t{state}")


@users.command("deactivate")
@click.argument("email")
def deactivate_user(email: str):
    """Deactivate an account and end its sessions."""
    user = db.session.scalar(select(User).where(User.email == accounts.normalize_email(email)))
    if user is None:
        _fail(f"No account with the e-mail address {email!r}.")
    try:
        accounts.set_user_active(None, user, False)
    except ValidationError as error:
        db.session.rollback()
        _fail("; ".join(error.errors.values()))
    db.session.commit()
    click.echo(f"Deactivated {user.email}; its sessions have ended.")


@users.command("cities")
def list_cities():
    """List the city slugs for --city."""
    for city in db.session.scalars(select(City).order_by(City.slug)):
        click.echo(f"{city.slug}\t{city.name_fi}")


@click.command("reference", help="Load or update the reference data (cities, themes, places).")
@with_appcontext
def reference_command():
    added = reference.load_reference_data()
    db.session.commit()
    click.echo(
        "Reference data up to date (new: " + ", ".join(f"{v} {k}" for k, v in added.items()) + ")"
    )


@click.command("demo", help="Load the demo data set (accounts in five cities).")
@click.option("--if-no-accounts", is_flag=True, help="Only when the database has no account yet.")
@click.option("--url", default=None, help="Where the portal is served (for the log-in line).")
@with_appcontext
def demo_command(if_no_accounts: bool, url: str | None):
    from flask import current_app

    url = (url or current_app.config.get("PORTAL_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
    reference.load_reference_data()
    fresh = demo.account_count() == 0
    if if_no_accounts and not fresh:
        demo_left = db.session.scalar(
            select(User.id).where(User.email == demo.DEMO_ACCOUNTS[0].email)
        )
        db.session.commit()
        if demo_left:
            _print_demo_banner(loaded_now=False, url=url)
        else:
            click.echo("Log in with your account. Create one: flask --app portal users create")
        return
    demo.load_demo_data()
    db.session.commit()
    _print_demo_banner(loaded_now=True, url=url)


def _print_demo_banner(*, loaded_now: bool, url: str) -> None:
    line = "=" * 72
    click.echo(line)
    click.echo("DEMO DATA - for trying the portal out, never for real use")
    click.echo("Loaded now." if loaded_now else "The demo accounts are in the database.")
    click.echo(f"Log in at {url}/login with password: {demo.DEMO_PASSWORD}")
    for account in demo.DEMO_ACCOUNTS:
        where = account.city or "(whole network)"
        click.echo(f"  {account.email:<28} {account.role:<12} {where}")
    click.echo(line)


mail_group = AppGroup("mail", help="The mail outbox.")


@mail_group.command("send")
@click.option("--limit", default=500, show_default=True, help="At most this many mails a run.")
def mail_send(limit: int) -> None:
    """Deliver the outbox's due mails (run it every few minutes from cron or a timer).
    Exits 1 when no SMTP server is set and mails are waiting, so the timer shows it."""
    from portal.services import mail

    report = mail.send_queued(limit=limit)
    click.echo(f"sent {report.sent}, failed {report.failed}, waiting {report.waiting}")
    if report.no_server and report.waiting:
        _fail(mail.NO_SERVER)


reminders_group = AppGroup("reminders", help="Reminders by e-mail.")


@reminders_group.command("send")
@click.option("--date", "on", default=None, help="As of this date (YYYY-MM-DD); today by default.")
def reminders_send(on: str | None) -> None:
    """Make everyone's reminders for the day or the week into the mail outbox, once per
    person and period (run it daily, before `mail send`)."""
    from datetime import date

    from flask import current_app

    from portal.services import reminders
    from portal.timeutil import local_today

    try:
        today = date.fromisoformat(on) if on else local_today()
    except ValueError:
        _fail(f"Not a date: {on} (YYYY-MM-DD)")
    base = current_app.config.get("PORTAL_BASE_URL", "http://127.0.0.1:5000")
    with current_app.test_request_context("/", base_url=base):
        run = reminders.send_reminders(today)
    click.echo(
        f"reminders for {run.users} people, {run.mails} mails queued, "
        f"{run.already} already made for this period"
    )


class Operator:
    """Who acts for an import at the command line: the operator, with an administrator's
    rights, audited as "command line" (there is no account behind it)."""

    id = None
    city_id = None
    role = Role.ADMIN
    active = True
    is_authenticated = True
    email = "command line"


@click.command(
    "import",
    help="Import a spreadsheet of KIND (contacts, organisations, "
    "interactions, events) into a city: FILE is .xlsx, .ods or .csv.",
)
@click.argument("kind", type=click.Choice(["contacts", "organisations", "interactions", "events"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--city", "city_slug", required=True, help="The city the records are for.")
@click.option(
    "--dry-run", is_flag=True, help="Check every row and print the summary; write nothing."
)
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows, report the others.")
@with_appcontext
def import_command(kind: str, file: Path, city_slug: str, dry_run: bool, skip_invalid: bool):
    """Columns are recognised by the template's headers in Finnish, Swedish or English, or
    by the field names (family_name, email, ...). A row with a problem means exit status 1
    and nothing written, unless --skip-invalid."""
    from flask import current_app

    from portal.services import imports

    city = db.session.scalar(select(City).where(City.slug == city_slug))
    if city is None:
        _fail(f"Unknown city {city_slug!r}. Known: `flask --app portal users cities`.")
    actor = cast(User, Operator())  # acts as an administrator would (see Operator)
    base = current_app.config.get("PORTAL_BASE_URL", "http://127.0.0.1:5000")
    with current_app.test_request_context("/", base_url=base):
        try:
            batch = imports.start(actor, city, kind, file.name, file.read_bytes())
            shown = imports.preview(actor, batch)
        except ValidationError as error:
            db.session.rollback()
            _fail(" ".join(error.errors.values()))
        kind_ = shown.kind
        mapped = [f"{header} -> {name}" for header, name in shown.headers if name]
        ignored = [header for header, name in shown.headers if not name and header]
        click.echo(f"{file.name}: {len(shown.rows)} rows of {kind} for {city.name_fi}")
        click.echo("columns: " + ", ".join(mapped))
        if ignored:
            click.echo("not imported: " + ", ".join(ignored))
        problems = imports.row_error_lines(kind_, shown.invalid)
        for line in problems:
            click.echo(line, err=True)
        valid = [r for r in shown.rows if r.valid]
        skipped = [r for r in valid if r.default == "skip"]
        existing = [r for r in valid if r.default.startswith("existing:")]
        click.echo(
            f"{len(valid) - len(skipped) - len(existing)} to import, {len(existing)} already "
            f"recorded, {len(skipped)} imported before, {len(shown.invalid)} with problems"
        )
        if dry_run or (shown.invalid and not skip_invalid):
            db.session.rollback()
            if shown.invalid:
                _fail(f"{len(shown.invalid)} rows have problems: nothing was imported.")
            click.echo("Dry run: nothing was imported.")
            return
        # The draft is kept while the rows are written in a transaction of their own (which
        # takes SQLite's write lock only for the writing); a failed import drops it again.
        db.session.commit()
        try:
            outcome = imports.confirm(actor, batch, skip_invalid=skip_invalid)
            db.session.commit()
        except ValidationError as error:
            db.session.rollback()
            db.session.delete(db.session.get(imports.ImportBatch, batch.id))
            db.session.commit()
            _fail(" ".join(error.errors.values()))
        click.echo(
            f"Imported {outcome.created} (batch {batch.id}); {outcome.linked} already recorded, "
            f"{outcome.skipped} skipped, {outcome.invalid} with problems left out."
        )


access_log_group = AppGroup("access-log", help="The personal data access log.")


@access_log_group.command("purge")
def access_log_purge() -> None:
    """Delete the entries older than PORTAL_PERSONAL_DATA_LOG_DAYS (two years by default);
    run it daily or monthly from cron or a timer."""
    from portal.services import access_log

    removed = access_log.purge()
    db.session.commit()
    click.echo(f"{removed} entries older than the retention period deleted")


search_group = AppGroup("search", help="The search index.")


@search_group.command("rebuild")
def rebuild_search():
    """Empty the search index and build it again from every record."""
    from portal.search import index

    counts = index.rebuild(db.session)
    db.session.commit()
    click.echo("Search index rebuilt: " + ", ".join(f"{n} {k}" for k, n in counts.items()))


@click.command("backup", help="Back up the database and the uploaded files into DIRECTORY.")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(directory: Path):
    from portal.backup import BackupError, make_backup

    try:
        manifest = make_backup(directory)
    except (BackupError, subprocess.CalledProcessError) as error:
        _fail(_backup_problem(error))
    rows = sum(manifest["tables"].values())
    click.echo(
        f"Backed up {rows} rows in {len(manifest['tables'])} tables and "
        f"{len(manifest['files'])} files into {directory} (see {directory}/manifest.json)."
    )


@click.command("restore", help="Restore a backup made by `backup` from DIRECTORY.")
@click.argument("directory", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--replace", is_flag=True, help="Overwrite a database that already holds data.")
@with_appcontext
def restore_command(directory: Path, replace: bool):
    from portal.backup import BackupError, restore_backup

    try:
        report = restore_backup(directory, replace=replace)
    except (BackupError, subprocess.CalledProcessError) as error:
        _fail(_backup_problem(error))
    click.echo(
        f"Restored {report.rows} rows in {report.tables} tables and {report.files} files; "
        f"the search index holds {report.documents} documents again. If this version of the "
        "portal is newer than the backup, run `flask --app portal db upgrade` now."
    )


@click.command(
    "copy-to", help="Copy every row into another, empty database (SQLite to PostgreSQL)."
)
@click.argument("database_url")
@with_appcontext
def copy_command(database_url: str):
    from portal.backup import BackupError, copy_to

    try:
        counts = copy_to(database_url)
    except BackupError as error:
        _fail(str(error))
    click.echo(
        f"Copied {sum(counts.values())} rows in {len(counts)} tables; the search index there "
        "is rebuilt. Point PORTAL_DATABASE_URL at the new database."
    )


def _backup_problem(error: Exception) -> str:
    if isinstance(error, subprocess.CalledProcessError):
        detail = (error.stderr or b"").decode(errors="replace").strip()
        return f"{error.cmd[0]} failed: {detail or error.returncode}"
    return str(error)

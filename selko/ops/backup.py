"""Backups of Selko's database, and putting one back.

SQLite is copied with its online backup API, so a backup taken while Selko
runs is consistent; PostgreSQL with pg_dump's custom format and pg_restore.
Photos and recordings are files (instance/media/ or the S3 bucket): they are
named by their content and never change, so they are copied on their own,
e.g. with rsync (README, "Operations")."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import URL, make_url


class BackupError(RuntimeError):
    pass


def _pg_tool(name: str) -> str:
    """The pg_dump/pg_restore on PATH, else the newest Debian's."""
    found = shutil.which(name)
    if found:
        return found
    installed = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if not installed:
        raise BackupError(f"{name} is missing: install PostgreSQL's client programs (Debian: postgresql-client)")
    return str(installed[-1])


def _pg_environment(url: URL) -> dict:
    """libpq's own variables: the password never shows in the process list."""
    env = dict(os.environ)
    settings = {"PGHOST": url.host or url.query.get("host"), "PGPORT": url.port, "PGUSER": url.username, "PGPASSWORD": url.password, "PGDATABASE": url.database}
    env.update({name: str(value) for name, value in settings.items() if value})
    return env


def _run(args: list[str], env: dict) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {done.stderr.strip()}")


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("this SQLite database is in memory: nothing to back up")
    return Path(url.database)


def backup(database_url: str, target: Path) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_file(url))
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        target.chmod(0o600)
    elif url.get_backend_name() == "postgresql":
        _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target)], _pg_environment(url))
        target.chmod(0o600)
    else:
        raise BackupError(f"no backup for {url.get_backend_name()} databases")


def restore(database_url: str, source: Path) -> None:
    """Put the backup in place of what the database holds now."""
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        live = sqlite3.connect(_sqlite_file(url))
        try:
            backup_db.execute("PRAGMA schema_version")
            backup_db.backup(live)
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{source} is not an SQLite backup: {error}") from None
        finally:
            live.close()
            backup_db.close()
    elif url.get_backend_name() == "postgresql":
        _run(
            [_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname", url.database or "", str(source)],
            _pg_environment(url),
        )
    else:
        raise BackupError(f"no restore for {url.get_backend_name()} databases")


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(target: Path):
    """Back up the database into TARGET (consistent while Selko runs)."""
    try:
        backup(current_app.config["DATABASE_URL"], target)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"backed up to {target} ({target.stat().st_size} bytes)")


@click.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Yes, replace everything in the database with the backup.")
@with_appcontext
def restore_command(source: Path, yes: bool):
    """Replace the database's contents with a backup. Stop web and worker first."""
    if not yes:
        raise click.ClickException("restoring replaces everything in the database: run again with --yes")
    try:
        restore(current_app.config["DATABASE_URL"], source)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"restored from {source}; run `selko migrate` if the backup is older than this version")

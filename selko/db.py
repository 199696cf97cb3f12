"""The database: one engine per app, one session per request, Alembic migrations."""

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import Flask, current_app, g
from flask.cli import with_appcontext
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from selko.config import private_file

MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_foreign_keys(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str):
    # A failed statement's error says which statement, not with which values:
    # those are names and notes, and an error ends up in the log.
    engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_foreign_keys)
    return engine


def session() -> Session:
    """The current request's (or CLI command's) database session."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["selko.sessionmaker"]()
    return g.db_session


def rollback() -> None:
    """Undo the current request's unsaved changes, if it has used the database."""
    db_session = g.get("db_session")
    if db_session is not None:
        db_session.rollback()


def _close_session(_exc):
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(app: Flask) -> None:
    command.upgrade(alembic_config(app.config["DATABASE_URL"]), "head")


def database_answers() -> bool:
    try:
        session().execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "does not answer"
        current_app.logger.exception("database health check failed")
        return False


@click.command("migrate")
@with_appcontext
def migrate_command():
    """Bring the database up to the newest migration."""
    migrate(current_app)
    click.echo("Database is up to date.")


@click.group("db")
def db_group():
    """Database migrations."""


def next_revision(versions: Path) -> str:
    """Migrations are numbered in order (0001_…): the next number."""
    numbers = [int(path.name[:4]) for path in versions.glob("[0-9][0-9][0-9][0-9]_*.py")]
    return f"{max(numbers, default=0) + 1:04d}"


@db_group.command("revision")
@click.option("-m", "--message", required=True, help='What the migration changes, e.g. "index on ticks".')
@click.option("--empty", is_flag=True, help="An empty migration to fill in, not one compared from the models.")
@with_appcontext
def revision_command(message: str, empty: bool):
    """Make the next migration: the models compared with the (migrated) database."""
    config = alembic_config(current_app.config["DATABASE_URL"])
    script = command.revision(config, message=message, autogenerate=not empty, rev_id=next_revision(MIGRATIONS / "versions"))
    click.echo(f"new migration: {script.path}; read it, then `selko migrate`")


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        # SQLite gives its journal files the database file's permissions.
        private_file(Path(engine.url.database))
    app.extensions["selko.engine"] = engine
    app.extensions["selko.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)
    app.cli.add_command(migrate_command)
    app.cli.add_command(db_group)

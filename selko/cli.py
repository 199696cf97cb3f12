"""The `selko` command: organisations, coaches, demo data, translations, the selko lint."""

import os
import subprocess
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from selko import clock, db, demo
from selko.access import signin
from selko.models import Organisation, Role, User
from selko.ops import backup, doctor
from selko.ops.prune import prune_command
from selko.web.pages import public_url

LOCALES = Path(__file__).parent.parent / "locales"


def sign_in_link(user: User, created_by: User | None = None) -> str:
    token = signin.create_link_token(db.session(), user, minutes=current_app.config["SIGN_IN_LINK_MINUTES"], created_by=created_by)
    return public_url("auth.sign_in_link", token=token)


@click.command("create-organisation")
@with_appcontext
@click.argument("name")
@click.option("--time-zone", default=clock.DEFAULT_ZONE, show_default=True)
def create_organisation(name: str, time_zone: str):
    """Create an organisation and print its id."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(f"unknown time zone {time_zone!r}", param_hint="--time-zone") from None
    organisation = Organisation(name=name, time_zone=time_zone)
    db.session().add(organisation)
    db.session().commit()
    click.echo(f"organisation: {organisation.id}")


@click.command("invite-coach")
@with_appcontext
@click.argument("name")
@click.option("--organisation", "organisation_id", type=int, required=True, help="The organisation's id.")
@click.option("--phone", default="")
@click.option("--admin", is_flag=True, help="Make the coach an admin of the organisation.")
def invite_coach(name: str, organisation_id: int, phone: str, admin: bool):
    """Create a coach and print a one-time sign-in link."""
    if db.session().get(Organisation, organisation_id) is None:
        raise click.BadParameter(f"no organisation {organisation_id}", param_hint="--organisation")
    coach = User(
        organisation_id=organisation_id,
        role=Role.admin if admin else Role.coach,
        name=name,
        phone=phone,
        created_at=clock.now(),
    )
    db.session().add(coach)
    db.session().flush()
    link = sign_in_link(coach)
    db.session().commit()
    click.echo(f"coach: {link}")


@click.command("sign-in-link")
@with_appcontext
@click.argument("user_id", type=int)
def sign_in_link_command(user_id: int):
    """Print a new one-time sign-in link for a user (recovery)."""
    user = db.session().get(User, user_id)
    if user is None:
        raise click.BadParameter(f"no user {user_id}")
    link = sign_in_link(user)
    db.session().commit()
    click.echo(f"{user.role.value}: {link}")


@click.command("demo")
@with_appcontext
def demo_command():
    """Load the demo data (once) and print fresh sign-in and family links."""
    coach, client = demo.load(db.session())
    links = [
        ("coach", sign_in_link(coach)),
        ("client", sign_in_link(client, created_by=coach)),
        ("family", public_url("family.week", token=demo.family_link(db.session(), coach, client))),
    ]
    db.session().commit()
    for role, link in links:
        click.echo(f"{role}: {link}")


@click.group("translate")
def translate():
    """Extract, update and compile the message catalogues."""


def _pybabel(*args: str) -> None:
    # Run from the project root so catalogues name files by relative paths.
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=LOCALES.parent)


@translate.command("extract")
def translate_extract():
    """Find the messages in code and templates and update every catalogue."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-o", "locales/messages.pot", "--sort-by-file", "selko")
    _add_translator_notes(LOCALES / "messages.pot")
    _pybabel("update", "-i", "locales/messages.pot", "-d", "locales", "--no-fuzzy-matching")


def _add_translator_notes(pot: Path) -> None:
    from babel.messages.pofile import read_po, write_po

    from selko.words import selko_lint

    with pot.open("rb") as file:
        catalogue = read_po(file)
    selko_lint.add_translator_notes(catalogue)
    with pot.open("wb") as file:
        write_po(file, catalogue, width=76, sort_by_file=True)


@translate.command("compile")
def translate_compile():
    """Compile the catalogues for the app."""
    _pybabel("compile", "-d", "locales")


@click.command("lint")
@click.option("--warnings/--no-warnings", "show_warnings", default=True, help="List the warnings too.")
def lint_command(show_warnings: bool):
    """Check the catalogues, and the client's Finnish against the selko rules."""
    from selko.words import selko_lint

    report = selko_lint.lint()
    click.echo(selko_lint.render(report, show_warnings))
    if report.failures:
        sys.exit(1)


@click.command("serve")
@click.option("--bind", help="Address and port, e.g. 127.0.0.1:8000 (default: SELKO_BIND or 127.0.0.1:8000).")
@click.option("--workers", type=click.IntRange(1, 64), help="Web processes (default: SELKO_WEB_WORKERS or 2 per core + 1).")
def serve_command(bind: str | None, workers: int | None):
    """Serve Selko for real with gunicorn (selko/ops/gunicorn_config.py). Run `selko worker` beside it."""
    args = [sys.executable, "-m", "gunicorn", "-c", "python:selko.ops.gunicorn_config"]
    if bind:
        args += ["--bind", bind]
    if workers:
        args += ["--workers", str(workers)]
    # gunicorn takes over this process: signals from systemd reach it directly.
    os.execv(sys.executable, [*args, "selko:create_app()"])


def init_app(app: Flask) -> None:
    commands = (
        serve_command,
        doctor.doctor_command,
        backup.backup_command,
        backup.restore_command,
        create_organisation,
        invite_coach,
        sign_in_link_command,
        demo_command,
        prune_command,
        translate,
        lint_command,
    )
    for command in commands:
        app.cli.add_command(command)


def main() -> None:
    from selko import create_app

    FlaskGroup(create_app=lambda: create_app()).main()

"""`selko doctor`: is this installation ready to serve people?

Each check looks at one thing an IT person gets wrong when putting Selko in
production, and says in one line what it found and what to do. Any problem
makes the command exit 1, so it can run after a deploy or from monitoring.
"""

import os
import socket
import ssl
import stat
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import create_engine, or_, select, text
from sqlalchemy.pool import NullPool

from selko import config, db, i18n
from selko.clock import DEFAULT_ZONE
from selko.models import Organisation, PushSubscription

# Push services a phone can use before any has subscribed: one real host for
# each of the default host suffixes (config.PUSH_HOSTS) that is a name itself.
KNOWN_PUSH_HOSTS = {
    "fcm.googleapis.com": "fcm.googleapis.com",
    "push.services.mozilla.com": "updates.push.services.mozilla.com",
    "push.apple.com": "web.push.apple.com",
}
# Hosts read each other's claims on alarms (given back after the send time and 15 s) and
# sessions' times: a few seconds apart is already odd.
CLOCK_DRIFT = timedelta(seconds=5)
# This version of Selko was made after this day: a clock before it is wrong.
CLOCK_FLOOR = datetime(2026, 12, 1, tzinfo=timezone.utc)
MIN_SECRET_LENGTH = 32
TIMEOUT = 5  # seconds for each network check


@dataclass(frozen=True)
class Finding:
    check: str
    ok: bool
    says: str


def _owner_only(path: Path, what: str) -> Finding:
    """A key file must be readable by its owner, the user Selko runs as, only."""
    if not path.exists():
        return Finding(what, False, f"{path} is missing")
    info = path.stat()
    if info.st_uid != os.geteuid():
        return Finding(what, False, f"{path} belongs to user {info.st_uid}, not to the user Selko runs as ({os.geteuid()})")
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        return Finding(what, False, f"{path} can be read by others (mode {stat.filemode(info.st_mode)}): chmod 600 {path}")
    return Finding(what, True, f"{path} is readable by its owner only")


def origin(app: Flask) -> Finding:
    address = app.config["ORIGIN"]
    if urlsplit(address).scheme != "https":
        return Finding(
            "origin", False, f"{address} is not https: set SELKO_ORIGIN to the public https address; phones allow passkeys and alarms only over https"
        )
    return Finding("origin", True, address)


def secret_key(app: Flask) -> Finding:
    kept = Path(app.instance_path) / "secret_key"  # config.py makes it when SELKO_SECRET_KEY is not set
    if kept.exists() and kept.read_text().strip() == app.config["SECRET_KEY"]:
        return _owner_only(kept, "secret key")
    if len(app.config["SECRET_KEY"]) < MIN_SECRET_LENGTH:
        return Finding(
            "secret key",
            False,
            f'SELKO_SECRET_KEY is {len(app.config["SECRET_KEY"])} characters; make one of 64 with python3 -c "import secrets; print(secrets.token_hex(32))"',
        )
    return Finding("secret key", True, "from SELKO_SECRET_KEY")


def vapid_key(app: Flask) -> Finding:
    if app.config["VAPID_PRIVATE_KEY"]:
        return Finding("push key", True, "from SELKO_VAPID_PRIVATE_KEY")
    return _owner_only(Path(app.instance_path) / "vapid_private.pem", "push key")


def environment_file(path: Path) -> Finding | None:
    """The systemd units read the settings, the secret key among them, from this file."""
    if not path.exists():
        return None
    mode = path.stat().st_mode
    if mode & stat.S_IRWXO:
        return Finding("settings file", False, f"{path} can be read by everyone (mode {stat.filemode(mode)}): chmod 640 {path}")
    return Finding("settings file", True, f"{path} is not readable by others")


def database() -> list[Finding]:
    """Reachable, migrated, and on the same time as this host."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    engine = current_app.extensions["selko.engine"]
    if engine.dialect.name == "postgresql":  # a firewall that drops packets must not hang the check
        engine = create_engine(engine.url, connect_args={"connect_timeout": TIMEOUT}, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
            server_now = connection.execute(text("SELECT CURRENT_TIMESTAMP")).scalar_one()
    except Exception as error:  # noqa: BLE001 - whatever the driver says, the database does not answer
        return [Finding("database", False, f"does not answer: {str(error).splitlines()[0]}")]
    findings = [Finding("database", True, f"answers ({engine.dialect.name})")]
    heads = set(ScriptDirectory.from_config(db.alembic_config(current_app.config["DATABASE_URL"])).get_heads())
    if current != heads:
        findings.append(
            Finding(
                "migrations",
                False,
                f"the database is at {', '.join(sorted(current)) or 'nothing'}, this Selko at {', '.join(sorted(heads))}: run `selko migrate`",
            )
        )
    else:
        findings.append(Finding("migrations", True, f"current ({', '.join(sorted(heads))})"))
    findings.append(clock(server_now))
    return findings


def clock(server_now) -> Finding:
    now = datetime.now(timezone.utc)
    if now < CLOCK_FLOOR:
        return Finding("clock", False, f"this host says it is {now:%Y-%m-%d %H:%M} UTC; set the time (e.g. systemd-timesyncd)")
    if isinstance(server_now, datetime) and server_now.tzinfo is not None:
        # PostgreSQL's own clock: on another host when the database is.
        drift = abs(now - server_now)
        if drift > CLOCK_DRIFT:
            return Finding("clock", False, f"this host and the database are {drift.total_seconds():.0f} s apart; alarms and sign-ins need both on NTP")
    try:
        zones = {ZoneInfo(name) for name in db.session().scalars(select(Organisation.time_zone).distinct())}
    except Exception as error:  # noqa: BLE001 - a zone missing from tzdata
        return Finding("clock", False, f"a time zone cannot be read ({error}); install tzdata")
    zones.add(ZoneInfo(DEFAULT_ZONE))
    return Finding("clock", True, f"{now:%Y-%m-%d %H:%M:%S} UTC; time zones: {', '.join(sorted(map(str, zones)))}")


def push_hosts(app: Flask) -> list[tuple[str, int]]:
    """For each push service phones may use, a host to try: one some phone
    subscribed at, or the service's well-known host."""
    hosts = []
    for suffix in app.config["PUSH_HOSTS"]:
        endpoint = (
            db.session()
            .scalars(
                select(PushSubscription.endpoint)
                .where(or_(PushSubscription.endpoint.like(f"https://%{suffix}/%"), PushSubscription.endpoint.like(f"https://%{suffix}:%")))
                .limit(1)
            )
            .first()
        )
        if endpoint:
            hosts.append((urlsplit(endpoint).hostname, urlsplit(endpoint).port or 443))
        elif suffix in KNOWN_PUSH_HOSTS:
            hosts.append((KNOWN_PUSH_HOSTS[suffix], 443))
    return hosts


def push_service(host: str, port: int) -> Finding:
    """A TLS handshake with a certificate this host trusts is what sending needs."""
    try:
        with socket.create_connection((host, port), timeout=TIMEOUT) as raw:
            with ssl.create_default_context().wrap_socket(raw, server_hostname=host):
                pass
    except (OSError, ssl.SSLError) as error:
        return Finding("push service", False, f"{host}:{port} cannot be reached ({error}); alarms will not ring")
    return Finding("push service", True, f"{host}:{port} answers")


def rate_limit_store(app: Flask, web_processes: int) -> Finding:
    uri = app.config["RATE_LIMIT_STORAGE"]
    if uri.startswith("memory://"):
        if web_processes > 1:
            return Finding(
                "rate limits",
                False,
                f"counted in each of the {web_processes} web processes' memory, so the "
                "sign-in limit is that many times higher: set SELKO_RATE_LIMIT_STORAGE=redis://…",
            )
        return Finding("rate limits", True, "in memory (one web process)")
    from limits.storage import storage_from_string

    where = urlsplit(uri)._replace(netloc=urlsplit(uri).hostname or "").geturl()  # no password in the output
    try:
        answers = storage_from_string(uri, socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT).check()
    except Exception as error:  # noqa: BLE001 - a missing driver or a refused connection
        return Finding("rate limits", False, f"{where} cannot be used: {error}")
    if not answers:
        return Finding("rate limits", False, f"{where} does not answer")
    return Finding("rate limits", True, f"shared in {where}")


def front_end(app: Flask) -> Finding:
    """Selko runs from its checkout: the npm packages and compiled catalogues live beside it."""
    from selko.web.pwa import VENDOR

    missing = [name for name, path in VENDOR.items() if not Path(app.config["NODE_MODULES"], path).exists()]
    if missing:
        return Finding("front end", False, f"{', '.join(missing)} missing: run `npm ci`")
    locales = Path(app.root_path).parent / "locales"
    uncompiled = [code for code in i18n.LANGUAGES if code != "en" and not (locales / code / "LC_MESSAGES" / "messages.mo").exists()]
    if uncompiled:
        return Finding("front end", False, f"translations not compiled ({', '.join(uncompiled)}): run `selko translate compile`")
    return Finding("front end", True, "npm packages installed, translations compiled")


def examine(app: Flask, web_processes: int, settings_file: Path) -> list[Finding]:
    findings = [origin(app), secret_key(app), vapid_key(app)]
    findings += filter(None, [environment_file(settings_file)])
    reached = database()
    findings += reached
    if reached[0].ok:  # the push services to try are read from the database
        findings += [push_service(host, port) for host, port in push_hosts(app)]
    findings += [rate_limit_store(app, web_processes), front_end(app)]
    return findings


@click.command("doctor")
@click.option(
    "--settings-file",
    type=click.Path(path_type=Path),
    default=Path("/etc/selko/selko.env"),
    show_default=True,
    help="The systemd units' EnvironmentFile (checked when it exists).",
)
@with_appcontext
def doctor_command(settings_file: Path):
    """Check that this installation is ready for real use; exit 1 on any problem."""
    findings = examine(current_app, config.web_workers(), settings_file)
    for finding in findings:
        click.echo(f"{'ok' if finding.ok else 'PROBLEM':8}{finding.check}: {finding.says}")
    problems = sum(not finding.ok for finding in findings)
    click.echo(f"{problems} problem{'s' if problems != 1 else ''}" if problems else "ready")
    raise SystemExit(1 if problems else 0)

"""Fixtures: a migrated database (SQLite, or PostgreSQL from SELKO_TEST_DATABASE_URL),
a frozen clock, persona factories and a test client that fills in CSRF tokens."""

import os
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import template_rendered
from flask.testing import FlaskClient
from sqlalchemy import create_engine, func, make_url, select, text
from sqlalchemy.orm import Session

from selko import clock, create_app, db, i18n
from selko.access import signin
from selko.alarms.worker import sender_for
from selko.day import schedule
from selko.library.tasks import set_steps
from selko.models import Base, Organisation, Passkey, Reminder, Role, Task, TaskAssignment, User
from selko.people.clients import create_client
from tests import page_checker
from tests.fake_push import FakePushService

HELSINKI = ZoneInfo("Europe/Helsinki")
# Monday 23 November 2026, 9.30 in Helsinki: a work day, after work started.
MONDAY_0930 = datetime(2026, 11, 23, 9, 30, tzinfo=HELSINKI)


def at(hour: int, minute: int = 0, day: int = 23, month: int = 11) -> datetime:
    """A time in Helsinki in 2026: on the frozen Monday 23 November unless
    another day (and month) is given."""
    return datetime(2026, month, day, hour, minute, tzinfo=HELSINKI)


def pytest_report_header(config):
    return f"database: {_database_url('<tmp>').split('@')[-1]}"


def _database_url(tmp: str) -> str:
    return os.environ.get("SELKO_TEST_DATABASE_URL") or f"sqlite:///{tmp}/test.sqlite3"


def _own_database(url: str, worker: str) -> str:
    """Under pytest-xdist each worker gets a PostgreSQL database of its own,
    made beside the one SELKO_TEST_DATABASE_URL names."""
    made = make_url(url).set(database=f"{make_url(url).database}_{worker}")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{made.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{made.database}"'))
    engine.dispose()
    return made.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id):
    """A database built by the real migrations, once per test run (per worker)."""
    url = _database_url(str(tmp_path_factory.mktemp("db")))
    if url.startswith("postgresql") and worker_id != "master":
        url = _own_database(url, worker_id)
    engine = db.make_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    from alembic import command

    command.upgrade(db.alembic_config(url), "head")
    return url


def count(session, model) -> int:
    """How many rows the table of a model has now."""
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def rows_a_refusal_keeps(table):
    """A table's rows that a refused request must leave as they were. A
    refused client action is itself recorded, so that a repeat of it is
    refused the same way (selko/day/client_action.py)."""
    query = select(table)
    if table.name == "client_actions":
        query = query.where(table.c.outcome != "refused")
    return query


class CheckedClient(FlaskClient):
    """Flask's test client that checks every HTML answer a test receives
    (tests/page_checker.py) and fails the test on the first page with problems."""

    def open(self, *args, **kwargs):
        rendered = []  # (template, language) of each page made for this request

        def note(sender, template, context, **extra):
            rendered.append((template.name or "", i18n.language()))

        with template_rendered.connected_to(note, self.application):
            response = super().open(*args, **kwargs)
        # A compressed answer is the same page as the plain one, which is checked.
        checked = response.mimetype == "text/html" and "Content-Encoding" not in response.headers
        if checked and not 300 <= response.status_code < 400 and response.get_data():
            template, language = rendered[-1] if rendered else ("", "")
            problems = page_checker.problems(
                response.get_data(as_text=True),
                htmx=bool(response.request.headers.get("HX-Request")),
                template=template,
                language=language,
                status=response.status_code,
            )
            if problems:
                pytest.fail(
                    f"{response.request.method} {response.request.url} ({response.status_code}) has problems:\n"
                    + "\n".join(f"- {problem}" for problem in problems),
                    pytrace=False,
                )
        return response


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path / "instance"), "ORIGIN": "http://localhost"})
    app.test_client_class = CheckedClient
    yield app
    engine = app.extensions["selko.engine"]
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    engine.dispose()


@pytest.fixture
def now(monkeypatch):
    """The frozen time; tests move it with now.set(datetime)."""

    class Clock:
        value = MONDAY_0930

        def set(self, value: datetime):
            self.value = value

    frozen = Clock()
    monkeypatch.setattr(clock, "now", lambda: frozen.value.astimezone(ZoneInfo("UTC")))
    return frozen


@pytest.fixture
def session(app):
    """A database session for arranging and checking data outside requests.
    No app context is held open: requests must get their own, as in production.
    Call session.expire_all() before reading what a request changed."""
    with Session(app.extensions["selko.engine"]) as db_session:
        yield db_session


# Elements that sit inside a line of text: no space is seen around them.
INLINE = set("a abbr b bdi bdo cite code data dfn em i kbd mark q s samp small span strong sub sup time u var".split())


def _seen(element) -> str:
    parts = []
    for child in element.children:
        if isinstance(child, str):
            parts.append(child)
        elif not page_checker.is_hidden(child):
            parts.append(_seen(child) if child.tag in INLINE else f" {_seen(child)} ")
    return "".join(parts)


def words_of(html: str) -> str:
    """The words a person sees in a piece of markup: no tags, nothing
    `hidden` (nor the <head> and its <title>), spaces collapsed, none added
    inside a line ("<strong>9</strong>:30" reads "9:30")."""
    return " ".join(_seen(page_checker.parse(html)).split())


def visible_text(response) -> str:
    """The words a person sees on the page (words_of). Assertions about what
    a person reads use this: every client page carries hidden states that can
    follow the current one (data-part), which raw HTML would match."""
    return words_of(response.get_data(as_text=True))


def html_of(response) -> str:
    """The answer's markup as sent: for checks about markup (attributes,
    links, forms, which radio is checked), or that something is nowhere in
    the page, hidden or not. Not for what a person reads: see visible_text."""
    return response.get_data(as_text=True)


class Client:
    """Flask's test client, with the CSRF token a real form would carry."""

    def __init__(self, flask_client):
        self.http = flask_client

    def get(self, url, **kwargs):
        return self.http.get(url, **kwargs)

    def csrf_token(self) -> str:
        page = self.http.get("/language").get_data(as_text=True)
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def post(self, url, data=None, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.csrf_token())
        return self.http.post(url, data=data, **kwargs)


@pytest.fixture
def client_factory(app):
    return lambda: Client(app.test_client())


@pytest.fixture
def web(client_factory):
    return client_factory()


class Make:
    """Keyword-only factories for the personas every test needs."""

    def __init__(self, session):
        self.session = session

    def organisation(self, *, name="Testi ry", time_zone="Europe/Helsinki") -> Organisation:
        organisation = Organisation(name=name, time_zone=time_zone)
        self.session.add(organisation)
        self.session.commit()
        return organisation

    def coach(self, *, organisation=None, name="Sanna Valmentaja", phone="040 123 4567", language="fi") -> User:
        organisation = organisation or self.organisation()
        coach = User(organisation_id=organisation.id, role=Role.coach, name=name, phone=phone, language=language, created_at=clock.now())
        self.session.add(coach)
        self.session.commit()
        return coach

    def client(
        self, *, coach=None, name="Aino Asiakas", language="fi", works=range(5), hours=(time(8), time(14)), breaks=((time(10), time(10, 15), "Kahvi"),)
    ) -> User:
        coach = coach or self.coach()
        client = create_client(self.session, coach=coach, name=name, language=language)
        for weekday in works:
            schedule.set_weekday(self.session, client.id, weekday, hours, [schedule.BreakTime(*b) for b in breaks])
        self.session.commit()
        return client

    def task(self, *, organisation_id, title="Tiskaa astiat", emoji="🍽️", steps=("Laita esiliina.", "Huuhtele astiat.", "Täytä kone.")) -> Task:
        task = Task(organisation_id=organisation_id, title=title, emoji=emoji)
        self.session.add(task)
        set_steps(self.session, task, list(steps))
        self.session.commit()
        return task

    def assignment(self, *, client, task, weekday=0, position=1) -> TaskAssignment:
        assignment = TaskAssignment(client_id=client.id, task_id=task.id, weekday=weekday, position=position)
        self.session.add(assignment)
        self.session.commit()
        return assignment

    def reminder(self, *, client, text="", kind="coach", due_at=None, day=None, **columns) -> Reminder:
        """An alarm in the outbox, as the planner or a coach's message writes
        it: by default a coach's message due now, on the day it is due in Helsinki.
        Other columns (status, attempts, claimed_at...) as keywords."""
        due_at = due_at or clock.now()
        reminder = Reminder(client_id=client.id, day=day or due_at.astimezone(HELSINKI).date(), kind=kind, due_at=due_at, text=text, **columns)
        self.session.add(reminder)
        self.session.commit()
        return reminder

    def passkey(self, user) -> Passkey:
        """A stored passkey row, for tests that need a coach past the passkey step.
        Real ceremonies are tested in test_passkeys.py and in the browser."""
        passkey = Passkey(user_id=user.id, credential_id=os.urandom(16), public_key=b"test", name="Testiavain", created_at=clock.now())
        self.session.add(passkey)
        self.session.commit()
        return passkey

    def link(self, user, minutes=15) -> str:
        token = signin.create_link_token(self.session, user, minutes=minutes)
        self.session.commit()
        return token


@pytest.fixture
def make(session, now):
    return Make(session)


def passkey_session_cookie(app, session, user) -> str:
    """The session cookie a coach's browser holds after signing in with a
    passkey (a link alone only lets a coach who has one make a new one).
    Real ceremonies are tested in test_passkeys.py and in the browser."""
    if not session.scalar(select(Passkey).where(Passkey.user_id == user.id)):
        Make(session).passkey(user)
    token = signin.open_device_session(session, user, length=timedelta(hours=12))
    session.commit()
    return app.session_interface.get_signing_serializer(app).dumps({"device": token, "_permanent": True})


@pytest.fixture
def sign_in(app, make):
    """Sign a test client in as a user: a client's phone through a one-time
    link, a coach or admin as after a passkey sign-in."""

    def sign_in(web: Client, user: User) -> Client:
        if user.role != Role.client:
            web.http.set_cookie(app.config["SESSION_COOKIE_NAME"], passkey_session_cookie(app, make.session, user))
            return web
        token = make.link(user)
        response = web.post(f"/signin/{token}")
        assert response.status_code == 303, response.get_data(as_text=True)
        return web

    return sign_in


@pytest.fixture
def push_service():
    """A push service on 127.0.0.1 that decrypts what it receives (fake_push.py)."""
    service = FakePushService().start()
    yield service
    service.stop()


@pytest.fixture
def sender(app):
    """The worker's sender, as `selko worker` makes it."""
    sender = sender_for(app)
    yield sender
    sender.close()


@pytest.fixture
def pair(make, client_factory, sign_in, session):
    """A coach's browser and the client's phone, both in English, and the client."""
    coach = make.coach(name="Sanna Coach", language="en")
    client = make.client(coach=coach, name="Aino", language="en")
    return sign_in(client_factory(), coach), sign_in(client_factory(), client), client

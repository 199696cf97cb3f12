"""Scale: a year of history for many clients on PostgreSQL, then the SQL
statements and the latency of the pages people open most: a client's
Today, a coach's board (20 clients) and that coach's month report
(Attendance report). Each page is asked for the same person again and
again, then once for each of as many people picked at random, whose rows
are in no cache yet.

    SELKO_BENCH_DATABASE_URL=postgresql+psycopg://…/selko_scale_bench \\
        .venv/bin/python bench/scale.py --clients 100000

The database is emptied and built by the real migrations, so the indexes
measured are the ones production has. The data is made inside PostgreSQL
(INSERT … SELECT over generate_series), a slice of clients at a time:
500 organisations for 100,000 clients (200 clients each), a coach for every
20 clients, and for each client a year of work days, Monday to Friday:
check-in and going home (with their presses), one task's steps ticked, how
the day went on one day in three, an absence now and then, a contact and a
diary note every other week; finished alarms for the last 30 days only,
as many as the worker's pruning keeps.

"Now" is Monday 30 November 2026, 9.30 in Helsinki: a work day that has
started, and the month report of a month that is nearly over.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alembic import command  # noqa: E402
from sqlalchemy import create_engine, event, make_url, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from selko import clock, create_app, db
from selko.access import signin
from selko.models import Passkey, User  # noqa: E402

NOW = datetime(2026, 11, 30, 9, 30, tzinfo=ZoneInfo("Europe/Helsinki"))
TODAY = NOW.date()
FIRST_DAY = TODAY - timedelta(days=365)
CLIENTS_PER_ORGANISATION = 200
CLIENTS_PER_COACH = 20
TASKS_PER_ORGANISATION = 12
STEPS_PER_TASK = 3
SLICE = 5000  # clients per INSERT: progress to see, transactions of a sensible size
DEFAULT_URL = "postgresql+psycopg:///selko_scale_bench"

# Local wall-clock times of the organisation's zone, stored as UTC like UTCDateTime does.
UTC = "AT TIME ZONE 'Europe/Helsinki' AT TIME ZONE 'UTC'"

# Each client's work days in the year before today, with the hour work starts
# (7, 8 or 9; six hours a day) and a number that decides what the day was.
WORK_DAYS = """
    SELECT u.id AS client_id, d::date AS day, w.starts AS starts, w.weekday AS weekday,
           abs(hashtext(u.id || ':' || d::date)) % 100 AS luck
    FROM users u
    JOIN work_days w ON w.client_id = u.id
    CROSS JOIN generate_series(CAST(:first_day AS date), CAST(:today AS date) - 1, interval '1 day') AS d
    WHERE u.role = 'client' AND u.id BETWEEN :first AND :last
      AND w.weekday = extract(isodow FROM d) - 1
      AND d::date >= (SELECT started_on FROM client_profiles WHERE user_id = u.id)
"""
ABSENT = "luck < 8"  # about one work day in twelve
ANSWERED = "luck % 3 = 0"

HISTORY = {
    "attendance": f"""
        INSERT INTO attendance (client_id, date, arrived_at, left_at, absence_reason, absence_note,
                                absence_reported_at, present_by_word, corrected_by_id, corrected_at)
        SELECT client_id, day,
               CASE WHEN {ABSENT} THEN NULL ELSE (day + starts - (luck % 11) * interval '1 minute') {UTC} END,
               CASE WHEN {ABSENT} THEN NULL ELSE (day + starts + interval '6 hours' + (luck % 9) * interval '1 minute') {UTC} END,
               CASE WHEN {ABSENT} THEN (ARRAY['ill', 'doctor', 'family', 'transport', 'other'])[luck % 5 + 1] END,
               '',
               CASE WHEN {ABSENT} THEN (day + starts - interval '1 hour') {UTC} END,
               false, NULL, NULL
        FROM ({WORK_DAYS}) AS work
    """,
    # The phone's presses of check-in and going home, each with its key.
    "client_actions": """
        INSERT INTO client_actions (client_id, key, kind, day, pressed_at, received_at, status, outcome, what)
        SELECT client_id, md5(client_id || ':' || date || ' ' || kind)::uuid::text, kind, date, at, at, 200, 'done', ''
        FROM (
            SELECT client_id, date, 'arrive' AS kind, arrived_at AS at FROM attendance
            WHERE client_id BETWEEN :first AND :last AND arrived_at IS NOT NULL AND date < :today
            UNION ALL
            SELECT client_id, date, 'leave', left_at FROM attendance
            WHERE client_id BETWEEN :first AND :last AND left_at IS NOT NULL AND date < :today
        ) AS presses
    """,
    # The steps of the day's first task, ticked through the morning.
    "step_ticks": """
        INSERT INTO step_ticks (client_id, step_id, date, ticked_at)
        SELECT a.client_id, s.id, a.date, a.arrived_at + s.position * interval '40 minutes'
        FROM attendance a
        JOIN task_assignments t ON t.client_id = a.client_id AND t.position = 1
             AND t.weekday = extract(isodow FROM a.date) - 1
        JOIN task_steps s ON s.task_id = t.task_id
        WHERE a.client_id BETWEEN :first AND :last AND a.arrived_at IS NOT NULL AND a.date < :today
    """,
    "self_assessments": f"""
        INSERT INTO self_assessments (client_id, date, energy, mind, skills, everyday, work, wants_to_talk,
                                      answered_at, talk_handled_at, talk_handled_by_id)
        SELECT client_id, day, 1 + luck % 3, 1 + (luck / 3) % 3, 1 + (luck / 9) % 3, 3 - luck % 2, 2 + luck % 2,
               luck = 99, (day + starts + interval '6 hours') {UTC},
               CASE WHEN luck = 99 THEN (day + starts + interval '1 day') {UTC} END,
               CASE WHEN luck = 99 THEN (SELECT coach_id FROM client_profiles WHERE user_id = client_id) END
        FROM ({WORK_DAYS}) AS work
        WHERE NOT ({ABSENT}) AND {ANSWERED}
    """,
    # Every other week: a contact and a diary note, on Wednesdays.
    "contacts": f"""
        INSERT INTO contacts (client_id, kind, date, note, logged_by_id, logged_at)
        SELECT client_id, (ARRAY['visit', 'call', 'message', 'meeting'])[luck % 4 + 1], day, '',
               (SELECT coach_id FROM client_profiles WHERE user_id = client_id), (day + time '16:00') {UTC}
        FROM ({WORK_DAYS}) AS work
        WHERE weekday = 2 AND (day - date '2000-01-05') % 14 = 0
    """,
    "work_notes": f"""
        INSERT INTO work_notes (client_id, date, text, shown_to_client, written_by_id, written_at)
        SELECT client_id, day, 'Työpäivä meni hyvin. Puhuttiin tauoista.', luck % 2 = 0,
               (SELECT coach_id FROM client_profiles WHERE user_id = client_id), (day + time '16:00') {UTC}
        FROM ({WORK_DAYS}) AS work
        WHERE weekday = 2 AND (day - date '2000-01-05') % 14 = 7
    """,
    "help_requests": f"""
        INSERT INTO help_requests (client_id, created_at, task_id, step_position, handled_at, handled_by_id, cancelled_at)
        SELECT client_id, (day + starts + interval '2 hours') {UTC}, NULL, NULL,
               (day + starts + interval '150 minutes') {UTC},
               (SELECT coach_id FROM client_profiles WHERE user_id = client_id), NULL
        FROM ({WORK_DAYS}) AS work
        WHERE NOT ({ABSENT}) AND luck = 50
    """,
    # Finished alarms: work start, break start and end, work end.
    "reminders": f"""
        INSERT INTO reminders (client_id, day, kind, due_at, text, status, attempts, retry_at, claimed_at,
                               finished_at, outcome, shown_at, seen_at)
        SELECT client_id, day, alarm.kind, (day + alarm.at) {UTC}, '', 'sent', 1, NULL,
               (day + alarm.at) {UTC}, (day + alarm.at + interval '1 second') {UTC}, '201', NULL, NULL
        FROM ({WORK_DAYS}) AS work
        CROSS JOIN LATERAL (VALUES ('work_start', starts), ('break_start', starts + interval '2 hours'),
                                   ('break_end', starts + interval '135 minutes'),
                                   ('work_end', starts + interval '6 hours')) AS alarm (kind, at)
        WHERE day >= CAST(:today AS date) - 30
    """,
}

# Today so far: nine clients in ten came to work and ticked a step; the
# alarm of work start was sent, the rest of the day's are planned.
TODAY_SO_FAR = [
    f"""
    INSERT INTO attendance (client_id, date, arrived_at, absence_note, present_by_word)
    SELECT client_id, CAST(:today AS date), (CAST(:today AS date) + starts - interval '3 minutes') {UTC}, '', false
    FROM work_days w WHERE client_id BETWEEN :first AND :last AND weekday = 0 AND client_id % 10 <> 0
    """,
    """
    INSERT INTO client_actions (client_id, key, kind, day, pressed_at, received_at, status, outcome, what)
    SELECT client_id, md5(client_id || ':' || date || ' arrive')::uuid::text, 'arrive', date, arrived_at, arrived_at,
           200, 'done', ''
    FROM attendance WHERE client_id BETWEEN :first AND :last AND date = :today
    """,
    """
    INSERT INTO step_ticks (client_id, step_id, date, ticked_at)
    SELECT a.client_id, s.id, a.date, a.arrived_at + interval '20 minutes'
    FROM attendance a
    JOIN task_assignments t ON t.client_id = a.client_id AND t.weekday = 0 AND t.position = 1
    JOIN task_steps s ON s.task_id = t.task_id AND s.position = 1
    WHERE a.client_id BETWEEN :first AND :last AND a.date = :today
    """,
    f"""
    INSERT INTO reminders (client_id, day, kind, due_at, text, status, attempts, outcome)
    SELECT client_id, CAST(:today AS date), alarm.kind, (CAST(:today AS date) + alarm.at) {UTC}, '',
           CASE WHEN alarm.kind = 'work_start' THEN 'sent' ELSE 'planned' END, 0, ''
    FROM work_days w
    CROSS JOIN LATERAL (VALUES ('work_start', starts), ('break_start', starts + interval '2 hours'),
                               ('break_end', starts + interval '135 minutes'),
                               ('work_end', starts + interval '6 hours')) AS alarm (kind, at)
    WHERE client_id BETWEEN :first AND :last AND weekday = 0
    """,
]


def fresh_database(url: str) -> None:
    """Create the database if it is missing, empty it, and migrate it."""
    name = make_url(url).database
    server = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}):
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    command.upgrade(db.alembic_config(url), "head")


def generate(url: str, clients: int) -> None:
    """Every row of the dataset."""
    organisations = -(-clients // CLIENTS_PER_ORGANISATION)
    coaches = -(-clients // CLIENTS_PER_COACH)
    coaches_per_organisation = CLIENTS_PER_ORGANISATION // CLIENTS_PER_COACH
    first_client, last_client = coaches + 1, coaches + clients
    started = time.perf_counter()
    engine = create_engine(url)

    def run(statement: str, **values) -> None:
        with engine.begin() as connection:
            connection.execute(text("SET LOCAL synchronous_commit = off"))
            connection.execute(text(statement), values)

    created = datetime(2025, 1, 1).isoformat()
    run(
        """INSERT INTO organisations (id, name, time_zone, daily_compensation, half_day_counts_half)
           SELECT n, 'Organisaatio ' || n, 'Europe/Helsinki', 9.00, true FROM generate_series(1, :n) AS n""",
        n=organisations,
    )
    # Coaches 1…coaches, then the clients; client k (from 0) is coached by coach k / 20 + 1.
    run(
        """INSERT INTO users (id, organisation_id, role, name, phone, language, created_at)
           SELECT n, (n - 1) / :per_organisation + 1, 'coach', 'Valmentaja ' || n, '040 123 4567', 'fi', :created
           FROM generate_series(1, :n) AS n""",
        n=coaches,
        per_organisation=coaches_per_organisation,
        created=created,
    )
    run(
        """INSERT INTO users (id, organisation_id, role, name, phone, language, created_at)
           SELECT :coaches + 1 + k, k / :per_organisation + 1, 'client', 'Asiakas ' || lpad(k::text, 6, '0'),
                  '', (ARRAY['fi', 'fi', 'fi', 'sv', 'en'])[k % 5 + 1], :created
           FROM generate_series(0, :n - 1) AS k""",
        coaches=coaches,
        n=clients,
        per_organisation=CLIENTS_PER_ORGANISATION,
        created=created,
    )
    run(
        """INSERT INTO client_profiles (user_id, coach_id, workplace, started_on, alarm_work_start, alarm_break_start,
                                        alarm_break_end, alarm_work_end, one_step_at_a_time)
           SELECT id, (id - :coaches - 1) / :per_coach + 1, 'Kahvila', CAST(:first_day AS date) - (id % 200),
                  true, true, true, true, id % 7 = 0
           FROM users WHERE role = 'client'""",
        coaches=coaches,
        per_coach=CLIENTS_PER_COACH,
        first_day=FIRST_DAY,
    )
    run(
        """INSERT INTO tasks (id, organisation_id, title, emoji)
           SELECT (o - 1) * :per + t, o, 'Tehtävä ' || t, '🍽️'
           FROM generate_series(1, :organisations) AS o CROSS JOIN generate_series(1, :per) AS t""",
        organisations=organisations,
        per=TASKS_PER_ORGANISATION,
    )
    run(
        """INSERT INTO task_steps (id, task_id, position, text, emoji)
           SELECT (t.id - 1) * :steps + p, t.id, p, 'Tee vaihe ' || p || '.', '' FROM tasks t
           CROSS JOIN generate_series(1, :steps) AS p""",
        steps=STEPS_PER_TASK,
    )
    # Monday to Friday, six hours from 7, 8 or 9, a coffee break two hours in,
    # two tasks a day from the organisation's library.
    run("""INSERT INTO work_days (client_id, weekday, starts, ends)
           SELECT id, w, make_time(7 + id % 3, 0, 0), make_time(13 + id % 3, 0, 0)
           FROM users CROSS JOIN generate_series(0, 4) AS w WHERE role = 'client'""")
    run("""INSERT INTO breaks (client_id, weekday, starts, ends, name)
           SELECT client_id, weekday, starts + interval '2 hours', starts + interval '135 minutes', 'Kahvi'
           FROM work_days""")
    run(
        """INSERT INTO task_assignments (client_id, task_id, weekday, position)
           SELECT u.id, (u.organisation_id - 1) * :per + (u.id + w + p) % :per + 1, w, p
           FROM users u CROSS JOIN generate_series(0, 4) AS w CROSS JOIN generate_series(1, 2) AS p
           WHERE u.role = 'client'""",
        per=TASKS_PER_ORGANISATION,
    )
    for table in ("organisations", "users", "tasks", "task_steps"):
        run(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    print(f"  people, schedules and tasks: {time.perf_counter() - started:.0f} s", flush=True)

    for first in range(first_client, last_client + 1, SLICE):
        last = min(first + SLICE - 1, last_client)
        for statement in [*HISTORY.values(), *TODAY_SO_FAR]:
            run(statement, first=first, last=last, first_day=FIRST_DAY, today=TODAY)
        print(f"  history of clients {first - coaches}–{last - coaches}: {time.perf_counter() - started:.0f} s", flush=True)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    print(f"  generated and analysed in {time.perf_counter() - started:.0f} s", flush=True)
    with engine.connect() as connection:
        for table in ("attendance", "client_actions", "step_ticks", "self_assessments", "reminders", "contacts"):
            rows = connection.scalar(text(f"SELECT reltuples::bigint FROM pg_class WHERE relname = '{table}'"))
            print(f"  {table}: about {rows:,} rows")
    engine.dispose()


def signed_in(app, user_id: int):
    """A test client holding a device session, as tests/conftest.py signs in
    (a coach as after a passkey sign-in)."""
    with Session(app.extensions["selko.engine"]) as session:
        user = session.get(User, user_id)
        if user.role.value != "client" and not session.scalar(select(Passkey).where(Passkey.user_id == user_id)):
            session.add(Passkey(user_id=user_id, credential_id=os.urandom(16), public_key=b"bench", created_at=clock.now()))
        token = signin.open_device_session(session, user, length=timedelta(hours=12))
        session.commit()
    browser = app.test_client()
    cookie = app.session_interface.get_signing_serializer(app).dumps({"device": token, "_permanent": True})
    browser.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    return browser


def people(url: str, requests: int) -> tuple[list[int], list[int]]:
    """Clients at work today and coaches of such clients, picked at random."""
    engine = create_engine(url)
    with engine.connect() as connection:
        at_work = "FROM attendance a JOIN client_profiles p ON p.user_id = a.client_id WHERE a.date = :today"
        clients = connection.scalars(text(f"SELECT a.client_id {at_work} ORDER BY random() LIMIT :n"), {"today": TODAY, "n": requests}).all()
        coaches = connection.scalars(
            text(f"SELECT coach_id FROM (SELECT DISTINCT p.coach_id {at_work}) AS c ORDER BY random() LIMIT :n"), {"today": TODAY, "n": requests}
        ).all()
    engine.dispose()
    return clients, (coaches * requests)[:requests]  # a small dataset has fewer coaches: some twice


def timed(browser, path: str) -> float:
    started = time.perf_counter()
    assert browser.get(path).status_code == 200, path
    return (time.perf_counter() - started) * 1000


def p50_p95(took: list[float]) -> str:
    return f"{statistics.median(took):>8.1f} {statistics.quantiles(took, n=20)[18]:>8.1f}"


def measure(app, browsers: list, path: str) -> str:
    """SQL statements of one request; p50 and p95 in milliseconds of the first
    person's page asked again and again, then of each person's page once
    (what is in no cache yet)."""
    one = browsers[0]
    for _ in range(5):  # warm: templates, translations, the connection pool
        timed(one, path)
    sent = []
    engine = app.extensions["selko.engine"]
    count = lambda *args: sent.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", count)
    timed(one, path)
    event.remove(engine, "before_cursor_execute", count)
    again = [timed(one, path) for _ in browsers]
    each = [timed(browser, path) for browser in browsers]
    return f"{len(sent):>10} {p50_p95(again)}   {p50_p95(each)}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="measure the data already there")
    arguments = parser.parse_args()
    url = os.environ.get("SELKO_BENCH_DATABASE_URL", DEFAULT_URL)
    clock.now = lambda: NOW.astimezone(ZoneInfo("UTC"))

    print(f"{arguments.clients:,} clients, a year of history until {TODAY:%d.%m.%Y}", flush=True)
    if not arguments.reuse:
        fresh_database(url)
        generate(url, arguments.clients)

    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": tempfile.mkdtemp(), "ORIGIN": "http://localhost"})
    clients, coaches = people(url, arguments.requests)
    pages = [
        ("Today (client)", clients, "/"),
        ("board (20 clients)", coaches, "/coach/"),
        ("month report", coaches, f"/coach/reports/attendance-{TODAY:%Y-%m}"),
    ]
    print(f"\n{arguments.requests} requests a page; ms; 'each' asks for another person's page every time")
    print(f"{'page':<20} {'statements':>10} {'one p50':>8} {'one p95':>8}   {'each p50':>8} {'each p95':>8}")
    for name, user_ids, path in pages:
        browsers = [signed_in(app, user_id) for user_id in user_ids]
        print(f"{name:<20} {measure(app, browsers, path)}", flush=True)


if __name__ == "__main__":
    main()

"""The pages people open most read the rows they show, not a year of history.

On PostgreSQL, a caseload of 20 clients gets a year of work days (check-in,
going home, their presses, ticks, "how did today go"); then every SELECT
that Today, the board and the month report send is run again under EXPLAIN
ANALYZE, and none may read and throw away more than a few rows a client.
Losing an index these pages need (bench/scale.py found them) makes the
planner filter a year of a client's presses or answers instead.
"""

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, insert, text

from selko.models import Attendance, ClientAction, SelfAssessment, StepTick

UTC = ZoneInfo("UTC")
HELSINKI = ZoneInfo("Europe/Helsinki")
CASELOAD = 20
# The tables that grow every work day.
HISTORY = {"attendance", "client_actions", "step_ticks", "self_assessments", "reminders", "contacts", "work_notes", "help_requests", "attendance_corrections"}
# A day's rows are a few a client; a year's are hundreds.
THROWN_AWAY_A_CLIENT = 20


def a_year_of_work_days(session, clients, steps, today: date) -> None:
    """Monday to Friday for a year before today, and today's check-in: plain rows."""
    days = [today - timedelta(days=n) for n in range(365, 0, -1) if (today - timedelta(days=n)).weekday() < 5]
    attendance, presses, ticks, answers = [], [], [], []
    for client in clients:
        for day in days:
            arrived = datetime.combine(day, time(8), HELSINKI).astimezone(UTC)
            left = arrived + timedelta(hours=6)
            attendance.append({"client_id": client.id, "date": day, "arrived_at": arrived, "left_at": left})
            for kind, at in (("arrive", arrived), ("leave", left)):
                presses.append(
                    {
                        "client_id": client.id,
                        "key": str(uuid.uuid4()),
                        "kind": kind,
                        "day": day,
                        "pressed_at": at,
                        "received_at": at,
                        "status": 200,
                        "outcome": "done",
                    }
                )
            ticks.extend({"client_id": client.id, "step_id": step.id, "date": day, "ticked_at": left} for step in steps)
            answers.append(
                {
                    "client_id": client.id,
                    "date": day,
                    "energy": 3,
                    "mind": 2,
                    "skills": 3,
                    "everyday": 2,
                    "work": 3,
                    "wants_to_talk": day.day == 1,
                    "answered_at": left,
                    "talk_handled_at": left + timedelta(days=1),
                }
            )
        arrived = datetime.combine(today, time(8), HELSINKI).astimezone(UTC)
        attendance.append({"client_id": client.id, "date": today, "arrived_at": arrived, "left_at": None})
        presses.append(
            {
                "client_id": client.id,
                "key": str(uuid.uuid4()),
                "kind": "arrive",
                "day": today,
                "pressed_at": arrived,
                "received_at": arrived,
                "status": 200,
                "outcome": "done",
            }
        )
    for table, rows in ((Attendance, attendance), (ClientAction, presses), (StepTick, ticks), (SelfAssessment, answers)):
        session.execute(insert(table), rows)
    session.commit()
    session.execute(text("ANALYZE"))  # the planner sees the tables as they are, as autovacuum would make it
    session.commit()


def thrown_away(plan: dict) -> int:
    """Rows of history tables the plan read and then dropped by a condition.
    Small tables (a client's five work days) are rightly read whole."""
    removed = 0
    if plan.get("Relation Name") in HISTORY:
        removed = (plan.get("Rows Removed by Filter", 0) + plan.get("Rows Removed by Index Recheck", 0)) * plan["Actual Loops"]
    return removed + sum(thrown_away(child) for child in plan.get("Plans", []))


def most_thrown_away(app, browser, url) -> tuple[int, str]:
    """The SELECT of the page that throws most rows away, and how many."""
    engine = app.extensions["selko.engine"]
    sent = []
    listener = lambda conn, cursor, statement, parameters, *args: sent.append((statement, parameters))  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert browser.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    worst = (0, "")
    with engine.connect() as connection:
        for statement, parameters in sent:
            if statement.lstrip().upper().startswith("SELECT"):
                [(plan,)] = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", parameters).all()
                worst = max(worst, (thrown_away(plan[0]["Plan"]), statement))
        connection.rollback()
    return worst


def test_today_the_board_and_the_month_report_read_no_year_of_history(app, database_url, make, session, client_factory, sign_in, now):
    if not database_url.startswith("postgresql"):
        pytest.skip("the plans that matter are PostgreSQL's (SELKO_TEST_DATABASE_URL)")
    coach = make.coach()
    task = make.task(organisation_id=coach.organisation_id)
    clients = [make.client(coach=coach, name=f"Asiakas {n:02d}") for n in range(CASELOAD)]
    for client in clients:
        for weekday in range(5):
            make.assignment(client=client, task=task, weekday=weekday)
    today = now.value.date()
    a_year_of_work_days(session, clients, task.steps, today)

    pages = [
        (clients[0], "/", 1),
        (coach, "/coach/", CASELOAD),
        (coach, f"/coach/reports/attendance-{today:%Y-%m}", CASELOAD),
    ]
    for user, url, shown in pages:
        removed, statement = most_thrown_away(app, sign_in(client_factory(), user).http, url)
        assert removed <= THROWN_AWAY_A_CLIENT * shown, f"{url} read {removed} rows it did not need:\n{statement}"

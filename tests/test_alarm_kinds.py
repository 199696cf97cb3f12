"""The kinds and statuses of alarms have one home, selko/alarms/kinds.py:
the model's columns, the schedule's events and the worker's counts follow it."""

import re
from collections import Counter
from datetime import date, time

from sqlalchemy import Boolean

from selko.alarms.batch import Outcome
from selko.alarms.kinds import FINISHED, SCHEDULE_KINDS, Kind, Status
from selko.day import schedule
from selko.models import ClientProfile, Reminder
from tests.conftest import html_of, visible_text


def test_every_kind_the_client_can_turn_off_has_its_column_on_the_profile():
    columns = ClientProfile.__table__.columns
    for kind in SCHEDULE_KINDS:
        assert kind.column in columns, f"ClientProfile.{kind.column} is missing"
        assert isinstance(columns[kind.column].type, Boolean) and columns[kind.column].default.arg is True, "rings until the client turns it off"
    assert all(kind.column is None for kind in Kind if kind not in SCHEDULE_KINDS)
    assert {c.name for c in columns if c.name.startswith("alarm_")} == {kind.column for kind in SCHEDULE_KINDS}, "no column without its kind"


def test_the_schedules_events_are_the_kinds_planned_from_it():
    plan = schedule.DayPlan(date(2026, 11, 23), time(8), time(14), [schedule.BreakTime(time(10), time(10, 15))])
    events = schedule.events(plan)
    assert all(type(event.kind) is Kind for event in events)
    assert {event.kind for event in events} == set(SCHEDULE_KINDS)


def test_every_kind_and_status_fits_its_column():
    assert max(len(kind) for kind in Kind) <= Reminder.__table__.columns["kind"].type.length
    assert max(len(status) for status in Status) <= Reminder.__table__.columns["status"].type.length


def test_the_workers_outcome_counts_every_finished_status_by_its_name():
    for status in FINISHED:
        outcome = Outcome(Counter({status: 2}), retried=1)
        assert getattr(outcome, status) == 2
        assert outcome.claimed == 3
        assert sum(getattr(outcome, other) for other in FINISHED) == 2


def test_the_clients_choices_show_on_both_phones(make, client_factory, sign_in):
    coach = make.coach(language="en")
    client = make.client(coach=coach, language="en")
    phone = sign_in(client_factory(), client)
    phone.post("/alarms", {"break_start": "1", "work_end": "1"})

    page = html_of(phone.get("/alarms"))  # which boxes are ticked
    assert re.findall(r'name="(\w+)" value="1" checked', page) == ["break_start", "work_end"]
    coach_page = visible_text(sign_in(client_factory(), coach).get(f"/coach/clients/{client.id}/phones"))
    assert "Alarms the client chose: When a break starts. When work ends." in coach_page

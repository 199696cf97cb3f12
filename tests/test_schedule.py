"""The day plan from the weekly schedule, its exceptions, what comes next, the break bar."""

from datetime import date, time, timedelta

import pytest

from selko import clock
from selko.day import schedule
from selko.day.schedule import BreakTime, DayPlan
from selko.models import ScheduleException

MONDAY = date(2026, 11, 23)
PLAN = DayPlan(MONDAY, time(8), time(14), [BreakTime(time(10), time(10, 15), "Coffee"), BreakTime(time(11, 30), time(12), "Lunch")])


def test_the_next_event_of_the_day():
    assert schedule.next_event(PLAN, time(7)).kind == "work_start"
    assert schedule.next_event(PLAN, time(9, 59)) == schedule.Event("break_start", time(10), "Coffee")
    assert schedule.next_event(PLAN, time(10)) == schedule.Event("break_end", time(10, 15), "Coffee")
    assert schedule.next_event(PLAN, time(12)).kind == "work_end"
    assert schedule.next_event(PLAN, time(14)) is None


@pytest.mark.parametrize(
    "now, expected",
    [
        (time(7, 0), ("Coffee", False, 180, 180)),  # before work: the whole wait counts
        (time(9, 0), ("Coffee", False, 60, 120)),
        (time(10, 5), ("Coffee", True, 10, 15)),
        (time(10, 15), ("Lunch", False, 75, 75)),
        (time(11, 45), ("Lunch", True, 15, 30)),
        (time(12, 0), None),
    ],
)
def test_the_break_bar_shows_time_left(now, expected):
    bar = schedule.break_bar(PLAN, now)
    got = None if bar is None else (bar.brk.name, bar.on_break, bar.minutes_left, bar.minutes_total)
    assert got == expected


def test_the_weekly_schedule_and_its_exceptions(make, session):
    client = make.client(works=[0], hours=(time(8), time(14)), breaks=((time(10), time(10, 15), "Coffee"),))
    assert schedule.day_plan(session, client.id, MONDAY).starts == time(8)
    assert not schedule.day_plan(session, client.id, date(2026, 11, 24)).works
    session.add(ScheduleException(client_id=client.id, date=MONDAY, day_off=True, note="Closed"))
    session.add(ScheduleException(client_id=client.id, date=date(2026, 11, 24), starts=time(9), ends=time(11)))
    session.commit()
    assert schedule.day_plan(session, client.id, MONDAY) == DayPlan(MONDAY, note="Closed")
    tuesday = schedule.day_plan(session, client.id, date(2026, 11, 24))
    assert (tuesday.starts, tuesday.ends, tuesday.breaks) == (time(9), time(11), [])
    assert schedule.day_plan(session, client.id, date(2026, 11, 30)).breaks == [BreakTime(time(10), time(10, 15), "Coffee")]


def test_the_local_day_follows_the_organisations_time_zone(make, now):
    from datetime import datetime, timezone

    organisation = make.organisation()
    now.set(datetime(2026, 11, 22, 22, 30, tzinfo=timezone.utc))  # 00.30 on Monday in Helsinki
    assert clock.local_now(organisation).date() == MONDAY


@pytest.mark.parametrize("typed, expected", [("8", time(8)), ("8.00", time(8)), ("08:30", time(8, 30)), (" 14.05 ", time(14, 5))])
def test_times_as_people_type_them(typed, expected):
    assert schedule.parse_time(typed) == expected


@pytest.mark.parametrize("typed", ["", "8.5", "24", "8.60", "x", "8:00 pm", "-1"])
def test_times_that_are_not_times(typed):
    with pytest.raises(ValueError):
        schedule.parse_time(typed)


def test_plans_for_weeks_are_the_plans_of_each_day(make, session):
    client = make.client(works=[0, 2, 4], breaks=((time(10), time(10, 15), "Coffee"),))
    session.add(ScheduleException(client_id=client.id, date=date(2026, 11, 25), day_off=True))
    session.add(ScheduleException(client_id=client.id, date=date(2026, 11, 28), starts=time(9), ends=time(12)))
    session.commit()
    first = date(2026, 11, 23)
    days = [first + timedelta(days=n) for n in range(14)]
    assert schedule.plans_between(session, client.id, first, first + timedelta(days=14)) == [schedule.day_plan(session, client.id, d) for d in days]


@pytest.mark.parametrize(
    "day, name",
    [
        (date(2026, 12, 25), "Joulupäivä"),
        (date(2027, 1, 1), "Uudenvuodenpäivä"),
        (date(2027, 3, 26), "Pitkäperjantai"),
        (date(2026, 12, 24), "Jouluaatto"),  # the usual closed eve
    ],
)
def test_a_public_holiday_is_a_day_off_named_for_the_client(make, session, day, name):
    client = make.client(works=range(7))
    assert schedule.day_plan(session, client.id, day) == DayPlan(day, note=name)
    assert schedule.day_plan(session, client.id, day + timedelta(days=7)).works or schedule.holiday(day + timedelta(days=7))


def test_the_coach_can_make_a_holiday_a_work_day_for_one_client(make, session):
    client, other = make.client(), make.client(name="Other")
    christmas = date(2026, 12, 25)
    session.add(ScheduleException(client_id=client.id, date=christmas, starts=time(9), ends=time(12)))
    session.commit()
    assert (schedule.day_plan(session, client.id, christmas).starts, schedule.day_plan(session, client.id, christmas).ends) == (time(9), time(12))
    assert not schedule.day_plan(session, other.id, christmas).works
    plans = schedule.day_plans(session, [client.id, other.id], christmas)
    assert plans[client.id].works and not plans[other.id].works


def test_no_alarms_are_planned_on_a_holiday(make, session):
    from selko.alarms.planning import plan_day

    client = make.client()
    assert plan_day(session, client, date(2026, 12, 25)) == []
    assert plan_day(session, client, date(2026, 12, 28)) != [], "the Monday after is a work day"

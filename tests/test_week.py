"""The client sees tomorrow on Today, and the week in the same plain form the family sees."""

from datetime import date, time

import pytest

from selko.models import ScheduleException
from tests.conftest import visible_text


@pytest.fixture
def aino(make):
    return make.client(name="Aino", language="en", works=range(5))


def test_today_says_tomorrows_hours(aino, sign_in, web):
    today = visible_text(sign_in(web, aino).get("/"))
    assert "Tomorrow is Tuesday 24 November. Work starts at 8:00. Work ends at 14:00." in today


def test_a_day_off_tomorrow_says_so_with_the_coachs_note_and_the_next_work_day(aino, session, sign_in, web):
    for day in (date(2026, 11, 24), date(2026, 11, 25)):
        session.add(ScheduleException(client_id=aino.id, date=day, day_off=True, note="Stocktaking at the café"))
    session.add(ScheduleException(client_id=aino.id, date=date(2026, 11, 26), starts=time(10), ends=time(13)))
    session.commit()
    today = visible_text(sign_in(web, aino).get("/"))
    assert "Tomorrow is a day off. Stocktaking at the café" in today
    assert "Your next work day is Thursday 26 November. Work starts at 10:00." in today


def test_the_week_shows_each_day_with_the_coachs_note(aino, session, sign_in, web, make):
    task = make.task(organisation_id=aino.organisation_id, title="Wash the dishes")
    make.assignment(client=aino, task=task)
    session.add(ScheduleException(client_id=aino.id, date=date(2026, 11, 26), day_off=True, note="Stocktaking at the café"))
    session.commit()
    week = visible_text(sign_in(web, aino).get("/week"))
    assert "This week" in week and "Next week" in week
    assert "Monday 23 November: work 8:00–14:00 Kahvi 10:00–10:15 Tasks: Wash the dishes" in week
    assert "Thursday 26 November: day off Stocktaking at the café" in week
    assert "Sunday 6 December: day off (Independence Day)" in week

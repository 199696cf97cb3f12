"""Attendance that comes out right: going home early asks, can be undone,
a check-in outside the hours is marked for the coach, and the goodbye fits the hour."""

from datetime import time

import pytest
from sqlalchemy import select

from selko.models import Attendance
from selko.words.labels import goodbye
from tests.conftest import at, visible_text

MONDAY = "2026-11-23"


def day_of(session, client) -> Attendance | None:
    session.expire_all()
    return session.scalar(select(Attendance).where(Attendance.client_id == client.id))


def test_going_home_early_asks_once_and_goes_home_only_when_sure(pair, session, now):
    desk, phone, client = pair
    phone.post("/arrive", {"day": MONDAY})
    now.set(at(10, 35))
    asked = visible_text(phone.post("/leave", {"day": MONDAY}))
    assert "Are you going home now? Work ends at 14:00." in asked
    assert day_of(session, client).left_at is None
    phone.post("/leave", {"day": MONDAY, "sure": "1"})
    assert day_of(session, client).left_at == at(10, 35)
    assert "Left early: work ends at 14:00." in visible_text(desk.get("/coach/"))


def test_going_home_near_the_end_does_not_ask_and_is_not_flagged(pair, session, now):
    desk, phone, client = pair
    phone.post("/arrive", {"day": MONDAY})
    now.set(at(13, 50))
    phone.post("/leave", {"day": MONDAY})
    assert day_of(session, client).left_at == at(13, 50)
    assert "Left early" not in visible_text(desk.get("/coach/"))


def test_going_home_can_be_undone_for_five_minutes(pair, session, now):
    desk, phone, client = pair
    phone.post("/arrive", {"day": MONDAY})
    now.set(at(13, 50))
    phone.post("/leave", {"day": MONDAY})
    now.set(at(13, 54))
    assert "Did you press it by mistake?" in visible_text(phone.get("/"))
    phone.post("/leave/undo", {"day": MONDAY})
    assert day_of(session, client).left_at is None and day_of(session, client).arrived_at is not None

    phone.post("/leave", {"day": MONDAY})
    now.set(at(14, 0))
    assert "Did you press it by mistake?" not in visible_text(phone.get("/"))
    refused = phone.post("/leave/undo", {"day": MONDAY})
    assert refused.status_code == 400 and "too late" in visible_text(refused)
    assert day_of(session, client).left_at == at(13, 54)


@pytest.mark.parametrize("hour, minute, marked", [(22, 0, True), (5, 30, True), (6, 0, False), (7, 30, False), (14, 0, False)])
def test_a_check_in_outside_the_hours_is_marked_for_the_coach(pair, session, now, hour, minute, marked, sign_in, client_factory):
    _, _, client = pair
    now.set(at(hour, minute))
    sign_in(client_factory(), client).post("/arrive", {"day": MONDAY})
    assert day_of(session, client).arrived_at == at(hour, minute), "recorded all the same"
    board = visible_text(sign_in(client_factory(), client.client_profile.coach).get("/coach/"))
    assert ("Checked in outside work hours (8:00–14:00)." in board) is marked


@pytest.mark.parametrize(
    "hour, words", [(8, "Have a good day!"), (13, "Have a good afternoon!"), (19, "Have a good evening!"), (23, "Good night!"), (3, "Good night!")]
)
def test_the_goodbye_fits_the_time_of_day(app, hour, words):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        from flask import g

        g.page_language = "en"
        assert goodbye(time(hour)) == words

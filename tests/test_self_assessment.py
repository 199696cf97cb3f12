"""How did today go, over the weeks: each area's answers by ISO week for the
coach's chart, and the client's own "mostly 🙂" over the last weeks."""
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from selko import self_assessment
from selko.self_assessment import AREAS, by_week, lately, typical_face

MONDAY = date(2026, 11, 23)  # the frozen today (tests/conftest.py), ISO week 48
SAD, SO_SO, HAPPY = 1, 2, 3


def answer(session, client, day, face=SO_SO, **faces):
    """One day's answers: every area `face`, unless named otherwise."""
    self_assessment.save(session, client.id, day, dict.fromkeys(AREAS, face) | faces, wants_to_talk=False)
    session.commit()


@pytest.fixture
def client(make):
    return make.client()


def test_it_gives_twelve_iso_weeks_oldest_first_with_this_week_last(session, client):
    weeks = by_week(session, client.id, MONDAY + timedelta(days=3))
    assert len(weeks) == 12
    assert [w.monday.weekday() for w in weeks] == [0] * 12
    assert weeks[-1].monday == MONDAY and weeks[-1].number == 48
    assert weeks[0].monday == date(2026, 9, 7) and weeks[0].number == 37
    assert weeks[0].sunday == date(2026, 9, 13)


def test_a_client_with_no_answers_has_twelve_gaps(session, client):
    weeks = by_week(session, client.id, MONDAY)
    assert all(w.answers == 0 for w in weeks)
    assert all(w.typical(area) is None for w in weeks for area in AREAS)
    assert lately(weeks) == {}


def test_a_week_without_answers_is_a_gap_not_a_zero(session, client):
    answer(session, client, MONDAY - timedelta(weeks=2), HAPPY)
    answer(session, client, MONDAY, SAD)
    *_, two_ago, last_week, this_week = by_week(session, client.id, MONDAY)
    assert (two_ago.answers, two_ago.typical("mind")) == (1, HAPPY)
    assert (last_week.answers, last_week.typical("mind")) == (0, None)
    assert (this_week.answers, this_week.typical("mind")) == (1, SAD)


def test_a_mixed_week_shows_its_most_common_face_and_how_many_answers(session, client):
    last_monday = MONDAY - timedelta(weeks=1)
    for offset, mind in enumerate([SAD, HAPPY, HAPPY, SO_SO, HAPPY]):
        answer(session, client, last_monday + timedelta(days=offset), SO_SO, mind=mind)
    last_week = by_week(session, client.id, MONDAY)[-2]
    assert last_week.answers == 5
    assert last_week.faces["mind"] == (SAD, HAPPY, HAPPY, SO_SO, HAPPY), "day by day"
    assert last_week.typical("mind") == HAPPY
    assert last_week.typical("energy") == SO_SO


def test_a_tie_goes_to_the_sadder_face():
    assert typical_face((HAPPY, SAD)) == SAD
    assert typical_face((HAPPY, SO_SO, HAPPY, SO_SO)) == SO_SO
    assert typical_face((SAD, SO_SO, HAPPY)) == SAD
    assert typical_face((HAPPY, HAPPY, SAD)) == HAPPY
    assert typical_face(()) is None


def test_the_window_is_the_twelve_weeks_from_monday_to_sunday(session, client, make):
    first_monday = date(2026, 9, 7)
    answer(session, client, first_monday - timedelta(days=1), SAD)  # Sunday before: outside
    answer(session, client, first_monday, HAPPY)  # the first day inside
    answer(session, client, first_monday + timedelta(days=6), SO_SO)  # the first Sunday, same week
    answer(session, client, MONDAY, HAPPY)  # today
    answer(session, client, MONDAY + timedelta(days=6), SAD)  # this week's Sunday (not made in life, but this week)
    answer(session, client, MONDAY + timedelta(days=7), SAD)  # next week: outside
    other = make.client(name="Someone else")
    answer(session, other, MONDAY - timedelta(weeks=1), SAD)  # another client's answers: never mixed in
    weeks = by_week(session, client.id, MONDAY)
    assert weeks[0].faces["work"] == (HAPPY, SO_SO)
    assert weeks[-1].faces["work"] == (HAPPY, SAD)
    assert sum(w.answers for w in weeks) == 4


def test_it_asks_the_database_once(session, client, app):
    for offset in range(0, 80, 3):
        answer(session, client, MONDAY - timedelta(days=offset))
    client_id = client.id
    statements = []
    engine = app.extensions["selko.engine"]

    def count(connection, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        weeks = by_week(session, client_id, MONDAY)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1, statements
    assert sum(w.answers for w in weeks) == 26, "every third day back to 7.9., the first Monday"


def test_the_client_sees_each_areas_most_common_face_over_the_last_weeks(session, client):
    # Four weeks ago, outside the client's four weeks: all sad.
    answer(session, client, MONDAY - timedelta(weeks=4), SAD)
    # Then the mind gets better, the body stays so-so, the people at work are mixed.
    answer(session, client, MONDAY - timedelta(weeks=3), SO_SO, mind=SAD, work=HAPPY)
    answer(session, client, MONDAY - timedelta(weeks=2), SO_SO, mind=HAPPY, work=SAD)
    answer(session, client, MONDAY - timedelta(weeks=1), SO_SO, mind=HAPPY, work=HAPPY)
    answer(session, client, MONDAY, SO_SO, mind=HAPPY, work=SAD)
    weeks = by_week(session, client.id, MONDAY, weeks=self_assessment.WEEKS_FOR_CLIENT)
    assert lately(weeks) == {"energy": SO_SO, "mind": HAPPY, "skills": SO_SO, "everyday": SO_SO, "work": SAD}


def test_the_client_sees_nothing_from_too_few_answers(session, client):
    answer(session, client, MONDAY - timedelta(weeks=1), HAPPY)
    answer(session, client, MONDAY, HAPPY)
    assert lately(by_week(session, client.id, MONDAY, weeks=4)) == {}
    answer(session, client, MONDAY - timedelta(days=1), HAPPY)
    assert lately(by_week(session, client.id, MONDAY, weeks=4)) == dict.fromkeys(AREAS, HAPPY)

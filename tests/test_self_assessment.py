"""How did today go, over the weeks: each area's answers by ISO week for the
coach's chart, and the client's own "mostly 🙂" over the last weeks."""

import uuid
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import event

from selko.day import self_assessment
from selko.day.self_assessment import AREAS, by_week, lately, typical_face
from tests.conftest import html_of, visible_text

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


class ChartAndTable(HTMLParser):
    """The faces the coach's chart draws and the faces its table writes, as
    {(area, week number): face}, and each table row's number of answers."""

    def __init__(self, html: str):
        super().__init__()
        self.chart, self.table, self.answers = {}, {}, {}
        self._area = self._week = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "g" and "data-area" in attrs:
            self._area = attrs["data-area"]
        elif tag == "use" and self._area:
            self.chart[(self._area, int(attrs["data-week"]))] = int(attrs["data-face"])
        elif tag == "tr" and "data-week" in attrs:
            self._week = int(attrs["data-week"])
        elif tag == "td" and "data-answers" in attrs:
            self.answers[self._week] = int(attrs["data-answers"])
        elif tag == "td" and "data-face" in attrs:
            self.table[(attrs["data-area"], self._week)] = int(attrs["data-face"])

    def handle_endtag(self, tag):
        if tag == "g":
            self._area = None


@pytest.fixture
def coach(make):
    return make.coach(name="Sanna", language="en")


def test_the_coachs_chart_and_table_show_the_same_answers(web, sign_in, make, session, coach):
    aino = make.client(coach=coach, name="Aino")
    # Week 46: a mixed week; week 47: nothing; week 48 (this week): today.
    for offset, mind in enumerate([SAD, HAPPY, HAPPY]):
        answer(session, aino, date(2026, 11, 9) + timedelta(days=offset), SO_SO, mind=mind)
    answer(session, aino, MONDAY, HAPPY, work=SAD)
    page = sign_in(web, coach).get(f"/coach/clients/{aino.id}/self-assessment")
    assert page.status_code == 200
    html = html_of(page)  # the chart is drawn markup
    assert 'role="img"' in html and 'aria-labelledby="sa-chart-title"' in html
    drawn = ChartAndTable(html)
    assert drawn.chart == drawn.table
    assert drawn.chart == {
        **{(area, 46): SO_SO for area in AREAS},
        ("mind", 46): HAPPY,
        **{(area, 48): HAPPY for area in AREAS},
        ("work", 48): SAD,
    }
    assert drawn.answers == dict.fromkeys(range(37, 49), 0) | {46: 3, 48: 1}
    words = visible_text(page)
    assert "Week 47 16.11.2026–22.11.2026 No answers" in words, "a gap, said in words"
    assert "Week 46 9.11.2026–15.11.2026 3 So-so Good So-so So-so So-so" in words
    assert html.count('src="/pictures/17.0.0/1F610.svg"') >= 4, "the faces are OpenMoji's pictures, not the phone's"


def test_the_coach_reads_that_there_are_no_answers(web, sign_in, make, coach):
    aino = make.client(coach=coach, name="Aino")
    page = sign_in(web, coach).get(f"/coach/clients/{aino.id}/self-assessment")
    words = visible_text(page)
    assert "Self-assessment by week No answers in the last 12 weeks." in words
    assert "<svg" not in html_of(page), "no empty chart"


def test_the_client_reads_their_last_weeks_after_answering(web, sign_in, make, session):
    aino = make.client(language="en")
    # Six weeks ago (outside the four): all sad. Then the mind gets better.
    answer(session, aino, MONDAY - timedelta(weeks=6), SAD)
    for days_ago, mind in [(23, SAD), (16, SO_SO), (9, HAPPY), (2, HAPPY), (1, HAPPY)]:
        answer(session, aino, MONDAY - timedelta(days=days_ago), SO_SO, mind=mind, work=HAPPY)
    phone = sign_in(web, aino)
    form = phone.get("/today-went")
    assert "lately" not in visible_text(form), "shown after answering, not before"
    sent = phone.post("/today-went", dict.fromkeys(AREAS, "2") | {"day": MONDAY.isoformat(), "action_key": str(uuid.uuid4())})
    assert sent.status_code == 303
    words = visible_text(phone.get(sent.headers["Location"]))
    assert (
        "How your last 4 weeks went Body: mostly so-so. Mind: mostly good. Work tasks: mostly so-so. "
        "Everyday things: mostly so-so. People at work: mostly good. Back to today"
    ) in words


def test_the_client_reads_nothing_about_weeks_from_one_answer(web, sign_in, make):
    aino = make.client(language="en")
    phone = sign_in(web, aino)
    phone.post("/today-went", dict.fromkeys(AREAS, "3") | {"day": MONDAY.isoformat(), "action_key": str(uuid.uuid4())})
    page = phone.get("/today-went/thanks")
    assert page.status_code == 200 and "mostly" not in visible_text(page)


def test_the_demo_shows_aino_twelve_weeks_with_her_mind_getting_better(app, session, now):
    from selko import demo

    with app.app_context():
        _, aino = demo.load(session)
        session.commit()
        demo.load(session)  # again: nothing more is made
        session.commit()
    weeks = by_week(session, aino.id, MONDAY)
    answered = [w for w in weeks if w.answers]
    assert len(answered) >= 10 and sum(w.answers for w in weeks) >= 35, "most work days of the 12 weeks"
    assert any(not w.answers for w in weeks[:-1]), "a holiday: a gap in the chart"
    mind = [w.typical("mind") for w in answered]
    assert mind[0] == SAD and mind[-1] == HAPPY
    assert weeks[-1].answers == 0, "today is Aino's to answer"

"""The coach's records across days, through the pages: the register, its
corrections, the monthly report as CSV, the work diary, the compensation."""

import csv
import io
import re
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from selko.day import attendance
from selko.models import Attendance, AttendanceCorrection, AuditEvent, Organisation, Role, WorkNote
from tests.conftest import at, html_of, visible_text

NOVEMBER = "/attendance-2026-11"


@pytest.fixture
def coach(make):
    return make.coach(name="Sanna", language="en")


@pytest.fixture
def desk(web, sign_in, coach):
    return sign_in(web, coach)


@pytest.fixture
def aino(make, coach, session):
    client = make.client(coach=coach, name="Aino", language="en")
    client.client_profile.started_on = date(2026, 11, 1)
    session.commit()
    return client


def read_csv(response) -> list[list[str]]:
    body = response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_the_month_shows_every_day_and_its_totals(desk, aino, session):
    attendance.arrive(session, aino.id, date(2026, 11, 2), at=at(8, day=2))
    attendance.leave(session, aino.id, date(2026, 11, 2), at=at(14, day=2))
    session.commit()
    page = desk.get(f"/coach/clients/{aino.id}{NOVEMBER}")
    assert page.status_code == 200
    words = visible_text(page)
    assert "Monday 2 November Present 8:00–14:00" in words
    assert "Tuesday 3 November Nothing recorded" in words, "not absent: nobody said so"
    assert "Tuesday 24 November Still to come" in words, "days to come are never absent"
    assert "Days present 1" in words and "Hours 6" in words
    assert "The month is not over" in words


def test_another_coachs_client_and_a_month_that_cannot_be_are_not_found(make, desk, aino, sign_in, client_factory):
    other = sign_in(client_factory(), make.coach(name="Other"))
    assert other.get(f"/coach/clients/{aino.id}{NOVEMBER}").status_code == 404
    assert other.get(f"/coach/clients/{aino.id}{NOVEMBER}.csv").status_code == 404
    assert other.get(f"/coach/clients/{aino.id}/attendance/2026-11-02").status_code == 404
    assert desk.get(f"/coach/clients/{aino.id}/attendance-2026-13").status_code == 404
    assert desk.get(f"/coach/clients/{aino.id}/attendance/2026-02-30").status_code == 404
    assert "Aino" not in visible_text(other.get("/coach/reports/attendance-2026-11"))


def test_the_coach_fills_a_missed_day_and_the_history_keeps_the_clients_entry(desk, aino, session, sign_in, client_factory):
    sign_in(client_factory(), aino).post("/arrive", {"day": "2026-11-23"})  # at 9.30, the frozen now
    response = desk.post(f"/coach/clients/{aino.id}/attendance/2026-11-23", {"state": "times", "arrived": "8.00"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{NOVEMBER}#day-2026-11-23")
    month = visible_text(desk.get(response.headers["Location"]))
    assert "Monday 23 November Present Changed by Sanna" in month and "Saved: 23.11.2026." in month
    day = visible_text(desk.get(f"/coach/clients/{aino.id}/attendance/2026-11-23"))
    assert "What the client pressed Arrived: 9:30" in day
    assert "9:30–… → 8:00–…" in day, "the client's own entry, then the coach's"

    desk.post(f"/coach/clients/{aino.id}/attendance/2026-11-03", {"state": "times", "arrived": "8.00", "left": "14.00"})
    assert "Tuesday 3 November Present" in visible_text(desk.get(f"/coach/clients/{aino.id}{NOVEMBER}"))
    desk.post(f"/coach/clients/{aino.id}/attendance/2026-11-04", {"state": "word"})
    desk.post(f"/coach/clients/{aino.id}/attendance/2026-11-05", {"state": "absent", "reason": "doctor"})
    words = visible_text(desk.get(f"/coach/clients/{aino.id}{NOVEMBER}"))
    assert "Wednesday 4 November Present (on the coach's word)" in words
    assert "Thursday 5 November Absent: Doctor's appointment" in words
    session.expire_all()
    assert session.scalar(select(Attendance.present_by_word).where(Attendance.date == date(2026, 11, 4)))


@pytest.mark.parametrize(
    "form, words",
    [
        ({"state": "times", "arrived": "8.61"}, "Write times like 8.00 or 14.30."),
        ({"state": "times", "arrived": "14.00", "left": "8.00"}, "The client cannot leave before arriving."),
        ({"state": "absent", "reason": "holiday"}, "Choose a reason for the absence."),
        ({"state": "absent", "reason": "ill", "arrived": "8.00"}, "An absent day has no arrival"),
        ({"state": "sideways"}, "Choose what the day was."),
    ],
)
def test_a_wrong_correction_says_why_and_changes_nothing(desk, aino, session, form, words):
    response = desk.post(f"/coach/clients/{aino.id}/attendance/2026-11-03", form)
    assert response.status_code == 400 and words in visible_text(response)
    assert 'value="' + form.get("arrived", "") + '"' in html_of(response), "what was typed stays in its field"
    session.expire_all()
    assert session.scalar(select(Attendance)) is None and session.scalar(select(AttendanceCorrection)) is None


def test_a_day_still_to_come_cannot_be_recorded(desk, aino, session):
    response = desk.post(f"/coach/clients/{aino.id}/attendance/2026-11-24", {"state": "word"})
    assert response.status_code == 400 and "A day still to come" in visible_text(response)
    session.expire_all()
    assert session.scalar(select(Attendance)) is None


def test_the_caseload_csv_opens_in_finnish_excel_and_adds_up(make, coach, desk, aino, session):
    mikko = make.client(coach=coach, name="Mikko", language="en")
    mikko.client_profile.started_on = date(2026, 11, 1)
    session.get(Organisation, coach.organisation_id).daily_compensation = Decimal("8.50")
    for client, days in ((aino, (2, 3, 4)), (mikko, (2,))):
        for n in days:
            attendance.arrive(session, client.id, date(2026, 11, n), at=at(8, day=n))
            attendance.leave(session, client.id, date(2026, 11, n), at=at(14, 30, day=n))
    attendance.arrive(session, mikko.id, date(2026, 11, 3), at=at(8, day=3))
    attendance.leave(session, mikko.id, date(2026, 11, 3), at=at(10, day=3))  # a half day
    session.commit()
    header, *rows = read_csv(desk.get("/coach/reports/attendance-2026-11.csv"))
    by_name = {row[0]: dict(zip(header, row)) for row in rows}
    assert by_name["Aino"]["Days present"] == "3" and by_name["Aino"]["Hours"] == "19,50"
    assert by_name["Aino"]["Compensation (€)"] == "25,50", "3 × 8,50 €"
    assert by_name["Mikko"]["Of them half days"] == "1" and by_name["Mikko"]["Compensation (€)"] == "12,75"

    days = read_csv(desk.get(f"/coach/clients/{aino.id}{NOVEMBER}.csv"))
    assert days[2][:5] == ["2.11.2026", "Present", "8:00", "14:30", "6,50"]
    assert sum(1 for row in days[1:] if row[1] == "Present") == int(by_name["Aino"]["Days present"])

    page = visible_text(desk.get("/coach/reports/attendance-2026-11"))
    assert "All together 5 1" in page and "€38.25" in page
    printable = html_of(desk.get("/coach/reports/attendance-2026-11/print"))
    assert printable.count('class="print-page"') == 2, "a printed page for each client"


def test_the_diary_note_shown_to_the_client_is_on_their_today(desk, aino, session, sign_in, client_factory):
    phone = sign_in(client_factory(), aino)
    desk.post(f"/coach/clients/{aino.id}/diary", {"day": "2026-11-23", "text": "Kept to herself today."})
    assert "Kept to herself" not in visible_text(phone.get("/")), "the coach's own note"
    response = desk.post(f"/coach/clients/{aino.id}/diary", {"day": "2026-11-23", "text": "Good work with the dishes.", "shown": "1"})
    assert response.status_code == 303
    today = visible_text(phone.get("/"))
    assert "Your coach wrote to you Good work with the dishes." in today and "Kept to herself" not in today
    session.expire_all()
    assert len(session.scalars(select(WorkNote)).all()) == 1, "one note a day: writing it again replaces it"
    diary = visible_text(desk.get(f"/coach/clients/{aino.id}/diary"))
    assert "Monday 23 November – Sanna Shown to the client" in diary


@pytest.mark.parametrize(
    "form, words",
    [
        ({"day": "2026-11-24", "text": "Tomorrow."}, "A note is for today or a day before it."),
        ({"day": "yesterday", "text": "x"}, "Give the date as a date."),
        ({"day": "2026-11-23", "text": "   "}, "Write the note."),
        ({"day": "2026-11-23", "text": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_a_wrong_note_says_why_and_is_not_saved(desk, aino, session, form, words):
    response = desk.post(f"/coach/clients/{aino.id}/diary", form)
    assert response.status_code == 400 and words in visible_text(response)
    assert re.search(r'<div class="error-summary" role="alert"', html_of(response)), "said as an alert"
    session.expire_all()
    assert session.scalar(select(WorkNote)) is None


def test_the_admin_sets_the_daily_compensation(make, coach, session, sign_in, client_factory):
    coach.role = Role.admin
    session.commit()
    admin = sign_in(client_factory(), coach)
    for amount in ("13", "abc", "8,505", "-1", "NaN"):
        response = admin.post("/admin/compensation", {"amount": amount, "half": "1"})
        assert response.status_code == 400, amount
        assert f'value="{amount}"' in html_of(response), "what was typed stays in its field"
    session.expire_all()
    assert session.get(Organisation, coach.organisation_id).daily_compensation == 0
    assert admin.post("/admin/compensation", {"amount": "8,50"}).status_code == 303
    session.expire_all()
    organisation = session.get(Organisation, coach.organisation_id)
    assert organisation.daily_compensation == Decimal("8.50") and organisation.half_day_counts_half is False
    assert "Daily compensation saved." in visible_text(admin.get("/admin/"))


def test_an_admin_reads_the_whole_organisations_report(make, coach, session, sign_in, client_factory):
    aino = make.client(coach=coach, name="Aino")
    other_coach = make.coach(organisation=session.get(Organisation, coach.organisation_id), name="Pekka")
    make.client(coach=other_coach, name="Bertta")
    elsewhere = make.client(name="Stranger")
    coach.role = Role.admin
    session.commit()
    rows = read_csv(sign_in(client_factory(), coach).get("/admin/reports/attendance-2026-11.csv"))
    assert sorted(row[0] for row in rows[1:]) == ["Aino", "Bertta"]
    assert sign_in(client_factory(), other_coach).get("/admin/reports/attendance-2026-11.csv").status_code == 404
    assert aino and elsewhere


@contextmanager
def counted(app):
    statements = []
    engine = app.extensions["selko.engine"]
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def caseload_of(make, coach, session, size):
    for n in range(size):
        client = make.client(coach=coach, name=f"Asiakas {n:03d}")
        attendance.arrive(session, client.id, date(2026, 11, 2), at=at(8, day=2))
        attendance.correct(session, client.id, date(2026, 11, 3), coach, present_by_word=True)
    session.commit()


@pytest.mark.parametrize(
    "url, small, large",
    [
        ("/coach/reports/attendance-2026-11", 2, 20),
        ("/coach/reports/attendance-2026-11.csv", 20, 200),
    ],
)
def test_the_report_costs_the_same_queries_for_any_caseload(app, make, coach, desk, session, url, small, large):
    caseload_of(make, coach, session, small)
    desk.get(url)  # warm: the first request loads what every request does once
    with counted(app) as few:
        assert desk.get(url).status_code == 200
    caseload_of(make, coach, session, large - small)
    with counted(app) as many:
        page = desk.get(url)
    shown = visible_text(page) if page.mimetype == "text/html" else page.get_data(as_text=True)
    assert shown.count("Asiakas ") >= large
    assert len(many) == len(few), f"{len(few)} statements for {small} clients, {len(many)} for {large}"
    print(f"\n{url}: {len(few)} SQL statements for {small} clients and for {large}")


@pytest.mark.parametrize("url", ["/coach/reports" + NOVEMBER, "/coach/reports" + NOVEMBER + ".csv", "/coach/reports" + NOVEMBER + "/print"])
def test_reading_the_caseload_report_is_on_each_clients_audit_trail(make, coach, desk, aino, session, url):
    """The report shows every client's days and absences: a read of each
    one's data, recorded as the client's own page is."""
    other = make.client(coach=coach, name="Bea")
    session.commit()
    assert desk.get(url).status_code == 200
    reads = session.scalars(select(AuditEvent.client_id).where(AuditEvent.actor_id == coach.id, AuditEvent.action == "read")).all()
    assert sorted(reads) == sorted([aino.id, other.id])

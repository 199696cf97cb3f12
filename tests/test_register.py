"""The attendance register's counting: what a month end adds up to."""

import csv
import io
from contextlib import contextmanager
from datetime import date, time
from decimal import Decimal

import pytest
from flask import g

from selko.day import attendance
from selko.i18n import clock_time, local
from selko.models import AbsenceReason, Organisation, ScheduleException
from selko.records import register
from selko.records.register import DayKind
from selko.words.labels import absence_label, register_kind_label
from tests.conftest import at

NOVEMBER = date(2026, 11, 1)
TODAY = date(2026, 11, 23)  # the suite's frozen Monday


def november(session, client, today=TODAY) -> register.Month:
    session.expire_all()
    organisation = session.get(Organisation, client.organisation_id)
    return register.months(session, organisation, [client], NOVEMBER, today)[0]


@pytest.fixture
def aino(make, session):
    coach = make.coach(name="Sanna")
    client = make.client(coach=coach, name="Aino")
    client.client_profile.started_on = date(2026, 10, 1)
    organisation = session.get(Organisation, client.organisation_id)
    organisation.daily_compensation = Decimal("12.00")
    session.commit()
    return client


@pytest.fixture
def month_of_aino(aino, session):
    """A November with one of everything the register knows."""
    coach = aino.client_profile.coach
    day = lambda n: date(2026, 11, n)  # noqa: E731
    for n, arrived, left in [(2, (8, 0), (14, 0)), (3, (8, 5), (13, 55)), (4, (8, 0), (10, 30))]:
        attendance.arrive(session, aino.id, day(n), at=at(*arrived, day=n))
        attendance.leave(session, aino.id, day(n), at=at(*left, day=n))
    attendance.report_absence(session, aino.id, day(5), AbsenceReason.ill, "Flu")
    session.add(ScheduleException(client_id=aino.id, date=day(6), day_off=True, note="Closed"))
    session.add(ScheduleException(client_id=aino.id, date=day(7), starts=time(10), ends=time(12)))
    attendance.arrive(session, aino.id, day(7), at=at(10, day=7))
    attendance.leave(session, aino.id, day(7), at=at(12, day=7))
    attendance.arrive(session, aino.id, day(9), at=at(8, 10, day=9))
    attendance.correct(session, aino.id, day(9), coach, arrived_at=at(8, day=9), left_at=at(14, day=9))
    attendance.arrive(session, aino.id, day(10), at=at(22, day=10))
    attendance.correct(session, aino.id, day(11), coach, present_by_word=True)
    session.commit()
    return november(session, aino)


def kinds(month) -> dict[int, DayKind]:
    return {d.day.day: d.kind for d in month.days}


def test_every_day_of_the_month_has_one_kind(month_of_aino):
    k = kinds(month_of_aino)
    assert [k[n] for n in (2, 3, 7, 9, 11)] == [DayKind.present] * 5
    assert k[4] == DayKind.half, "2 h 30 min of a 6 h day"
    assert k[5] == DayKind.absent
    assert k[6] == DayKind.day_off and k[1] == DayKind.day_off and k[22] == DayKind.day_off
    assert k[10] == DayKind.to_check, "a check-in at 22.00 is kept but not counted"
    assert [k[n] for n in (12, 13, 16, 20, 23)] == [DayKind.missing] * 5
    assert {k[n] for n in range(24, 31)} == {DayKind.coming}, "days to come are never absent"


def test_the_month_adds_up(month_of_aino):
    m = month_of_aino
    assert (m.present, m.count(DayKind.half)) == (6, 1)
    assert m.absent_by_reason[AbsenceReason.ill] == 1 and sum(m.absent_by_reason.values()) == 1
    assert m.count(DayKind.day_off) == 7, "1, 6 (the coach's day off), 8, 14, 15, 21, 22"
    assert (m.count(DayKind.missing), m.count(DayKind.to_check), m.count(DayKind.coming)) == (8, 1, 7)
    assert m.hours == Decimal("22.33"), "6 h + 5 h 50 + 2 h 30 + 2 h + 6 h + nothing on the coach's word"
    assert m.compensated_days == Decimal("5.5") and m.compensation == Decimal("66.00")
    assert not m.complete


def test_a_half_day_counts_whole_when_the_organisation_says_so(month_of_aino, aino, session):
    session.get(Organisation, aino.organisation_id).half_day_counts_half = False
    session.commit()
    m = november(session, aino)
    assert m.compensated_days == 6 and m.compensation == Decimal("72.00")
    assert isinstance(m.compensation, Decimal)


def test_a_correction_keeps_the_clients_own_entry(month_of_aino):
    ninth = month_of_aino.days[8]
    assert ninth.record.arrived_at == at(8, day=9)
    [change] = ninth.corrections
    assert change.before_arrived_at == at(8, 10, day=9), "what the client pressed"
    assert (change.arrived_at, change.left_at, change.corrected_by.name) == (at(8, day=9), at(14, day=9), "Sanna")


def test_the_coach_confirms_a_day_to_check_and_then_it_counts(month_of_aino, aino, session):
    coach = aino.client_profile.coach
    attendance.correct(session, aino.id, date(2026, 11, 10), coach, arrived_at=at(8, day=10), left_at=at(14, day=10))
    session.commit()
    m = november(session, aino)
    assert kinds(m)[10] == DayKind.present and m.present == 7


def test_a_client_who_started_mid_month_is_not_missing_before(aino, session):
    aino.client_profile.started_on = date(2026, 11, 16)
    session.commit()
    m = november(session, aino)
    assert m.count(DayKind.not_started) == 15
    assert m.count(DayKind.missing) == 6, "16.–20. and 23."


def test_hours_on_a_daylight_saving_day_are_the_hours_that_passed(aino, session):
    """25.10.2026 the clocks go back at 4.00: 2.00–10.00 on the wall is nine hours."""
    session.add(ScheduleException(client_id=aino.id, date=date(2026, 10, 25), starts=time(2), ends=time(10)))
    attendance.arrive(session, aino.id, date(2026, 10, 25), at=at(2, day=25, month=10))
    attendance.leave(session, aino.id, date(2026, 10, 25), at=at(10, day=25, month=10))
    session.commit()
    organisation = session.get(Organisation, aino.organisation_id)
    october = register.months(session, organisation, [aino], date(2026, 10, 1), TODAY)[0]
    sunday = october.days[24]
    assert (sunday.kind, sunday.hours) == (DayKind.present, Decimal("9.00"))
    assert october.complete


def test_a_public_holiday_is_a_day_off_unless_the_coach_gave_it_hours(aino, session):
    organisation = session.get(Organisation, aino.organisation_id)
    december = register.months(session, organisation, [aino], date(2026, 12, 1), date(2026, 12, 31))[0]
    assert december.days[24].kind == DayKind.day_off, "Christmas Day"
    assert december.days[5].kind == DayKind.day_off, "Independence Day, a Sunday in 2026, and a day off anyway"
    session.add(ScheduleException(client_id=aino.id, date=date(2026, 12, 25), starts=time(9), ends=time(12)))
    session.commit()
    december = register.months(session, organisation, [aino], date(2026, 12, 1), date(2026, 12, 31))[0]
    assert december.days[24].kind == DayKind.missing


def read_csv(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff"), "Excel reads UTF-8 only with a BOM"
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


@contextmanager
def in_english(app):
    with app.test_request_context():
        g.page_language = "en"
        yield


def test_the_csv_totals_equal_the_register(month_of_aino, app):
    with in_english(app):
        caseload = read_csv(register.caseload_csv([month_of_aino], absence_label))
        days = read_csv(register.client_csv(month_of_aino, register_kind_label, absence_label, lambda t: clock_time(local(t))))
    header, row = caseload
    values = dict(zip(header, row))
    assert values["Days present"] == "6" and values["Of them half days"] == "1"
    assert values["Compensated days"] == "5,5" and values["Compensation (€)"] == "66,00"
    assert values["Hours"] == "22,33" and values["To check"] == "1"
    assert values[f"Absent: {absence_label(AbsenceReason.ill)}"] == "1"

    assert len(days) == 1 + 30
    assert days[2] == ["2.11.2026", "Present", "8:00", "14:00", "6,00", "", ""]
    assert days[9][0] == "9.11.2026" and days[9][-1] == "Sanna"
    counted = [row[1] for row in days[1:]]
    assert counted.count("Present") + counted.count("Half day") == 6
    hours = sum(Decimal(row[4].replace(",", ".")) for row in days[1:] if row[4])
    assert hours.quantize(Decimal("0.01")) == Decimal("22.33")


def test_a_name_that_looks_like_a_formula_stays_text(make, session, app):
    client = make.client(name='=HYPERLINK("x")')
    with in_english(app):
        organisation = session.get(Organisation, client.organisation_id)
        rows = read_csv(register.caseload_csv(register.months(session, organisation, [client], NOVEMBER, TODAY), absence_label))
    assert rows[1][0].startswith("'=")

"""The attendance register: each client's month day by day, counted for the
monthly report and the per-day compensation (työosuusraha).

How a day counts:
- a day still to come is never absent, nor is a day before the client started;
- a work day with an arrival, or present on the coach's word, is a day present;
  it is a half day when the recorded times are under half the planned hours;
- a check-in outside the hours or on a day off is to be checked by the coach,
  and counts only once the coach has corrected the day;
- a work day with an absence is absent for its reason; with nothing recorded
  it is "nothing recorded", not absent, until the coach fills it in;
- a day with no work planned (the weekly schedule, a date the coach set, a
  public holiday) is a day off.
Hours are the recorded times, so a day on a daylight saving change counts
the hours that really passed. Amounts are Decimal, never float.
"""

from __future__ import annotations

import csv
import enum
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from selko import clock
from selko.day import attendance, schedule
from selko.i18n import short_date
from selko.models import AbsenceReason, Attendance, AttendanceCorrection, ClientProfile, Organisation, User

CENTS = Decimal("0.01")
HALF = Decimal("0.5")


class DayKind(enum.StrEnum):
    present = "present"
    half = "half"
    absent = "absent"
    day_off = "day_off"
    missing = "missing"  # a work day with nothing recorded
    to_check = "to_check"
    coming = "coming"
    not_started = "not_started"


@dataclass
class RegisterDay:
    day: date
    plan: schedule.DayPlan
    record: Attendance | None
    kind: DayKind
    minutes: int = 0
    corrections: list[AttendanceCorrection] = field(default_factory=list)

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(CENTS)


@dataclass
class Month:
    client: User
    first: date
    today: date
    days: list[RegisterDay]
    per_day: Decimal
    half_counts_half: bool

    def count(self, kind: DayKind) -> int:
        return sum(1 for d in self.days if d.kind == kind)

    @property
    def present(self) -> int:
        """Days present, half days included."""
        return self.count(DayKind.present) + self.count(DayKind.half)

    @property
    def absent_by_reason(self) -> dict[AbsenceReason, int]:
        counted = Counter(d.record.absence_reason for d in self.days if d.kind == DayKind.absent)
        return {reason: counted.get(reason, 0) for reason in AbsenceReason}

    @property
    def hours(self) -> Decimal:
        return (Decimal(sum(d.minutes for d in self.days)) / 60).quantize(CENTS)

    @property
    def compensated_days(self) -> Decimal:
        half = self.count(DayKind.half) * (HALF if self.half_counts_half else 1)
        return Decimal(self.count(DayKind.present)) + half

    @property
    def compensation(self) -> Decimal:
        return (self.compensated_days * self.per_day).quantize(CENTS)

    @property
    def complete(self) -> bool:
        """The month is over: its report is final, not a report so far."""
        return next_month(self.first) <= self.today


@dataclass
class Totals:
    """A caseload's month added up: the report's last line."""

    present: int
    half: int
    absent: int
    day_off: int
    missing: int
    to_check: int
    hours: Decimal
    compensation: Decimal


def totals(report: list[Month]) -> Totals:
    return Totals(
        present=sum(m.present for m in report),
        half=sum(m.count(DayKind.half) for m in report),
        absent=sum(sum(m.absent_by_reason.values()) for m in report),
        day_off=sum(m.count(DayKind.day_off) for m in report),
        missing=sum(m.count(DayKind.missing) for m in report),
        to_check=sum(m.count(DayKind.to_check) for m in report),
        hours=sum((m.hours for m in report), Decimal(0)),
        compensation=sum((m.compensation for m in report), Decimal(0)),
    )


def first_of(day: date) -> date:
    return day.replace(day=1)


def next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


def previous_month(first: date) -> date:
    return (first - timedelta(days=1)).replace(day=1)


def months(db: Session, organisation: Organisation, clients: list[User], first: date, today: date) -> list[Month]:
    """Every client's month in five queries, however many clients."""
    ids = [c.id for c in clients]
    last = next_month(first)
    plans = schedule.plans_for(db, ids, first, last)
    records = {
        (a.client_id, a.date): a for a in db.scalars(select(Attendance).where(Attendance.client_id.in_(ids), Attendance.date >= first, Attendance.date < last))
    }
    corrections: dict[tuple[int, date], list[AttendanceCorrection]] = {}
    for c in db.scalars(
        select(AttendanceCorrection)
        .options(joinedload(AttendanceCorrection.corrected_by))
        .where(AttendanceCorrection.client_id.in_(ids), AttendanceCorrection.date >= first, AttendanceCorrection.date < last)
        .order_by(AttendanceCorrection.corrected_at, AttendanceCorrection.id)
    ):
        corrections.setdefault((c.client_id, c.date), []).append(c)
    profiles = dict(db.execute(select(ClientProfile.user_id, ClientProfile.started_on).where(ClientProfile.user_id.in_(ids))).all())
    zone = organisation.time_zone
    result = []
    for client in clients:
        started = profiles.get(client.id) or clock.local(client.created_at, zone).date()
        days = [_day(plan, records.get((client.id, plan.day)), corrections.get((client.id, plan.day), []), started, today, zone) for plan in plans[client.id]]
        result.append(Month(client, first, today, days, organisation.daily_compensation or Decimal(0), organisation.half_day_counts_half))
    return result


def _day(plan, record, corrections, started: date, today: date, zone: str) -> RegisterDay:
    day = plan.day
    if day > today:
        return RegisterDay(day, plan, record, DayKind.coming, corrections=corrections)
    if day < started and record is None:
        return RegisterDay(day, plan, record, DayKind.not_started, corrections=corrections)
    checked_in = attendance.state(record)
    present = checked_in in (attendance.CheckIn.arrived, attendance.CheckIn.left) or (record is not None and record.present_by_word)
    if present and attendance.to_check(record, plan, zone):
        return RegisterDay(day, plan, record, DayKind.to_check, corrections=corrections)
    if present:
        minutes = 0
        if record.arrived_at and record.left_at:
            minutes = int((record.left_at - record.arrived_at).total_seconds() // 60)
        planned = schedule.work_minutes(plan)
        half = bool(record.left_at) and planned > 0 and minutes * 2 < planned
        return RegisterDay(day, plan, record, DayKind.half if half else DayKind.present, minutes, corrections)
    if not plan.works:
        return RegisterDay(day, plan, record, DayKind.day_off, corrections=corrections)
    if checked_in is attendance.CheckIn.absent:
        return RegisterDay(day, plan, record, DayKind.absent, corrections=corrections)
    return RegisterDay(day, plan, record, DayKind.missing, corrections=corrections)


# ---- The report as CSV for Finnish Excel: UTF-8 with BOM, semicolons,
# decimal comma, dates d.m.yyyy; text that looks like a formula stays text.


def _number(value: Decimal | int) -> str:
    return str(value).replace(".", ",")


def _text(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv(rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(rows)
    return "\ufeff" + out.getvalue()


def caseload_csv(report: list[Month], reason_label) -> str:
    """One row a client: the month's totals."""
    header = [_("Client"), _("Month"), _("Days present"), _("Of them half days"), _("Compensated days")]
    header += [_("Absent: %(reason)s", reason=reason_label(r)) for r in AbsenceReason]
    header += [_("Days off"), _("Nothing recorded"), _("To check"), _("Hours"), _("Compensation (€)")]
    rows = [header]
    for m in report:
        rows.append(
            [_text(m.client.name), f"{m.first.month}/{m.first.year}", m.present, m.count(DayKind.half), _number(m.compensated_days)]
            + list(m.absent_by_reason.values())
            + [m.count(DayKind.day_off), m.count(DayKind.missing), m.count(DayKind.to_check), _number(m.hours), _number(m.compensation)]
        )
    return _csv(rows)


def client_csv(month: Month, kind_label, reason_label, clock) -> str:
    """One row a day of the client's month."""
    rows = [[_("Date"), _("Day"), _("Arrived"), _("Left"), _("Hours"), _("Absence reason"), _("Corrected by")]]
    for d in month.days:
        r = d.record
        rows.append(
            [
                short_date(d.day),
                kind_label(d.kind),
                clock(r.arrived_at) if r and r.arrived_at else "",
                clock(r.left_at) if r and r.left_at else "",
                _number(d.hours) if d.minutes else "",
                reason_label(r.absence_reason) if d.kind == DayKind.absent else "",
                _text(d.corrections[-1].corrected_by.name) if d.corrections else "",
            ]
        )
    return _csv(rows)

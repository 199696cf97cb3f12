"""A client's day: work hours and breaks from the weekly schedule and its exceptions.

Schedules are wall-clock times in the organisation's time zone. "Now" is
turned into that zone once, here, so the rest of Selko compares plain times.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from functools import lru_cache

import holidays
from flask import has_request_context
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, delete, select
from sqlalchemy.orm import Session

from selko import clock
from selko.alarms.kinds import Kind
from selko.forms import Errors, read_date
from selko.input_text import is_plain_number
from selko.models import Break, ScheduleException, WorkDay

# Finland's public holidays and the usual closed eves (Midsummer Eve, Christmas
# Eve) from the kept `holidays` package, named in the reader's language.
HOLIDAY_LANGUAGES = {"fi": "fi", "sv": "sv_FI", "en": "en_US"}


@lru_cache(maxsize=64)
def _holidays(year: int, language: str) -> holidays.HolidayBase:
    return holidays.country_holidays("FI", years=year, language=language)


def _holiday_language() -> str:
    language = str(get_locale()) if has_request_context() else "fi"
    return HOLIDAY_LANGUAGES.get(language, "fi")


def holiday(day: date, language: str | None = None) -> str | None:
    """The holiday's name on this date, or None on an ordinary day; in the
    reader's language unless told (_holiday_language(), found once for many days)."""
    return _holidays(day.year, language or _holiday_language()).get(day)


@dataclass(frozen=True)
class BreakTime:
    starts: time
    ends: time
    name: str = ""

    @property
    def minutes(self) -> int:
        return clock.minutes(self.ends) - clock.minutes(self.starts)


@dataclass(frozen=True)
class DayPlan:
    day: date | None
    starts: time | None = None
    ends: time | None = None
    breaks: list[BreakTime] = field(default_factory=list)
    note: str = ""

    @property
    def works(self) -> bool:
        return self.starts is not None


@dataclass(frozen=True)
class Event:
    kind: Kind  # one of SCHEDULE_KINDS
    at: time
    name: str = ""


def work_minutes(plan: DayPlan) -> int:
    """The day's planned length, start to end."""
    return clock.minutes(plan.ends) - clock.minutes(plan.starts) if plan.works else 0


def weekday_plan(db: Session, client_id: int, weekday: int) -> DayPlan:
    """The weekly schedule of one weekday, without date exceptions (day is unset)."""
    return _plans(db, [client_id], weekday, None)[client_id]


def day_plan(db: Session, client_id: int, day: date) -> DayPlan:
    return _plans(db, [client_id], day.weekday(), day)[client_id]


def day_plans(db: Session, client_ids: list[int], day: date) -> dict[int, DayPlan]:
    """Many clients' plans for one day in two queries (the worker plans everyone)."""
    return _plans(db, client_ids, day.weekday(), day)


def plans_between(db: Session, client_id: int, first: date, last: date) -> list[DayPlan]:
    """One client's plans from first to last (not included), in two queries:
    a family's calendar covers weeks, and asks again on every refresh."""
    return plans_for(db, [client_id], first, last)[client_id]


def plans_for(db: Session, client_ids: list[int], first: date, last: date) -> dict[int, list[DayPlan]]:
    """Many clients' plans from first to last (not included), in two queries
    however many clients: the month's register of a whole caseload."""
    exceptions = {(e.client_id, e.date): e for e in db.scalars(_EXCEPTIONS_BETWEEN, {"client_ids": client_ids, "first": first, "last": last})}
    work_days, breaks = _weekly(db.execute(_WEEKS, {"client_ids": client_ids}))
    days = [first + timedelta(days=n) for n in range((last - first).days)]
    language = _holiday_language()
    return {
        c: [_plan(d, exceptions.get((c, d)), work_days.get((c, d.weekday())), breaks.get((c, d.weekday()), []), language) for d in days] for c in client_ids
    }


# Today's "Next work day" looks this far ahead.
LOOK_AHEAD = 28


def ahead(db: Session, client_id: int, today: date) -> list[DayPlan]:
    """Today's plan and the next four weeks', for Today and its tomorrow."""
    return plans_between(db, client_id, today, today + timedelta(days=1 + LOOK_AHEAD))


def tomorrow(plans: list[DayPlan]) -> tuple[DayPlan, DayPlan | None]:
    """From ahead(): tomorrow's plan, and the next work day after today (None
    if there is none within four weeks), for the client's "Tomorrow" on Today."""
    return plans[1], next((p for p in plans[1:] if p.works), None)


# Built once, as building them took as long as running them: Today asks
# them all day long. A break is always on a work day (set_weekday), so work
# days come with their breaks in one query.
_clients = bindparam("client_ids", expanding=True)
_WEEKS = (
    select(WorkDay, Break)
    .outerjoin(Break, and_(Break.client_id == WorkDay.client_id, Break.weekday == WorkDay.weekday))
    .where(WorkDay.client_id.in_(_clients))
    .order_by(Break.starts)
)
_WEEKDAY = _WEEKS.where(WorkDay.weekday == bindparam("weekday"))
_EXCEPTIONS_BETWEEN = select(ScheduleException).where(
    ScheduleException.client_id.in_(_clients),
    ScheduleException.date >= bindparam("first"),
    ScheduleException.date < bindparam("last"),
)
_EXCEPTIONS_ON = select(ScheduleException).where(ScheduleException.client_id.in_(_clients), ScheduleException.date == bindparam("day"))


def _weekly(rows) -> tuple[dict[tuple[int, int], WorkDay], dict[tuple[int, int], list[Break]]]:
    """Work days and their breaks from _WEEKS, by (client, weekday)."""
    work_days: dict[tuple[int, int], WorkDay] = {}
    breaks: dict[tuple[int, int], list[Break]] = {}
    for work_day, brk in rows:
        work_days[(work_day.client_id, work_day.weekday)] = work_day
        if brk is not None:
            breaks.setdefault((brk.client_id, brk.weekday), []).append(brk)
    return work_days, breaks


def _plans(db: Session, client_ids: list[int], weekday: int, day: date | None) -> dict[int, DayPlan]:
    exceptions = {}
    if day is not None:
        exceptions = {e.client_id: e for e in db.scalars(_EXCEPTIONS_ON, {"client_ids": client_ids, "day": day})}
    work_days, breaks = _weekly(db.execute(_WEEKDAY, {"client_ids": client_ids, "weekday": weekday}))
    return {
        client_id: _plan(day, exceptions.get(client_id), work_days.get((client_id, weekday)), breaks.get((client_id, weekday), [])) for client_id in client_ids
    }


def _plan(day: date | None, exception: ScheduleException | None, work_day: WorkDay | None, breaks: list[Break], language: str | None = None) -> DayPlan:
    if exception is not None and exception.day_off:
        return DayPlan(day, note=exception.note)
    # A holiday is a day off, unless the coach made it a work day (an exception with hours).
    if exception is None and day is not None and (name := holiday(day, language)):
        return DayPlan(day, note=name)
    if exception is not None:
        starts, ends, note = exception.starts, exception.ends, exception.note
    elif work_day is not None:
        starts, ends, note = work_day.starts, work_day.ends, ""
    else:
        return DayPlan(day)
    kept = [
        BreakTime(b.starts, b.ends, b.name)
        for b in breaks
        # Other hours on this date: keep only the breaks that fit in them.
        if starts <= b.starts and b.ends <= ends
    ]
    return DayPlan(day, starts, ends, kept, note)


def events(plan: DayPlan) -> list[Event]:
    if not plan.works:
        return []
    result = [Event(Kind.work_start, plan.starts)]
    for b in plan.breaks:
        result += [Event(Kind.break_start, b.starts, b.name), Event(Kind.break_end, b.ends, b.name)]
    result.append(Event(Kind.work_end, plan.ends))
    return result


def next_event(plan: DayPlan, now: time) -> Event | None:
    return next((e for e in events(plan) if e.at > now), None)


@dataclass(frozen=True)
class BreakBar:
    """The time bar for the next break: minutes left of the stretch it measures."""

    brk: BreakTime
    on_break: bool
    minutes_left: int
    minutes_total: int


def break_bar(plan: DayPlan, now: time) -> BreakBar | None:
    """During a break: time left of the break. Before one: time left until it."""
    n = clock.minutes(now)
    previous_end = clock.minutes(plan.starts) if plan.works else 0
    for b in plan.breaks:
        if clock.minutes(b.starts) <= n < clock.minutes(b.ends):
            return BreakBar(b, True, clock.minutes(b.ends) - n, b.minutes)
        if n < clock.minutes(b.starts):
            start = min(previous_end, n)
            return BreakBar(b, False, clock.minutes(b.starts) - n, clock.minutes(b.starts) - start)
        previous_end = clock.minutes(b.ends)
    return None


def parse_time(text: str) -> time:
    """A wall-clock time as people type it: 8, 8.00, 08:00; 8:5, 25.00 and 8.99
    are refused with ValueError."""
    text = text.strip().replace(":", ".")
    hours, _, minutes = text.partition(".")
    if not (is_plain_number(hours) and len(hours) <= 2) or (minutes and not (is_plain_number(minutes) and len(minutes) == 2)):
        raise ValueError(text)
    return time(int(hours), int(minutes or 0))


def set_weekday(db: Session, client_id: int, weekday: int, hours: tuple[time, time] | None, breaks: list[BreakTime]) -> None:
    """Replace one weekday of the weekly schedule: hours (None for no work) and breaks."""
    for row in db.scalars(select(WorkDay).where(WorkDay.client_id == client_id, WorkDay.weekday == weekday)):
        db.delete(row)
    for row in db.scalars(select(Break).where(Break.client_id == client_id, Break.weekday == weekday)):
        db.delete(row)
    db.flush()
    if hours is None:
        return
    db.add(WorkDay(client_id=client_id, weekday=weekday, starts=hours[0], ends=hours[1]))
    for b in breaks:
        db.add(Break(client_id=client_id, weekday=weekday, starts=b.starts, ends=b.ends, name=b.name))


def check_exception(form) -> tuple[Errors, dict]:
    """A date that differs from the week, from the coach's form: its Errors
    (keyed by the form's field ids), and set_exception's arguments."""
    errors = {}
    day = read_date(form.get("date"))
    if day is None:
        errors["exc-date"] = _("Give the date as a date.")
    day_off = form.get("kind") == "off"
    hours = None
    if not day_off:
        try:
            hours = (parse_time(form.get("starts", "")), parse_time(form.get("ends", "")))
        except ValueError:
            errors["exc-starts"] = _("Write times like 8.00 or 14.30.")
        else:
            if hours[1] <= hours[0]:
                errors["exc-ends"] = _("Work must end after it starts.")
    return errors, {"day": day, "hours": hours, "note": form.get("note", "").strip()[:200]}


def set_exception(db: Session, client_id: int, *, day: date, hours: tuple[time, time] | None, note: str) -> None:
    """The day's hours (None: a day off) instead of the week's, replacing an earlier change of that day."""
    db.execute(delete(ScheduleException).where(ScheduleException.client_id == client_id, ScheduleException.date == day))
    db.add(
        ScheduleException(client_id=client_id, date=day, day_off=hours is None, starts=hours[0] if hours else None, ends=hours[1] if hours else None, note=note)
    )


def check_day(hours: tuple[time, time], breaks: list[BreakTime]) -> str | None:
    """What is wrong with these hours and breaks, in words for the coach, or None."""
    starts, ends = hours
    if ends <= starts:
        return _("Work must end after it starts.")
    previous = starts
    for b in sorted(breaks, key=lambda b: b.starts):
        if b.ends <= b.starts:
            return _("A break must end after it starts.")
        if b.starts < previous or b.ends > ends:
            return _("Breaks must be inside work hours and must not overlap.")
        previous = b.ends
    return None

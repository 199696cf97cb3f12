"""The words for Selko's domain values as coaches read them, in every language;
the client's own words are in client_words.py."""

from flask import Flask
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from selko.alarms.kinds import SCHEDULE_KINDS, Kind
from selko.day import attendance
from selko.day.self_assessment import AREAS, FACES
from selko.i18n import clock_time, local
from selko.models import AbsenceReason, ActionKind, ActionOutcome, ContactKind
from selko.records.register import DayKind
from selko.words.client_words import (
    FACE_EMOJI,
    FACE_LABELS,
    QUESTIONS,
    REASON_EMOJI,
    event_text,
    goodbye,
    lately_words,
    reason_label,
)

# The same reasons as the coach reads them in the register and reports.
ABSENCES = {
    AbsenceReason.ill: _l("Ill"),
    AbsenceReason.doctor: _l("Doctor's appointment"),
    AbsenceReason.family: _l("Family matter"),
    AbsenceReason.transport: _l("No transport"),
    AbsenceReason.other: _l("Other reason"),
}


def absence_label(reason: AbsenceReason | str) -> str:
    return str(ABSENCES[AbsenceReason(reason)])


def register_state(arrived_at, left_at, absence_reason, present_by_word) -> str:
    """A day of the register in a few words, before or after a coach's change."""
    checked_in = attendance.state_of(arrived_at, left_at, absence_reason)
    if checked_in is attendance.CheckIn.absent:
        return _("Absent: %(reason)s", reason=absence_label(absence_reason))
    if present_by_word:
        return _("Present on the coach's word")
    if checked_in is attendance.CheckIn.none:
        return _("Nothing recorded")
    left = clock_time(local(left_at)) if left_at is not None else "…"
    return f"{clock_time(local(arrived_at))}–{left}"


REGISTER_KINDS = {
    DayKind.present: _l("Present"),
    DayKind.half: _l("Half day"),
    DayKind.absent: _l("Absent"),
    DayKind.day_off: _l("Day off"),
    DayKind.missing: _l("Nothing recorded"),
    DayKind.to_check: _l("To check"),
    DayKind.coming: _l("Still to come"),
    DayKind.not_started: _l("Before the service began"),
}


def register_kind_label(kind: DayKind) -> str:
    return str(REGISTER_KINDS[kind])


# The client's presses as the coach reads them in the day's history.
ACTION_KINDS = {
    ActionKind.arrive: _l("Arrived"),
    ActionKind.leave: _l("Went home"),
    ActionKind.absent: _l("Reported absent"),
    ActionKind.tick: _l("Step ticked"),
    ActionKind.help: _l("Asked for help"),
    ActionKind.assessment: _l("How today went"),
}
ACTION_OUTCOMES = {
    ActionOutcome.done: _l("Done"),
    ActionOutcome.superseded: _l("Not applied: the day was corrected after it"),
    ActionOutcome.refused: _l("Refused"),
}

# How the coach kept contact with a client (the contact log).
CONTACT_KINDS = {
    ContactKind.visit: _l("Visit"),
    ContactKind.call: _l("Phone call"),  # not "Call": that is the client's button (Soita)
    ContactKind.message: _l("Message"),
    ContactKind.meeting: _l("Meeting"),
}

# The areas as the coach reads them (the work-ability model's names), and as
# the client reads them beside their own answers.
AREA_NAMES = {
    "energy": _l("Energy and body"),
    "mind": _l("Mind"),
    "skills": _l("Skills"),
    "everyday": _l("Everyday life"),
    "work": _l("Work and work community"),
}


def absence_words(record, language: str) -> str:
    """The absence as the coach reads it in an alert."""
    with force_locale(language):
        words = reason_label(record.absence_reason)
        return f"{words}: {record.absence_note}" if record.absence_note else words


def help_words(request, language: str) -> str:
    """Where the client was when they asked for help, for the coach's alert."""
    with force_locale(language):
        if request.task is not None and request.step_position:
            return _("Stuck on step %(num)s of %(task)s.", num=request.step_position, task=request.task.title)
        if request.task is not None:
            return _("In the task %(task)s.", task=request.task.title)
        return _("Call or visit soon.")


def init_app(app: Flask) -> None:
    app.jinja_env.filters["absence_choice"] = lambda reason: (reason.value, absence_label(reason))
    app.jinja_env.globals.update(
        reason_emoji=REASON_EMOJI,
        reason_label=reason_label,
        register_kind_label=register_kind_label,
        absence_label=absence_label,
        register_state=register_state,
        event_text=event_text,
        goodbye=goodbye,
        areas=AREAS,
        faces=FACES,
        question=lambda area: str(QUESTIONS[area]),
        area_name=lambda area: str(AREA_NAMES[area]),
        lately_words=lately_words,
        face_emoji=FACE_EMOJI,
        face_label=lambda face: str(FACE_LABELS[face]),
        action_label=lambda kind: str(ACTION_KINDS[kind]),
        outcome_label=lambda outcome: str(ACTION_OUTCOMES[outcome]),
        contact_kinds=list(CONTACT_KINDS),
        contact_label=lambda kind: str(CONTACT_KINDS[kind]),
        alarm_kinds=SCHEDULE_KINDS,
        alarm_label=lambda kind: str(Kind(kind).choice),
    )

"""The words clients and family members read for Selko's domain values.

Kept apart from labels.py (the coach's words) because these must stay
selkokieli: the catalogue lint holds every message of this module to it."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from selko.alarms.kinds import Kind
from selko.day.schedule import Event
from selko.i18n import clock_time
from selko.models import AbsenceReason

REASON_EMOJI = {"ill": "🤒", "doctor": "🩺", "family": "👪", "transport": "🚌", "other": "❓"}
REASONS = {
    AbsenceReason.ill: _l("I am ill"),
    AbsenceReason.doctor: _l("I go to the doctor"),
    AbsenceReason.family: _l("Something with my family"),
    AbsenceReason.transport: _l("I have no ride"),
    AbsenceReason.other: _l("Something else"),
}

QUESTIONS = {
    "energy": _l("How did your body feel?"),
    "mind": _l("How did you feel in your mind?"),
    "skills": _l("How did the work tasks go?"),
    "everyday": _l("How did everyday things go?"),
    "work": _l("How was it with the people at work?"),
}
AREA_WORDS = {
    "energy": _l("Body"),
    "mind": _l("Mind"),
    "skills": _l("Work tasks"),
    "everyday": _l("Everyday things"),
    "work": _l("People at work"),
}
FACE_EMOJI = {1: "🙁", 2: "😐", 3: "🙂"}
FACE_LABELS = {1: _l("Bad"), 2: _l("So-so"), 3: _l("Good")}
# The client's last weeks, an area a sentence (self_assessment.lately).
LATELY = {
    1: _l("%(area)s: mostly bad."),
    2: _l("%(area)s: mostly so-so."),
    3: _l("%(area)s: mostly good."),
}


def lately_words(area: str, face: int) -> str:
    return str(LATELY[face]) % {"area": AREA_WORDS[area]}


def reason_label(reason: AbsenceReason) -> str:
    return str(REASONS[reason])


def goodbye(at) -> str:
    """What to wish a client going home, by the hour ("Mukavaa iltaa!")."""
    hour = at.hour
    if 5 <= hour < 12:
        return _("Have a good day!")
    if 12 <= hour < 17:
        return _("Have a good afternoon!")
    if 17 <= hour < 22:
        return _("Have a good evening!")
    return _("Good night!")


def event_text(event: Event) -> str:
    time = clock_time(event.at)
    if event.kind == Kind.work_start:
        return _("Work starts at %(time)s.", time=time)
    if event.kind == Kind.break_start:
        return _("%(name)s starts at %(time)s.", name=event.name or _("Break"), time=time)
    if event.kind == Kind.break_end:
        return _("%(name)s ends at %(time)s.", name=event.name or _("Break"), time=time)
    return _("Work ends at %(time)s.", time=time)

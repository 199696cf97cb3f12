"""Every kind of alarm and its rules, in one place: how late it may still
ring, how urgent it is, whose phone rings, its words, and the column where
the client turns it off.

Kinds and statuses are `str` enums, so the reminders table keeps plain
strings and a row read back compares equal to its member.
"""

import functools
from datetime import timedelta
from enum import StrEnum

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l


class Recipient(StrEnum):
    client = "client"
    coach = "coach"  # alerts about a client ring on the coach's phone


class Kind(StrEnum):
    """value, minutes it may be late, urgency, whose phone rings, heading, body,
    and for alarms planned from the schedule, the client's choice "ring when…".
    A body of None is the reminder's own text."""

    def __new__(cls, value, late_after, urgency, rings_for, heading, body, choice=None):
        member = str.__new__(cls, value)
        member._value_ = value
        member.late_after = timedelta(minutes=late_after)
        member.urgency = urgency
        member.rings_for = rings_for
        member.heading = heading
        member.body = body
        member.choice = choice
        return member

    # An alarm later than its limit helps nobody: a break that started 20
    # minutes ago needs no alarm. Coach messages keep longer.
    work_start = ("work_start", 10, "high", Recipient.client, _l("Work starts"), _l("Your work starts now."), _l("When work starts"))
    break_start = ("break_start", 5, "normal", Recipient.client, _l("Break time"), _l("%(name)s starts now."), _l("When a break starts"))
    break_end = ("break_end", 5, "high", Recipient.client, _l("The break ends"), _l("Go back to work now."), _l("When a break ends"))
    work_end = ("work_end", 10, "normal", Recipient.client, _l("Work ends"), _l("You can go home now."), _l("When work ends"))
    coach = ("coach", 120, "normal", Recipient.client, _l("Message from your coach"), None)
    # A ready message of the coach: the reminder keeps its key, so the client
    # reads it in the client's own language.
    ready_message = ("ready_message", 120, "normal", Recipient.client, _l("Message from your coach"), None)
    test = ("test", 5, "high", Recipient.client, _l("Test alarm"), _l("Did you hear it? Open Selko and tell."))
    absent = ("absent", 120, "high", Recipient.coach, _l("%(name)s is not coming today"), None)
    help = ("help", 60, "high", Recipient.coach, _l("%(name)s asks for help"), None)

    @property
    def from_schedule(self) -> bool:
        """An event of the day's schedule (schedule.events), which the client can turn off."""
        return self.choice is not None

    @property
    def column(self) -> str | None:
        """The ClientProfile column that turns this kind on or off, if the client can."""
        return f"alarm_{self.value}" if self.from_schedule else None


# The alarms planned from the schedule, which the client chooses to hear.
SCHEDULE_KINDS = tuple(kind for kind in Kind if kind.from_schedule)

READY_MESSAGES = {
    "break": _l("Remember your break."),
    "call": _l("Call me when you can."),
    "good_work": _l("Good work today!"),
}


class Status(StrEnum):
    planned = "planned"
    sending = "sending"  # claimed by a worker
    sent = "sent"
    dropped = "dropped"  # too late to help
    skipped = "skipped"  # the client turned it off
    failed = "failed"


FINISHED = (Status.sent, Status.dropped, Status.skipped, Status.failed)


def alarm_message(reminder, language: str, client_name: str = "") -> dict:
    """What a phone shows for an alarm, in its owner's language and plain words."""
    kind = Kind(reminder.kind)
    # Only an alert on the coach's phone names the client; leaving the name
    # out of the others lets 20,000 clients' break alarms share one translation.
    name = client_name if kind.rings_for == Recipient.coach else ""
    words = _alarm_words(kind, reminder.text, language, name)
    url = "/coach/" if kind.rings_for == Recipient.coach else "/"
    return {**words, "url": url, "reminder": reminder.id, "kind": kind.value}


@functools.lru_cache(maxsize=1024)
def _alarm_words(kind: Kind, text: str, language: str, client_name: str) -> dict:
    # Thousands of clients get the same break alarm: translate it once.
    with force_locale(language):
        if kind == Kind.ready_message:
            body = str(READY_MESSAGES[text])
        elif kind.body is None:
            body = text
        else:
            body = str(kind.body) % {"name": text or _("Break")}
        return {"title": str(kind.heading) % {"name": client_name}, "body": body}

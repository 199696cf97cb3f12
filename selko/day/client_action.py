"""Client actions arrive exactly once, whenever the phone gets to send them.

The phone keeps a press while it is offline and sends it later, perhaps more
than once (a retry, a double tap). Each press carries a key: the form field
`action_key`, a UUID the page makes new for every press. The first answer to
a key is stored with the press (table client_actions) in the same
transaction as the action itself; every repeat gets the same answer and
changes nothing. A late press also carries the header `Selko-Action-Age`:
how many milliseconds ago it was pressed, measured by the phone's own clock,
so a phone whose clock is wrong still gives the right time.
"""

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property, wraps
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, abort, g, make_response, request
from flask_babel import gettext as _
from sqlalchemy import Exists, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from selko import clock, db
from selko.day.attendance import CorrectedByCoach
from selko.forms import read_date
from selko.models import ActionKind, ActionOutcome, ClientAction

AGE_HEADER = "Selko-Action-Age"
DAYS_BACK = 7  # a press sent late counts for its own day up to a week back
MAX_AGE = timedelta(days=DAYS_BACK + 1)
# Pressed and received further apart than this: the coach sees both times.
SENT_LATE = timedelta(minutes=5)
ATTENDANCE_KINDS = (ActionKind.arrive, ActionKind.leave, ActionKind.absent)

# The endpoints of every client action, filled by @recorded: the phone's
# service worker queues posts to these and no others.
ENDPOINTS: dict[str, ActionKind] = {}

_AGE = re.compile(r"[0-9]{1,15}(\.[0-9]{1,6})?")


@dataclass
class Press:
    """One press of a client action, as the view sees it."""

    kind: ActionKind
    key: str
    received_at: datetime
    pressed_at: datetime  # from the age header: never in the future, at most MAX_AGE back
    zone: ZoneInfo
    form_day: str | None  # the form's day field; None for a form without one (help)
    what: str = ""  # what the press was about, for the coach's history

    @cached_property
    def day(self) -> date:
        """The day the action is for. A page left open since yesterday must
        not change today, so a press counts for the form's day only when it
        was pressed that day (a press sent late, up to a week back) or the day
        is today. A form without a day is for the day it was pressed."""
        if self.form_day is None:
            return self.pressed_at.astimezone(self.zone).date()
        day, today = read_date(self.form_day), self.received_at.astimezone(self.zone).date()
        if day == today:
            return day
        if day and today - timedelta(days=DAYS_BACK) <= day < today and self.pressed_at < clock.start_of_day(day + timedelta(days=1), self.zone.key):
            return day
        abort(400, description=_("This page is from another day. Open the page again."))

    @cached_property
    def at(self) -> datetime:
        """When the button was pressed, never before the start of its day."""
        return max(self.pressed_at, clock.start_of_day(self.day, self.zone.key))

    def receipt_day(self) -> date:
        """The day to file a refused press under, when its day may be the refusal."""
        return read_date(self.form_day) or self.pressed_at.astimezone(self.zone).date()


def _key() -> str:
    """The form's action key, or a new one for a page made before keys existed."""
    text = request.form.get("action_key", "").strip()
    if not text:
        return str(uuid.uuid4())
    try:
        return str(uuid.UUID(text))
    except ValueError:
        abort(400, description=_("Something went wrong. Open the page again."))


def _age() -> timedelta:
    """How long ago the phone says the button was pressed. Anything but a
    plain number of milliseconds counts as now: a bad header must never
    lose an action."""
    text = request.headers.get(AGE_HEADER, "").strip()
    if not _AGE.fullmatch(text):
        return timedelta(0)
    return min(timedelta(milliseconds=float(text)), MAX_AGE)


def _press(kind: ActionKind, dated: bool) -> Press:
    received_at = clock.now()
    return Press(
        kind=kind,
        key=_key(),
        received_at=received_at,
        pressed_at=received_at - _age(),
        zone=clock.zone(g.user.organisation.time_zone),
        form_day=request.form.get("day", "") if dated else None,
    )


def _receipt(press: Press, status: int, outcome: ActionOutcome, day: date, pressed_at: datetime) -> ClientAction:
    return ClientAction(
        client_id=g.user.id,
        key=press.key,
        kind=press.kind,
        day=day,
        pressed_at=pressed_at,
        received_at=press.received_at,
        status=status,
        outcome=outcome,
        what=press.what[:200],
    )


def _stored(key: str) -> ClientAction:
    return db.session().scalar(select(ClientAction).where(ClientAction.client_id == g.user.id, ClientAction.key == key))


def _repeat(key: str, answer: Callable, values: dict):
    """The first answer again, of the state as it is now; nothing is done."""
    first = _stored(key)
    if first.status >= 400:
        abort(first.status)
    return answer(first.day, **values)


def _refusal_stored(press: Press, status: int) -> bool:
    """Undo the press and keep its refusal, so a repeat is refused the same
    way. False when a repeat of it got its answer stored first."""
    session = db.session()
    session.rollback()
    session.add(_receipt(press, status, ActionOutcome.refused, press.receipt_day(), press.pressed_at))
    try:
        session.commit()
        return True
    except IntegrityError:
        session.rollback()
        return False


def recorded(bp: Blueprint, kind: ActionKind, answer: Callable, dated: bool = True):
    """Make a view a client action, done at most once per key.

    The view is called as view(press, **url_values) and does the action for
    press.day at press.at; it sets press.what for the coach's history.
    answer(day, **url_values) makes the answer from the state as it is: the
    view returns it, and every repeat gets it again. `dated`: the form
    carries the day it was made for."""

    def decorate(view):
        ENDPOINTS[f"{bp.name}.{view.__name__}"] = kind

        @wraps(view)
        def action(**values):
            press = _press(kind, dated)
            session = db.session()
            # The receipt first: of concurrent repeats, one inserts it and the
            # others wait for it at the unique key and answer as repeats.
            receipt = _receipt(press, 0, ActionOutcome.done, press.receipt_day(), press.pressed_at)
            session.add(receipt)
            try:
                session.flush()
            except IntegrityError:
                session.rollback()
                return _repeat(press.key, answer, values)
            try:
                response = make_response(view(press, **values))
            except CorrectedByCoach:
                receipt.outcome = ActionOutcome.superseded
                response = make_response(answer(press.day, **values))
            except HTTPException as refusal:
                if refusal.code is None or refusal.code >= 500:
                    raise
                if _refusal_stored(press, refusal.code):
                    raise
                return _repeat(press.key, answer, values)
            if response.status_code >= 400:
                return response if _refusal_stored(press, response.status_code) else _repeat(press.key, answer, values)
            receipt.status, receipt.day, receipt.pressed_at, receipt.what = (response.status_code, press.day, press.at, press.what[:200])
            session.commit()
            return response

        return action

    return decorate


def sent_late(action: ClientAction) -> bool:
    return action.received_at - action.pressed_at > SENT_LATE


def for_day(db: Session, client_id: int, day: date, zone: str) -> list[ClientAction]:
    """The client's presses for the day or received that day, in the order pressed."""
    start = clock.start_of_day(day, zone)
    return list(
        db.scalars(
            select(ClientAction)
            .where(
                ClientAction.client_id == client_id,
                or_(ClientAction.day == day, ClientAction.received_at.between(start, start + timedelta(days=1))),
            )
            .order_by(ClientAction.pressed_at, ClientAction.id)
        )
    )


def superseded_on(client_id, day) -> Exists:
    """Whether the client pressed something for the day that did not count,
    because the coach corrected the day after the press (a column for Today's query)."""
    return exists().where(
        ClientAction.client_id == client_id,
        ClientAction.day == day,
        ClientAction.outcome == ActionOutcome.superseded,
    )


def init_app(app: Flask) -> None:
    # Every render of a client action form gets a key of its own.
    app.jinja_env.globals["new_action_key"] = lambda: str(uuid.uuid4())

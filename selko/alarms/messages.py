"""The coach's messages to a client ("Send a reminder now"). Each rings on the
phone where it can, and waits on the client's Today until the client presses
"Selvä", so a phone that cannot ring still gets it. The coach sees which."""

from datetime import timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from selko import clock
from selko.alarms import Kind
from selko.models import Reminder

KINDS = (Kind.coach, Kind.ready_message)
# An unseen message older than this is news no more.
WAITS = timedelta(days=3)


def _messages(client_id):
    return select(Reminder).where(Reminder.client_id == client_id, Reminder.kind.in_(KINDS))


# Built once: Today asks it all day long, and building it took as long as running it.
_UNSEEN = (
    _messages(bindparam("client_id"))
    .where(Reminder.seen_at.is_(None), Reminder.due_at >= bindparam("since"))
    .order_by(Reminder.due_at.desc(), Reminder.id.desc())
)


def unseen(db: Session, client_id: int) -> list[Reminder]:
    """The messages on the client's Today, newest first."""
    return list(db.scalars(_UNSEEN, {"client_id": client_id, "since": clock.now() - WAITS}))


def recent(db: Session, client_id: int, count: int = 5) -> list[Reminder]:
    """The coach's latest messages to the client, for the coach's page."""
    return list(db.scalars(_messages(client_id).order_by(Reminder.due_at.desc(), Reminder.id.desc()).limit(count)))


def one(db: Session, client_id: int, message_id: int) -> Reminder | None:
    return db.scalar(_messages(client_id).where(Reminder.id == message_id))


def mark_seen(message: Reminder) -> None:
    if message.seen_at is None:
        message.seen_at = clock.now()


def mark_shown(db: Session, client_id: int, message_id: int | None) -> None:
    """The phone's service worker showed this push: it rang."""
    message = one(db, client_id, message_id) if message_id else None
    if message is not None and message.shown_at is None:
        message.shown_at = clock.now()

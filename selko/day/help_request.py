"""'I need help': the client flags the coach, saying where they are."""

from datetime import date, datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from selko import clock
from selko.day.tasks import TaskToday
from selko.models import HelpRequest, TaskStep, User

# After the coach has seen it, the client sees "Your coach knows" this long.
KNOWN_SHOWN = timedelta(hours=1)


def ask(db: Session, client_id: int, task: TaskToday | None = None, step: TaskStep | None = None, at: datetime | None = None) -> HelpRequest:
    """The step the client chose ("I am stuck here"), else the task's current step."""
    step = step or (task.current_step if task else None)
    request = HelpRequest(
        client_id=client_id,
        created_at=at or clock.now(),
        task_id=task.task.id if task else None,
        step_position=step.position if step else None,
    )
    db.add(request)
    db.flush()
    return request


def open_requests(db: Session, client_ids: list[int]) -> list[HelpRequest]:
    return list(
        db.scalars(
            select(HelpRequest)
            .where(
                HelpRequest.client_id.in_(client_ids),
                HelpRequest.handled_at.is_(None),
                HelpRequest.cancelled_at.is_(None),
            )
            .order_by(HelpRequest.created_at)
            # The board says which task each is about: with them, not a query each.
            .options(joinedload(HelpRequest.task))
        )
    )


def cancelled_on(db: Session, client_ids: list[int], day: date, time_zone: str) -> list[HelpRequest]:
    """Requests the clients took back on this day, for the coach's board."""
    return list(
        db.scalars(
            select(HelpRequest)
            .where(
                HelpRequest.client_id.in_(client_ids),
                HelpRequest.cancelled_at >= clock.start_of_day(day, time_zone),
                HelpRequest.cancelled_at < clock.start_of_day(day + timedelta(days=1), time_zone),
            )
            .order_by(HelpRequest.cancelled_at)
        )
    )


def newest_since(client_id, since) -> Select:
    """The client's newest request since an instant (the day's start), as a
    query; Today joins it to the day's other records."""
    return (
        select(HelpRequest)
        .where(HelpRequest.client_id == client_id, HelpRequest.created_at >= since)
        .order_by(HelpRequest.created_at.desc(), HelpRequest.id.desc())
        .limit(1)
    )


def shown(newest: HelpRequest | None) -> HelpRequest | None:
    """The day's newest request while it is open, or for a while after the
    coach has seen it; a cancelled one is not shown."""
    if newest is None or newest.cancelled_at is not None:
        return None
    if newest.handled_at is not None and clock.now() - newest.handled_at > KNOWN_SHOWN:
        return None
    return newest


def shown_to_client(db: Session, client: User, day: date) -> HelpRequest | None:
    """The request the client sees on every page: shown() of the day's newest."""
    return shown(db.scalar(newest_since(client.id, clock.start_of_day(day, client.organisation.time_zone))))


def mark_handled(db: Session, request: HelpRequest, coach_id: int) -> None:
    if request.handled_at is None:
        request.handled_at = clock.now()
        request.handled_by_id = coach_id


def cancel(request: HelpRequest) -> None:
    if request.cancelled_at is None:
        request.cancelled_at = clock.now()

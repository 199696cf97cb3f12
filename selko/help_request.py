"""'I need help': the client flags the coach, saying where they are."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from selko import clock
from selko.models import HelpRequest, TaskStep
from selko.tasks import TaskToday


def ask(db: Session, client_id: int, task: TaskToday | None = None, at: datetime | None = None) -> HelpRequest:
    step: TaskStep | None = task.current_step if task else None
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
            .where(HelpRequest.client_id.in_(client_ids), HelpRequest.handled_at.is_(None))
            .order_by(HelpRequest.created_at)
        )
    )


def mark_handled(db: Session, request: HelpRequest, coach_id: int) -> None:
    if request.handled_at is None:
        request.handled_at = clock.now()
        request.handled_by_id = coach_id

"""Today's tasks for a client, their steps, and the ticks that mark steps done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, bindparam, delete, func, select
from sqlalchemy.orm import Session, contains_eager

from selko import clock
from selko.models import StepTick, Task, TaskAssignment, TaskStep, User


@dataclass
class TaskToday:
    assignment: TaskAssignment
    ticked: set[int]  # step ids done today

    @property
    def task(self) -> Task:
        return self.assignment.task

    @property
    def done(self) -> int:
        return sum(1 for s in self.task.steps if s.id in self.ticked)

    @property
    def total(self) -> int:
        return len(self.task.steps)

    @property
    def finished(self) -> bool:
        return self.total > 0 and self.done == self.total

    @property
    def current_step(self) -> TaskStep | None:
        """The first step not yet done: where the client is."""
        return next((s for s in self.task.steps if s.id not in self.ticked), None)

    def step(self, step_id: int) -> TaskStep | None:
        return next((s for s in self.task.steps if s.id == step_id), None)

    def neighbours(self, step: TaskStep | None) -> tuple[TaskStep | None, TaskStep | None]:
        """The steps before and after one, one step at a time; None for the
        end (after the last step), whose step before is the last one."""
        steps = self.task.steps
        index = steps.index(step) if step is not None else len(steps)
        return (steps[index - 1] if index > 0 else None), (steps[index + 1] if index + 1 < len(steps) else None)


# Built once: Today asks it all day long, and building it took as long as running it.
_FOR_DAY = (
    select(TaskAssignment, StepTick.step_id)
    .join(TaskAssignment.task)
    .outerjoin(Task.steps)
    .outerjoin(StepTick, and_(StepTick.step_id == TaskStep.id, StepTick.client_id == bindparam("client_id"), StepTick.date == bindparam("day")))
    .where(TaskAssignment.client_id == bindparam("client_id"), TaskAssignment.weekday == bindparam("weekday"))
    .order_by(TaskAssignment.position, TaskAssignment.id, TaskStep.position)
    .options(contains_eager(TaskAssignment.task).contains_eager(Task.steps))
)


def for_day(db: Session, client_id: int, day: date) -> list[TaskToday]:
    """The client's tasks on that day with their steps and the day's ticks, in
    one query however many tasks and steps there are."""
    rows = db.execute(_FOR_DAY, {"client_id": client_id, "day": day, "weekday": day.weekday()}).unique().all()
    ticked = {step_id for _, step_id in rows if step_id is not None}
    return [TaskToday(a, ticked) for a in dict.fromkeys(a for a, _ in rows)]


def one_for_day(db: Session, client_id: int, day: date, assignment_id: int) -> TaskToday | None:
    """The client's own task for that day, or None (someone else's, or another weekday)."""
    return next((t for t in for_day(db, client_id, day) if t.assignment.id == assignment_id), None)


def set_tick(db: Session, client_id: int, day: date, step: TaskStep, done: bool, at: datetime | None = None) -> None:
    """Tick a step done, or take the tick away; `at` is when the client pressed."""
    existing = db.scalar(select(StepTick).where(StepTick.client_id == client_id, StepTick.step_id == step.id, StepTick.date == day))
    if done and existing is None:
        db.add(StepTick(client_id=client_id, step_id=step.id, date=day, ticked_at=at or clock.now()))
    elif not done and existing is not None:
        db.execute(delete(StepTick).where(StepTick.id == existing.id))


def assign_task(db: Session, client: User, task: Task, weekday: int) -> TaskAssignment:
    """The task last on the client's weekday."""
    last = db.scalar(select(func.max(TaskAssignment.position)).where(TaskAssignment.client_id == client.id, TaskAssignment.weekday == weekday))
    assignment = TaskAssignment(client_id=client.id, task_id=task.id, weekday=weekday, position=(last or 0) + 1)
    db.add(assignment)
    return assignment


def move_assignment_up(db: Session, assignment: TaskAssignment) -> None:
    same_day = list(
        db.scalars(
            select(TaskAssignment)
            .where(TaskAssignment.client_id == assignment.client_id, TaskAssignment.weekday == assignment.weekday)
            .order_by(TaskAssignment.position, TaskAssignment.id)
        )
    )
    index = same_day.index(assignment)
    if index > 0:
        same_day[index - 1], same_day[index] = same_day[index], same_day[index - 1]
    for position, a in enumerate(same_day, start=1):
        a.position = position

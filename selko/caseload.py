"""A coach's caseload: creating clients, and the task library's steps and order."""

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from selko import clock, media, pictures, signin
from selko.i18n import LANGUAGES
from selko.input_text import name_problem
from selko.models import (
    ClientProfile,
    Passkey,
    Role,
    StepTick,
    Task,
    TaskAssignment,
    TaskStep,
    User,
)


def check_client(form: dict) -> dict:
    """Errors per field, in words for the coach; empty when the form is fine."""
    errors = {}
    if not form.get("name"):
        errors["name"] = _("Give the client's name.")
    elif len(form["name"]) > 200:
        errors["name"] = _("The name can have at most 200 characters.")
    elif problem := name_problem(form["name"]):
        errors["name"] = problem
    phone = form.get("phone", "")
    if phone and not all(c.isdigit() or c in "+ -()" for c in phone) or len(phone) > 40:
        errors["phone"] = _("Write the phone number with digits, like 040 123 4567.")
    if len(form.get("workplace", "")) > 200:
        errors["workplace"] = _("The workplace can have at most 200 characters.")
    if form.get("language") not in LANGUAGES:
        errors["language"] = _("Choose a language.")
    return errors


def check_task(form: dict, current_picture: str = "") -> tuple[dict, list[str]]:
    """Errors per field for a task in the library, and its steps, one on each line.
    The picture is one Selko offers, or the one the task has now (an older
    task may have another), or none."""
    steps = [line.strip() for line in form.get("steps", "").splitlines() if line.strip()]
    title, picture = form.get("title", "").strip(), form.get("emoji", "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Give the task a name.")
    elif len(title) > TITLE_LENGTH:
        errors["title"] = _("The name can have at most 120 characters.")
    if not steps:
        errors["steps"] = _("Write at least one step, one step on each line.")
    elif any(len(s) > 300 for s in steps):
        errors["steps"] = _("A step can have at most 300 characters.")
    # One picture, never a word: "maito" is no picture for a client who cannot read.
    if picture and picture != current_picture and pictures.offered(picture) is None:
        errors["emoji"] = _("Choose one picture from the list.")
    return errors, steps


def create_client(db: Session, *, coach: User, name: str, phone: str = "", workplace: str = "", language: str = "fi") -> User:
    client = User(
        organisation_id=coach.organisation_id,
        role=Role.client,
        name=name,
        phone=phone,
        language=language,
        created_at=clock.now(),
    )
    db.add(client)
    db.flush()
    db.add(ClientProfile(user_id=client.id, coach_id=coach.id, workplace=workplace))
    db.flush()
    return client


def set_steps(db: Session, task: Task, texts: list[str]) -> None:
    """Rewrite a task's steps in order. Steps keep their ids by position, so
    today's ticks stay on the steps that remain."""
    existing = list(task.steps)
    for position, text in enumerate(texts, start=1):
        if position <= len(existing):
            existing[position - 1].text = text
        else:
            task.steps.append(TaskStep(position=position, text=text))
    for step in existing[len(texts) :]:
        db.execute(delete(StepTick).where(StepTick.step_id == step.id))
        task.steps.remove(step)
        for stem in (step.photo, step.voice):
            media.release(db, stem)


TITLE_LENGTH = 120


def copy_title(title: str) -> str:
    """The copy's name in the coach's language; the original's shortened to fit."""
    named = _("%(title)s (copy)", title=title)
    too_long = len(named) - TITLE_LENGTH
    return named if too_long <= 0 else _("%(title)s (copy)", title=title[: len(title) - too_long].rstrip())


def copy_task(db: Session, task: Task, title: str) -> Task:
    """A new task in the same library: the same picture and the same steps in
    order, with their pictures, photos and recordings (shared files: a file
    stays while any task uses it). The copy can change without changing the
    original, which other coaches' clients may be doing."""
    copy = Task(organisation_id=task.organisation_id, title=title, emoji=task.emoji, photo=task.photo)
    copy.steps = [TaskStep(position=s.position, text=s.text, emoji=s.emoji, photo=s.photo, voice=s.voice) for s in task.steps]
    db.add(copy)
    db.flush()
    return copy


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


def deactivate_coach(db: Session, coach: User) -> None:
    """A coach who left: every session and passkey ends at once, and no link
    signs them in again. Their clients stay theirs until moved."""
    coach.deactivated_at = coach.deactivated_at or clock.now()
    signin.end_all_device_sessions(db, coach.id)
    db.execute(delete(Passkey).where(Passkey.user_id == coach.id))


def move_clients(db: Session, clients: list[User], to: User) -> None:
    """Give clients another coach; today's board and alerts follow at once."""
    for client in clients:
        client.client_profile.coach_id = to.id

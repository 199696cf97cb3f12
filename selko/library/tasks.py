"""The task library: a task's name, picture and steps, checked and kept; copies of a task."""

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from selko.library import media, pictures
from selko.models import StepTick, Task, TaskStep

TITLE_LENGTH = 120


def of_organisation(db: Session, organisation_id: int) -> list[Task]:
    """The organisation's task library: every coach of it uses the same tasks."""
    return list(db.scalars(select(Task).where(Task.organisation_id == organisation_id).order_by(Task.title, Task.id)))


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

"""The client's tasks: the list, a task's steps (all or one at a time) and their ticks."""

from datetime import date

from flask import abort, g, jsonify, redirect, request, url_for
from flask_babel import gettext as _

from selko import db
from selko.client.blueprint import bp, day_context, todays_date
from selko.day import client_action, tasks
from selko.library import media
from selko.models import ActionKind, TaskAssignment
from selko.web.pages import after_post, page


@bp.get("/tasks")
def task_list():
    return page("client/tasks.html", **day_context())


def task_on(day: date, assignment_id: int):
    task = tasks.one_for_day(db.session(), g.user.id, day, assignment_id)
    if task is None:
        abort(404)
    return task


@bp.get("/offline-media")
def offline_media():
    """Today's photos and recordings for the service worker to keep when it
    saves Today (sw.js); it drops the ones no longer listed."""
    files = media.for_offline(db.session(), tasks.for_day(db.session(), g.user.id, todays_date()))
    return jsonify(media=[media.url(f.name) for f in files], bytes=sum(f.size for f in files), budget=media.OFFLINE_BUDGET)


@bp.get("/tasks/<id:assignment_id>")
def task(assignment_id: int):
    day = todays_date()
    task_today = task_on(day, assignment_id)
    if g.user.client_profile.one_step_at_a_time:
        # Where the client is: the first step not done, or the end.
        return _one_step(task_today, task_today.current_step, day)
    return page("client/task.html", task=task_today, day=day)


@bp.get("/tasks/<id:assignment_id>/steps/<id:step_id>")
def task_step(assignment_id: int, step_id: int):
    """One step on a page of its own, for a client whose coach chose it. A
    page per step, not a page that changes: the phone saves each one, so
    "Valmis" goes on to the next step also offline."""
    day = todays_date()
    task_today = task_on(day, assignment_id)
    step = task_today.step(step_id)
    if step is None:
        abort(404)
    return _one_step(task_today, step, day)


@bp.get("/tasks/<id:assignment_id>/ready")
def task_ready(assignment_id: int):
    """The end of a task shown one step at a time."""
    day = todays_date()
    return _one_step(task_on(day, assignment_id), None, day)


def _one_step_page(task_today, step) -> str:
    """The page of a step, or of the end for None. It has the step's tick's
    address: the same form ticks it in either view."""
    if step is None:
        return url_for(".task_ready", assignment_id=task_today.assignment.id)
    return url_for(".task_step", assignment_id=task_today.assignment.id, step_id=step.id)


def one_step_pages(task_today) -> list[str]:
    return [_one_step_page(task_today, s) for s in [*task_today.task.steps, None]]


def _one_step(task_today, step, day: date):
    before, after = task_today.neighbours(step)
    steps = task_today.task.steps
    return page(
        "client/task_step.html",
        task=task_today,
        step=step,
        day=day,
        number=steps.index(step) + 1 if step is not None else None,
        before=_one_step_page(task_today, before) if before is not None else None,
        after=_one_step_page(task_today, after),
        # Every step's tick, and the ones done: the page counts kept ticks in (selko.js).
        step_ticks=[_one_step_page(task_today, s) for s in steps],
        ticked=[_one_step_page(task_today, s) for s in steps if s.id in task_today.ticked],
    )


def _steps_answer(day: date, assignment_id: int, step_id: int):
    task_today = task_on(day, assignment_id)
    # One step at a time, "Valmis" goes on to the page the form names: one of the task's own.
    following = request.form.get("next", "")
    if following in one_step_pages(task_today):
        return redirect(following, code=303)
    return after_post(
        url_for(".task", assignment_id=assignment_id) + f"#step-{step_id}",
        "client/_steps.html",
        task=task_today,
        day=day,
    )


@bp.post("/tasks/<id:assignment_id>/steps/<id:step_id>")
@client_action.recorded(bp, ActionKind.tick, answer=_steps_answer)
def tick(press: client_action.Press, assignment_id: int, step_id: int):
    # Someone else's task or a step the coach removed is not found, whatever the day.
    assignment = db.session().get(TaskAssignment, assignment_id)
    mine = assignment is not None and assignment.client_id == g.user.id
    step = next((s for s in assignment.task.steps if s.id == step_id), None) if mine else None
    if step is None:
        abort(404)
    task_that_day = task_on(press.day, assignment_id)
    done = request.form.get("done")
    if done not in ("1", "0"):
        abort(400, description=_("Something went wrong. Try again."))
    press.what = f"{task_that_day.task.title} {step.position}/{task_that_day.total} {'✓' if done == '1' else '✗'}"
    tasks.set_tick(db.session(), g.user.id, press.day, step, done == "1", at=press.at)
    return _steps_answer(press.day, assignment_id, step_id)

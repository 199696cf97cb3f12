"""A client's week: the hours of each weekday, dates that differ, the tasks of each day."""

from flask import abort, request
from flask_babel import gettext as _

from selko import alarms, db
from selko.access import client_for_coach, owned
from selko.coach.blueprint import WEEKDAYS, bp, client_saved, org_now
from selko.coach.clients import client_tab
from selko.coach.library import weekday_and_task
from selko.day import schedule
from selko.day.tasks import assign_task, move_assignment_up
from selko.i18n import clock_time, day_in_words, weekday_name
from selko.models import ScheduleException, TaskAssignment
from selko.web.pages import page

MAX_BREAKS = 4


def _weekday_or_404(weekday: int) -> int:
    if weekday not in WEEKDAYS:
        abort(404)
    return weekday


@bp.route("/clients/<id:client_id>/schedule/<int:weekday>", methods=["GET", "POST"])
def schedule_day(client_id: int, weekday: int):
    client = client_for_coach(client_id)
    _weekday_or_404(weekday)
    if request.method == "GET":
        plan = schedule.weekday_plan(db.session(), client.id, weekday)
        return page("coach/schedule_day.html", client=client, weekday=weekday, form=schedule_form(plan))
    form = request.form
    if form.get("works") != "1":
        schedule.set_weekday(db.session(), client.id, weekday, None, [])
        _schedule_changed(client)
        return client_saved(client, "schedule", _("Schedule saved: %(day)s.", day=weekday_name(weekday)))
    try:
        hours = (schedule.parse_time(form.get("starts", "")), schedule.parse_time(form.get("ends", "")))
        breaks = []
        for i in range(MAX_BREAKS):
            starts, ends = form.get(f"break{i}_starts", "").strip(), form.get(f"break{i}_ends", "").strip()
            if starts or ends:
                breaks.append(schedule.BreakTime(schedule.parse_time(starts), schedule.parse_time(ends), form.get(f"break{i}_name", "").strip()[:100]))
        problem = schedule.check_day(hours, breaks)
    except ValueError:
        problem = _("Write times like 8.00 or 14.30.")
    if problem:
        return page(
            "coach/schedule_day.html",
            status=400,
            client=client,
            weekday=weekday,
            form=form,
            error=problem,
        )
    schedule.set_weekday(db.session(), client.id, weekday, hours, breaks)
    _schedule_changed(client)
    return client_saved(client, "schedule", _("Schedule saved: %(day)s.", day=weekday_name(weekday)))


def _schedule_changed(client) -> None:
    """Today's alarms follow the new schedule at once; later days are planned on their day."""
    db.session().flush()
    alarms.plan_day(db.session(), client, org_now().date())
    db.session().commit()


def schedule_form(plan: schedule.DayPlan) -> dict:
    form = {"works": "1" if plan.works else ""}
    if plan.works:
        form.update(starts=clock_time(plan.starts), ends=clock_time(plan.ends))
    for i, b in enumerate(plan.breaks):
        form.update({f"break{i}_starts": clock_time(b.starts), f"break{i}_ends": clock_time(b.ends), f"break{i}_name": b.name})
    return form


@bp.post("/clients/<id:client_id>/exceptions")
def exception_add(client_id: int):
    client = client_for_coach(client_id)
    errors, exception = schedule.check_exception(request.form)
    if errors:
        return client_tab(client, "schedule", 400, exception_errors=errors, exception_form=request.form)
    schedule.set_exception(db.session(), client.id, **exception)
    _schedule_changed(client)
    return client_saved(client, "exceptions", _("Date saved: %(day)s.", day=day_in_words(exception["day"])))


@bp.post("/clients/<id:client_id>/exceptions/<id:exception_id>/delete")
def exception_delete(client_id: int, exception_id: int):
    client = client_for_coach(client_id)
    db.session().delete(owned(ScheduleException, exception_id, client_id=client.id))
    _schedule_changed(client)
    return client_saved(client, "exceptions", _("Date removed."))


@bp.post("/clients/<id:client_id>/assignments")
def assignment_add(client_id: int):
    client = client_for_coach(client_id)
    weekday, task = weekday_and_task()
    if weekday is None or task is None:
        return client_tab(client, "schedule", 400, error=_("Choose a day and a task."))
    assign_task(db.session(), client, task, weekday)
    db.session().commit()
    return client_saved(client, "tasks", _("Task added: %(task)s, %(day)s.", task=task.title, day=weekday_name(weekday)))


@bp.post("/clients/<id:client_id>/one-step")
def one_step_set(client_id: int):
    """The coach's choice: the client's task steps one at a time, or as a list."""
    client = client_for_coach(client_id)
    client.client_profile.one_step_at_a_time = request.form.get("one_step") == "1"
    db.session().commit()
    if client.client_profile.one_step_at_a_time:
        return client_saved(client, "tasks", _("Saved: the client sees one step at a time."))
    return client_saved(client, "tasks", _("Saved: the client sees all the steps in a list."))


def _assignment(client, assignment_id: int) -> TaskAssignment:
    return owned(TaskAssignment, assignment_id, client_id=client.id)


@bp.post("/clients/<id:client_id>/assignments/<id:assignment_id>/delete")
def assignment_delete(client_id: int, assignment_id: int):
    client = client_for_coach(client_id)
    assignment = _assignment(client, assignment_id)
    db.session().delete(assignment)
    db.session().commit()
    return client_saved(client, "tasks", _("Task removed: %(task)s, %(day)s.", task=assignment.task.title, day=weekday_name(assignment.weekday)))


@bp.post("/clients/<id:client_id>/assignments/<id:assignment_id>/up")
def assignment_up(client_id: int, assignment_id: int):
    client = client_for_coach(client_id)
    assignment = _assignment(client, assignment_id)
    move_assignment_up(db.session(), assignment)
    db.session().commit()
    return client_saved(client, "tasks", _("Order changed: %(day)s.", day=weekday_name(assignment.weekday)))

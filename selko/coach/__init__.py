"""The coach's view: today board, clients, schedules, the task library."""

from datetime import date

import segno
from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import delete, select

from selko import (
    access,
    alarms,
    attendance,
    audit,
    caseload,
    client_action,
    coach_message,
    contacts,
    db,
    photos,
    pictures,
    schedule,
    self_assessment,
    share,
    signin,
    tasks,
    voice,
)
from selko.access import client_for_coach, clients_of
from selko.board import is_late
from selko.board import rows as board_rows
from selko.i18n import clock_time, day_in_words, weekday_name
from selko.ids import parse_id
from selko.models import (
    AbsenceReason,
    DeviceSession,
    HelpRequest,
    Passkey,
    PushSubscription,
    ScheduleException,
    SelfAssessment,
    Share,
    Task,
    TaskAssignment,
    TaskStep,
)
from selko.pages import page, public_url, wants_partial
from selko.selko_check import CHECKS
from selko.selko_check import check as check_text

bp = Blueprint("coach", __name__, template_folder="templates", url_prefix="/coach")
access.audience_of_blueprint(bp.name, access.COACH)

WEEKDAYS = range(7)
MAX_BREAKS = 4


def _now():
    return schedule.local_now(g.user.organisation)


def _saved(message: str, url: str, section: str = "page"):
    """After a change: back to the page, at the part that changed, with a short
    "saved" message there that a screen reader reads out (macro saved_here)."""
    flash(message, section)
    return redirect(url + ("" if section == "page" else f"#{section}"), code=303)


def _client_saved(client, section: str, message: str):
    return _saved(message, url_for(TAB_ENDPOINTS[SECTIONS[section]], client_id=client.id), section)


@bp.get("/")
def board():
    return _board_page()


def _board_page(status: int = 200, error: str | None = None):
    now = _now()
    rows = board_rows(db.session(), clients_of(g.user), now.date(), now)
    for row in rows:
        audit.note(row.client, "read")
    return page(
        "coach/board.html",
        "coach/_board.html",
        status=status,
        rows=rows,
        now=now,
        is_late=is_late,
        caseload_size=contacts.CaseloadSize(len(rows)),
        error=error,
    )


@bp.post("/help/<id:request_id>/handled")
def help_handled(request_id: int):
    help_req = db.session().get(HelpRequest, request_id)
    if help_req is None:
        abort(404)
    client = client_for_coach(help_req.client_id)
    return _handled(client, lambda log_as: contacts.help_handled(db.session(), help_req, g.user, _now().date(), log_as))


@bp.post("/talks/<id:answer_id>/handled")
def talk_handled(answer_id: int):
    """ "I want to talk" on the board until the coach has talked with the client."""
    answer = db.session().get(SelfAssessment, answer_id)
    if answer is None or not answer.wants_to_talk:
        abort(404)
    client = client_for_coach(answer.client_id)
    return _handled(client, lambda log_as: contacts.talk_handled(db.session(), answer, g.user, _now().date(), log_as))


def _handled(client, handle):
    """The board's "Handled", logging a contact of the kind the coach chose, if any."""
    try:
        log_as = contacts.kind_to_log(request.form.get("contact", ""))
    except ValueError:
        return _board_page(status=400, error=_("Choose a kind of contact, or no contact."))
    handle(log_as)
    db.session().commit()
    if log_as is None:
        return _saved(_("Marked as handled: %(name)s.", name=client.name), url_for(".board"))
    return _saved(_("Marked as handled and the contact logged: %(name)s.", name=client.name), url_for(".board"))


@bp.get("/caseload")
def caseload_page():
    """Every client's last contact and what is open: the monthly follow-up."""
    today = _now().date()
    rows = contacts.caseload(db.session(), clients_of(g.user), today)
    for row in rows:
        audit.note(row.client, "read")
    return page("coach/caseload.html", rows=rows, caseload_size=contacts.CaseloadSize(len(rows)), today=today)


@bp.route("/clients/new", methods=["GET", "POST"])
def client_new():
    if request.method == "GET":
        return page("coach/client_new.html", form={})
    form = {k: request.form.get(k, "").strip() for k in ("name", "phone", "workplace", "language")}
    errors = caseload.check_client(form)
    if errors:
        return page("coach/client_new.html", status=400, form=form, errors=errors, error=True)
    client = caseload.create_client(db.session(), coach=g.user, **form)
    db.session().commit()
    return _saved(_("Client added."), url_for(".client_page", client_id=client.id))


def _today_tab(client) -> dict:
    now = _now()
    return {
        "ready_messages": alarms.READY_MESSAGES,
        # The coach reads ready messages in the coach's own language.
        "messages": [(m, alarms.alarm_message(m, g.user.language)["body"]) for m in coach_message.recent(db.session(), client.id)],
        "todays_tasks": tasks.for_day(db.session(), client.id, now.date()),
        "attendance_today": attendance.for_day(db.session(), client.id, now.date()),
        "presses_today": client_action.for_day(db.session(), client.id, now.date(), g.user.organisation.time_zone),
        "absence_reasons": list(AbsenceReason),
    }


def _library() -> list[Task]:
    """The organisation's task library: every coach of it uses the same tasks."""
    return list(db.session().scalars(select(Task).where(Task.organisation_id == g.user.organisation_id).order_by(Task.title, Task.id)))


def _task_choices(library: list[Task]) -> list[tuple[int, str]]:
    return [(t.id, f"{t.emoji} {t.title}".strip()) for t in library]


def _schedule_tab(client) -> dict:
    library = _library()
    return {
        "week": [schedule.weekday_plan(db.session(), client.id, d) for d in WEEKDAYS],
        "assignments": db.session()
        .scalars(
            select(TaskAssignment).where(TaskAssignment.client_id == client.id).order_by(TaskAssignment.weekday, TaskAssignment.position, TaskAssignment.id)
        )
        .all(),
        "exceptions": db.session()
        .scalars(
            select(ScheduleException).where(ScheduleException.client_id == client.id, ScheduleException.date >= _now().date()).order_by(ScheduleException.date)
        )
        .all(),
        "library": library,
        "weekday_choices": [(d, weekday_name(d)) for d in WEEKDAYS],
        "task_choices": _task_choices(library),
    }


def _phones_tab(client) -> dict:
    return {
        "devices": signin.active_device_sessions(db.session(), client.id),
        "ringing": {s.device_session_id: s for s in db.session().scalars(select(PushSubscription).where(PushSubscription.user_id == client.id))},
        "passkeys": db.session().scalars(select(Passkey).where(Passkey.user_id == client.id)).all(),
        "shares": share.active(db.session(), client.id),
    }


# The client's page in tabs, so it is not one long scroll: each tab's page and
# what it shows. The register's and the diary's tabs live in records.py.
TABS = {
    "today": ("coach/client.html", _today_tab),
    "contacts": ("coach/client_contacts.html", lambda client: {"contacts": contacts.for_client(db.session(), client.id, _now().date())}),
    "assessment": ("coach/client_assessment.html", lambda client: {"assessment_weeks": self_assessment.by_week(db.session(), client.id, _now().date())}),
    "schedule": ("coach/client_schedule.html", _schedule_tab),
    "phones": ("coach/client_phones.html", _phones_tab),
}
# Where each part of a tab lives, for the "saved" message after a change.
SECTIONS = {
    "attendance": "today",
    "messages": "today",
    "schedule": "schedule",
    "exceptions": "schedule",
    "tasks": "schedule",
    "phones": "phones",
    "shares": "phones",
    "contacts": "contacts",
}
TAB_ENDPOINTS = {"today": ".client_page", "schedule": ".client_schedule", "phones": ".client_phones", "contacts": ".client_contacts"}


def _client_page(client, template: str, status: int = 200, **context):
    """A tab of the client's page (the tabs need the client and today)."""
    return page(template, status=status, client=client, today=_now().date(), **context)


def _client_tab(client, tab: str, status: int = 200, **extra):
    template, context = TABS[tab]
    return _client_page(client, template, status, **context(client), **extra)


@bp.get("/clients/<id:client_id>")
def client_page(client_id: int):
    return _client_tab(client_for_coach(client_id), "today")


@bp.get("/clients/<id:client_id>/schedule")
def client_schedule(client_id: int):
    return _client_tab(client_for_coach(client_id), "schedule")


@bp.get("/clients/<id:client_id>/contacts")
def client_contacts(client_id: int):
    return _client_tab(client_for_coach(client_id), "contacts")


@bp.get("/clients/<id:client_id>/self-assessment")
def client_assessment(client_id: int):
    return _client_tab(client_for_coach(client_id), "assessment")


@bp.get("/clients/<id:client_id>/phones")
def client_phones(client_id: int):
    return _client_tab(client_for_coach(client_id), "phones")


@bp.post("/clients/<id:client_id>/connect")
def connect_phone(client_id: int):
    client = client_for_coach(client_id)
    token = signin.create_link_token(db.session(), client, minutes=current_app.config["SIGN_IN_LINK_MINUTES"], created_by=g.user)
    db.session().commit()
    link = public_url("auth.sign_in_link", token=token)
    qr = segno.make(link, error="m").svg_inline(scale=6, title=_("QR code of the sign-in link"))
    return page(
        "coach/connect.html",
        client=client,
        link=link,
        qr=Markup(qr),
        minutes=current_app.config["SIGN_IN_LINK_MINUTES"],
    )


@bp.post("/clients/<id:client_id>/devices/<id:device_id>/sign-out")
def device_sign_out(client_id: int, device_id: int):
    client = client_for_coach(client_id)
    device = db.session().get(DeviceSession, device_id)
    if device is None or device.user_id != client.id:
        abort(404)
    signin.end(db.session(), device)
    db.session().commit()
    return _client_saved(client, "phones", _("The phone is signed out."))


@bp.post("/clients/<id:client_id>/passkeys/<id:passkey_id>/delete")
def passkey_delete(client_id: int, passkey_id: int):
    client = client_for_coach(client_id)
    deleted = db.session().execute(delete(Passkey).where(Passkey.id == passkey_id, Passkey.user_id == client.id))
    if deleted.rowcount != 1:
        abort(404)
    db.session().commit()
    return _client_saved(client, "phones", _("The passkey is removed."))


@bp.post("/clients/<id:client_id>/reminder")
def reminder_send(client_id: int):
    """ "Send a reminder now": a ready message (sent by its key, so the client
    reads it in the client's language) or the coach's own words, as written."""
    client = client_for_coach(client_id)
    own, ready = (request.form.get("own") or "").strip(), request.form.get("ready", "")
    if own and len(own) <= 300:
        alarms.ring_now(db.session(), client, alarms.Kind.coach, own)
    elif not own and ready in alarms.READY_MESSAGES:
        alarms.ring_now(db.session(), client, alarms.Kind.ready_message, ready)
    else:
        return _client_tab(client, "today", 400, error=_("Choose a message or write one (at most 300 characters)."))
    db.session().commit()
    return _client_saved(client, "messages", _("Message sent."))


def attendance_correction(form: dict, day: date) -> dict:
    """The coach's form as attendance.correct's arguments; ValueError with
    the words for the coach when it cannot be. The state is one of: at work
    (times), present on the coach's word, absent (a reason), nothing recorded."""
    state = form.get("state") or ("absent" if form.get("reason") else "times")
    if state == "none":
        return {}
    if state == "word":
        return {"present_by_word": True}
    if state == "absent" or form.get("reason"):
        if form.get("reason") not in {r.value for r in AbsenceReason}:
            raise ValueError(_("Choose a reason for the absence."))
        if form.get("arrived") or form.get("left"):
            raise ValueError(_("An absent day has no arrival or leaving time. Leave the times empty."))
        return {"absence_reason": AbsenceReason(form["reason"])}
    if state != "times":
        raise ValueError(_("Choose what the day was."))
    if not form.get("arrived"):
        raise ValueError(_("Give the time the client arrived, or choose a reason for the absence."))
    zone = g.user.organisation.time_zone
    try:
        arrived, left = (alarms.wall_clock(day, schedule.parse_time(form[k]), zone) if form.get(k) else None for k in ("arrived", "left"))
    except ValueError:
        raise ValueError(_("Write times like 8.00 or 14.30.")) from None
    if left is not None and left < arrived:
        raise ValueError(_("The client cannot leave before arriving."))
    if max(arrived, left or arrived) > _now():
        raise ValueError(_("A time cannot be later than now."))
    return {"arrived_at": arrived, "left_at": left}


@bp.post("/clients/<id:client_id>/attendance")
def attendance_correct(client_id: int):
    """The coach corrects today's attendance; the correction stands against
    the client's presses made before it that reach Selko later."""
    client = client_for_coach(client_id)
    form = {k: request.form.get(k, "").strip() for k in ("arrived", "left", "reason")}
    day = _now().date()
    try:
        attendance.correct(db.session(), client.id, day, g.user, **attendance_correction(form, day))
    except ValueError as problem:
        return _client_tab(client, "today", 400, error=str(problem), attendance_form=form)
    db.session().commit()
    return _client_saved(client, "attendance", _("Correction saved."))


@bp.post("/clients/<id:client_id>/contacts")
def contact_add(client_id: int):
    client = client_for_coach(client_id)
    form = {k: request.form.get(k, "") for k in ("kind", "date", "note")}
    errors, contact = contacts.check(form, _now().date())
    if errors:
        return _client_tab(client, "contacts", 400, contact_form=form, contact_errors=errors)
    contacts.log(db.session(), client.id, g.user, **contact)
    db.session().commit()
    return _client_saved(client, "contacts", _("Contact saved."))


@bp.post("/clients/<id:client_id>/shares")
def share_add(client_id: int):
    """A share made by the coach for the client, only with the client's consent."""
    client = client_for_coach(client_id)
    form = request.form
    name = form.get("name", "").strip()
    error = share.name_problem(name)
    ends_on = None
    if not error and form.get("agreed") != "1":
        error = _("Share only when the client agrees. Tick the box when they do.")
    elif not error and form.get("ends_on"):
        try:
            ends_on = date.fromisoformat(form["ends_on"])
        except ValueError:
            error = _("Give the end date as a date, or leave it empty.")
    if error:
        return _client_tab(client, "phones", 400, error=error)
    token = share.create(db.session(), client, name=name, created_by=g.user, ends_on=ends_on, show_tasks=form.get("tasks") == "1")
    db.session().commit()
    return _client_tab(client, "phones", new_share_link=public_url("family.week", token=token), new_share_name=name)


@bp.post("/clients/<id:client_id>/shares/<id:share_id>/stop")
def share_stop(client_id: int, share_id: int):
    client = client_for_coach(client_id)
    found = db.session().get(Share, share_id)
    if found is None or found.client_id != client.id:
        abort(404)
    share.stop(found)
    db.session().commit()
    return _client_saved(client, "shares", _("Sharing stopped: %(name)s.", name=found.name))


@bp.post("/clients/<id:client_id>/phone-lost")
def phone_lost(client_id: int):
    """A lost phone: sign out every device and remove every passkey of the client."""
    client = client_for_coach(client_id)
    signin.end_all_device_sessions(db.session(), client.id)
    db.session().execute(delete(Passkey).where(Passkey.user_id == client.id))
    db.session().commit()
    return _client_saved(client, "phones", _("Every phone is signed out and every passkey removed."))


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
        return _client_saved(client, "schedule", _("Schedule saved: %(day)s.", day=weekday_name(weekday)))
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
    return _client_saved(client, "schedule", _("Schedule saved: %(day)s.", day=weekday_name(weekday)))


def _schedule_changed(client) -> None:
    """Today's alarms follow the new schedule at once; later days are planned on their day."""
    db.session().flush()
    alarms.plan_day(db.session(), client, _now().date())
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
    form = request.form
    error = None
    try:
        day = date.fromisoformat(form.get("date", ""))
        day_off = form.get("kind") == "off"
        hours = None if day_off else (schedule.parse_time(form.get("starts", "")), schedule.parse_time(form.get("ends", "")))
        if hours and hours[1] <= hours[0]:
            error = _("Work must end after it starts.")
    except ValueError:
        error = _("Give a date, and times like 8.00 or 14.30.")
    if error:
        return _client_tab(client, "schedule", 400, error=error, exception_form=form)
    db.session().execute(delete(ScheduleException).where(ScheduleException.client_id == client.id, ScheduleException.date == day))
    db.session().add(
        ScheduleException(
            client_id=client.id,
            date=day,
            day_off=day_off,
            starts=hours[0] if hours else None,
            ends=hours[1] if hours else None,
            note=form.get("note", "").strip()[:200],
        )
    )
    _schedule_changed(client)
    return _client_saved(client, "exceptions", _("Date saved: %(day)s.", day=day_in_words(day)))


@bp.post("/clients/<id:client_id>/exceptions/<id:exception_id>/delete")
def exception_delete(client_id: int, exception_id: int):
    client = client_for_coach(client_id)
    deleted = db.session().execute(delete(ScheduleException).where(ScheduleException.id == exception_id, ScheduleException.client_id == client.id))
    if deleted.rowcount != 1:
        abort(404)
    _schedule_changed(client)
    return _client_saved(client, "exceptions", _("Date removed."))


def _weekday_and_task() -> tuple[int | None, Task | None]:
    """The weekday and the library's task a form chose; None for what it did not."""
    weekday = {str(d): d for d in WEEKDAYS}.get(request.form.get("weekday", ""))
    task_id = parse_id(request.form.get("task"))
    task = db.session().get(Task, task_id) if task_id else None
    return weekday, task if task is not None and task.organisation_id == g.user.organisation_id else None


@bp.post("/clients/<id:client_id>/assignments")
def assignment_add(client_id: int):
    client = client_for_coach(client_id)
    weekday, task = _weekday_and_task()
    if weekday is None or task is None:
        return _client_tab(client, "schedule", 400, error=_("Choose a day and a task."))
    caseload.assign_task(db.session(), client, task, weekday)
    db.session().commit()
    return _client_saved(client, "tasks", _("Task added: %(task)s, %(day)s.", task=task.title, day=weekday_name(weekday)))


@bp.post("/clients/<id:client_id>/one-step")
def one_step_set(client_id: int):
    """The coach's choice: the client's task steps one at a time, or as a list."""
    client = client_for_coach(client_id)
    client.client_profile.one_step_at_a_time = request.form.get("one_step") == "1"
    db.session().commit()
    if client.client_profile.one_step_at_a_time:
        return _client_saved(client, "tasks", _("Saved: the client sees one step at a time."))
    return _client_saved(client, "tasks", _("Saved: the client sees all the steps in a list."))


def _assignment(client, assignment_id: int) -> TaskAssignment:
    assignment = db.session().get(TaskAssignment, assignment_id)
    if assignment is None or assignment.client_id != client.id:
        abort(404)
    return assignment


@bp.post("/clients/<id:client_id>/assignments/<id:assignment_id>/delete")
def assignment_delete(client_id: int, assignment_id: int):
    client = client_for_coach(client_id)
    assignment = _assignment(client, assignment_id)
    db.session().delete(assignment)
    db.session().commit()
    return _client_saved(client, "tasks", _("Task removed: %(task)s, %(day)s.", task=assignment.task.title, day=weekday_name(assignment.weekday)))


@bp.post("/clients/<id:client_id>/assignments/<id:assignment_id>/up")
def assignment_up(client_id: int, assignment_id: int):
    client = client_for_coach(client_id)
    assignment = _assignment(client, assignment_id)
    caseload.move_assignment_up(db.session(), assignment)
    db.session().commit()
    return _client_saved(client, "tasks", _("Order changed: %(day)s.", day=weekday_name(assignment.weekday)))


@bp.get("/tasks")
def task_library():
    return _library_page()


def _library_page(status: int = 200, **extra):
    library = _library()
    return page(
        "coach/tasks.html",
        status=status,
        library=library,
        task_choices=_task_choices(library),
        client_choices=[(c.id, c.name) for c in clients_of(g.user)],
        weekday_choices=[(d, weekday_name(d)) for d in WEEKDAYS],
        **extra,
    )


@bp.post("/tasks/give")
def task_give():
    """A task from the library on a weekday of one of the coach's own clients."""
    weekday, task = _weekday_and_task()
    client_id = parse_id(request.form.get("client"))
    if weekday is None or task is None or client_id is None:
        return _library_page(400, error=_("Choose a task, a client and a day."), give_form=request.form)
    client = client_for_coach(client_id)
    caseload.assign_task(db.session(), client, task, weekday)
    db.session().commit()
    return _saved(
        _("Task added: %(task)s, %(day)s, %(name)s.", task=task.title, day=weekday_name(weekday), name=client.name),
        url_for(".task_library"),
        "give",
    )


@bp.post("/tasks/<id:task_id>/copy")
def task_copy(task_id: int):
    """A copy to change for one client; the original stays as it is for the others."""
    original = _library_task(task_id)
    copy = caseload.copy_task(db.session(), original, caseload.copy_title(original.title))
    db.session().commit()
    return _saved(_("Copy made: %(task)s. Change it here.", task=copy.title), url_for(".task_edit", task_id=copy.id))


def _library_task(task_id: int) -> Task:
    task = db.session().get(Task, task_id)
    if task is None or task.organisation_id != g.user.organisation_id:
        abort(404)
    return task


def _picture_choices(query: str) -> dict:
    """The task form's pictures for a search, and the words on what was found."""
    query = " ".join(query.split())[:100]
    found = pictures.search(query)
    if not query:
        words = _("Pictures for everyday work. Search for more.")
    elif found:
        words = ngettext("%(num)s picture for “%(words)s”.", "%(num)s pictures for “%(words)s”.", len(found), words=query)
    else:
        words = _("No pictures for “%(words)s”. Try another word.", words=query)
    return {"query": query, "found": found, "found_words": words}


@bp.route("/tasks/new", methods=["GET", "POST"], defaults={"task_id": None})
@bp.route("/tasks/<id:task_id>", methods=["GET", "POST"])
def task_edit(task_id: int | None):
    """A task of the library. Its pictures are searched by a word in the
    coach's language: htmx asks for the pictures alone as the coach types
    (GET with q), and without JavaScript "Search" posts the form back with
    what it found and saves nothing."""
    task = _library_task(task_id) if task_id is not None else None
    if request.method == "GET":
        form = {}
        if task:
            form = {"title": task.title, "emoji": task.emoji, "steps": "\n".join(s.text for s in task.steps)}
        if "emoji" in request.args:  # the picture checked when htmx searched
            form["emoji"] = request.args["emoji"]
        choices = _picture_choices(request.args.get("q", ""))
        return page(
            "coach/task_edit.html",
            partial="coach/_picture_picker.html",
            task=task,
            form=form,
            chosen=form.get("emoji", "").strip(),
            alone=wants_partial(),
            **choices,
        )
    form = {k: request.form.get(k, "") for k in ("title", "emoji", "steps")}
    choices = _picture_choices(request.form.get("q", ""))
    if "search" in request.form:
        return page("coach/task_edit.html", task=task, form=form, chosen=form["emoji"].strip(), **choices)
    errors, steps = caseload.check_task(form, current_picture=task.emoji if task else "")
    if errors:
        return page("coach/task_edit.html", status=400, task=task, form=form, chosen=form["emoji"].strip(), errors=errors, error=True, **choices)
    if task is None:
        task = Task(organisation_id=g.user.organisation_id)
        db.session().add(task)
    task.title = form["title"].strip()
    chosen = pictures.offered(form["emoji"])
    task.emoji = chosen.emoji if chosen else form["emoji"].strip()
    caseload.set_steps(db.session(), task, steps)
    db.session().commit()
    return _saved(_("Task saved: %(task)s.", task=task.title), url_for(".task_library"))


@bp.post("/selko-check")
def selko_check():
    """The selko check of the field the coach is typing in: htmx sends the
    field's form, which field it is and how to read it (macros.html). Only
    htmx asks: without JavaScript the form shows its suggestions when it is
    shown again."""
    what = request.form.get("selko_check", "")
    if what not in CHECKS or not wants_partial():
        abort(400)
    text = request.form.get(request.form.get("selko_field", ""), "")
    return page("coach/_selko_check.html", check_result=check_text(text, what))


def _task_page(task: Task | None, status: int = 200, **extra):
    form = {"title": task.title, "emoji": task.emoji, "steps": "\n".join(s.text for s in task.steps)} if task else {}
    return page("coach/task_edit.html", status=status, task=task, form=form, chosen=form.get("emoji", "").strip(), **_picture_choices(""), **extra)


def _library_step(task_id: int, step_id: int) -> tuple[Task, TaskStep]:
    task = _library_task(task_id)
    step = next((s for s in task.steps if s.id == step_id), None)
    if step is None:
        abort(404)
    return task, step


def _photo_answer(task: Task, step: TaskStep | None, message: str | None = None, problem: str | None = None, status: int = 200):
    """After a photo's upload or removal: the photo's block again (htmx), or
    the task's page at that block. A refusal shows the page with its reason."""
    block = f"step-{step.id}-photo" if step else "task-photo"
    partial = "coach/_step_photo.html" if step else "coach/_task_photo.html"
    if problem is None:
        flash(message, block)
        if not wants_partial():
            return redirect(url_for(".task_edit", task_id=task.id) + f"#{block}", code=303)
    photo_problem = {block: problem} if problem else {}
    if wants_partial():
        return render_template(partial, task=task, step=step, photo_problem=photo_problem), status, {"Vary": "HX-Request"}
    return _task_page(task, status, photo_problem=photo_problem, errors={f"{block}-camera": problem})


def _upload() -> bytes | None:
    """The chosen file: the camera's or the phone's photos', whichever has one."""
    chosen = next((f for f in request.files.getlist("photo") if f.filename), None)
    return chosen.read() if chosen else None


def _save_photo(task: Task, step: TaskStep | None):
    data = _upload()
    if not data:
        return _photo_answer(task, step, problem=_("Choose a photo first."), status=400)
    problem = photos.attach(db.session(), step or task, data)
    if problem:
        db.session().rollback()
        return _photo_answer(task, step, problem=problem.message, status=400)
    db.session().commit()
    return _photo_answer(task, step, _("Photo saved."))


def _remove_photo(task: Task, step: TaskStep | None):
    photos.remove(db.session(), step or task)
    db.session().commit()
    return _photo_answer(task, step, _("Photo removed."))


@bp.post("/tasks/<id:task_id>/photo")
def task_photo(task_id: int):
    return _save_photo(_library_task(task_id), None)


@bp.post("/tasks/<id:task_id>/photo/remove")
def task_photo_remove(task_id: int):
    return _remove_photo(_library_task(task_id), None)


@bp.post("/tasks/<id:task_id>/steps/<id:step_id>/photo")
def step_photo(task_id: int, step_id: int):
    return _save_photo(*_library_step(task_id, step_id))


@bp.post("/tasks/<id:task_id>/steps/<id:step_id>/photo/remove")
def step_photo_remove(task_id: int, step_id: int):
    return _remove_photo(*_library_step(task_id, step_id))


@bp.post("/tasks/<id:task_id>/steps/<id:step_id>/voice")
def step_voice(task_id: int, step_id: int):
    """The coach's recording of one step (recorded in the page, or a file)."""
    task, step = _library_step(task_id, step_id)
    upload = request.files.get("voice")
    # One byte more than allowed is enough to say it is too big.
    data = upload.stream.read(voice.MAX_BYTES + 1) if upload else b""
    sound = voice.attach(db.session(), step, data)
    if isinstance(sound, voice.Refused):
        db.session().rollback()
        return _task_page(task, 400, voice_errors={step.id: str(sound)}, error=True)
    db.session().commit()
    number = task.steps.index(step) + 1
    return _saved(_("Recording saved: step %(num)s.", num=number), url_for(".task_edit", task_id=task.id), f"step-{step.id}-media")


@bp.post("/tasks/<id:task_id>/steps/<id:step_id>/voice/remove")
def step_voice_remove(task_id: int, step_id: int):
    task, step = _library_step(task_id, step_id)
    voice.remove(db.session(), step)
    db.session().commit()
    number = task.steps.index(step) + 1
    return _saved(_("Recording removed: step %(num)s.", num=number), url_for(".task_edit", task_id=task.id), f"step-{step.id}-media")


# The register and the diary add their routes to this blueprint.
from selko.coach import records  # noqa: E402,F401

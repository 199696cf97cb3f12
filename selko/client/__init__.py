"""The client's phone: today, check-in, tasks, breaks, help, how today went."""

from datetime import date
from types import SimpleNamespace

from flask import Blueprint, abort, current_app, g, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import delete, select

from selko import access, clock, db
from selko.alarms import SCHEDULE_KINDS, Kind, alarm_message, messages, ring_now, wall_clock, webpush
from selko.day import attendance, client_action, help_request, schedule, self_assessment, tasks
from selko.day import today as client_day
from selko.i18n import local
from selko.ids import parse_id
from selko.input_text import is_plain_number
from selko.library import media
from selko.models import AbsenceReason, ActionKind, HelpRequest, PushSubscription, Role, Share, TaskAssignment
from selko.people import share
from selko.web.pages import after_post, page, public_url
from selko.words import labels

bp = Blueprint("client", __name__, template_folder="templates")
access.audience_of_blueprint(bp.name, access.CLIENT)


def _today() -> date:
    return schedule.local_now(g.user.organisation).date()


def _posted_day() -> date:
    """The day a form was made for. A page left open since yesterday must not
    change today, so a form from another day is refused."""
    today = _today()
    if request.form.get("day") != today.isoformat():
        abort(400, description=_("This page is from another day. Open the page again."))
    return today


def _day_context() -> dict:
    now = schedule.local_now(g.user.organisation)
    day = now.date()
    ahead = schedule.ahead(db.session(), g.user.id, day)
    plan = ahead[0]
    todays_tasks = tasks.for_day(db.session(), g.user.id, day)
    records = client_day.records(db.session(), g.user, day, g.device.id)
    # The help bar on every client page shows it too (coach_contact): read once.
    g.help_now = records.help_now
    return {
        "now": now,
        "day": day,
        "plan": plan,
        "ahead": ahead,
        "records": records,
        "next_event": schedule.next_event(plan, now.time()),
        "bar": schedule.break_bar(plan, now.time()),
        "attendance": records.attendance,
        "tasks": todays_tasks,
        "tasks_finished": sum(1 for t in todays_tasks if t.finished),
        "assessment": records.assessment,
        "coach_changed_day": records.coach_changed_day,
        "messages": [(m, alarm_message(m, g.user.language)) for m in messages.unseen(db.session(), g.user.id)],
        # Until then going home asks first; the page asks by itself, also offline.
        "early_until": int((wall_clock(day, plan.ends, g.user.organisation.time_zone) - attendance.EARLY_LEAVING).timestamp() * 1000) if plan.works else 0,
        "can_undo_leaving": attendance.can_undo_leaving(records.attendance, clock.now()),
    }


def _today_context() -> dict:
    """All of Today: the day, tomorrow, and the alarms that ring in the page."""
    context = _day_context()
    context["tomorrow"], context["next_work_day"] = schedule.tomorrow(context["ahead"])
    context["in_page_alarms"] = _alarms_in_page(context["plan"], clock.now(), context["records"].subscription)
    context["diary_note"] = context["records"].diary_note
    return context


@bp.get("/week")
def week():
    """My work days this week and the next, as the family sees them, with the coach's notes."""
    return page("client/week.html", weeks=share.weeks_of(db.session(), g.user, show_tasks=True, show_notes=True))


def _alarms_in_page(plan, now, subscription: PushSubscription | None) -> list[dict]:
    """Where this phone cannot ring by push, the open Today page rings by
    itself: the rest of today's alarms, as instants and words."""
    profile = g.user.client_profile
    if subscription is not None or profile.alarms_silenced_on == plan.day:
        return []
    result = []
    for event in schedule.events(plan):
        at = wall_clock(plan.day, event.at, g.user.organisation.time_zone)
        if at > now and getattr(profile, f"alarm_{event.kind}"):
            words = alarm_message(SimpleNamespace(id=0, kind=event.kind, text=event.name), g.user.language)
            result.append({"at": int(at.timestamp() * 1000), "title": words["title"], "body": words["body"]})
    return result


@bp.get("/")
@access.public
def today():
    if g.user is None:
        return redirect(url_for("auth.welcome"))
    if g.user.role != Role.client:
        return redirect(url_for("coach.board"))
    context = _today_context()
    # htmx asks for the part that changes with time once a minute (_today_now.html).
    body, status, headers = page("client/today.html", "client/_today_now.html", **context)
    # The service worker saves these with Today, so the whole day works offline.
    headers["Selko-Offline-Pages"] = " ".join(
        [
            url_for(".task_list"),
            url_for(".week"),
            *(url_for(".task", assignment_id=t.assignment.id) for t in context["tasks"]),
            # One step at a time: every step's page and the end, for Valmis to go to offline.
            *(url for t in context["tasks"] if g.user.client_profile.one_step_at_a_time for url in _one_step_pages(t)),
            url_for(".absent_form"),
            url_for(".how_today_went_form"),
        ]
    )
    return body, status, headers


@bp.post("/messages/<id:message_id>/seen")
def message_seen(message_id: int):
    """ "Selvä": the client read the coach's message; it leaves Today."""
    message = messages.one(db.session(), g.user.id, message_id)
    if message is None:
        abort(404)
    messages.mark_seen(message)
    db.session().commit()
    return after_post(url_for(".today"), "client/_today_now.html", **_day_context())


def _check_in_answer(day: date):
    """Today's check-in block; a press sent late for an earlier day answers with today too."""
    return after_post(url_for(".today"), "client/_check_in.html", **_day_context())


def _back_to_today(day: date):
    return redirect(url_for(".today"), code=303)


@bp.post("/arrive")
@client_action.recorded(bp, ActionKind.arrive, answer=_check_in_answer)
def arrive(press: client_action.Press):
    attendance.arrive(db.session(), g.user.id, press.day, at=press.at)
    return _check_in_answer(press.day)


@bp.post("/leave")
@client_action.recorded(bp, ActionKind.leave, answer=_check_in_answer)
def leave(press: client_action.Press):
    plan = schedule.day_plan(db.session(), g.user.id, press.day)
    if request.form.get("sure") != "1" and attendance.leaves_early(plan, local(press.at).time()):
        # Without the page's script: the same question, from the server.
        press.what = "?"
        return page("client/today.html", "client/_check_in.html", ask_leaving=True, **_today_context())
    attendance.leave(db.session(), g.user.id, press.day, at=press.at)
    return _check_in_answer(press.day)


@bp.post("/leave/undo")
def leave_undo():
    day = _posted_day()
    if not attendance.undo_leaving(db.session(), g.user.id, day):
        abort(400, description=_("It is too late to change this. Tell your coach."))
    db.session().commit()
    return _check_in_answer(day)


@bp.get("/absent")
def absent_form():
    return page("client/absent.html", reasons=list(AbsenceReason), day=_today())


@bp.post("/absent")
@client_action.recorded(bp, ActionKind.absent, answer=_back_to_today)
def absent(press: client_action.Press):
    day = press.day
    try:
        reason = AbsenceReason(request.form.get("reason", ""))
    except ValueError:
        return page(
            "client/absent.html",
            status=400,
            reasons=list(AbsenceReason),
            day=day,
            error=_("Choose one picture."),
            note=request.form.get("note", ""),
        )
    press.what = reason.value
    record = attendance.report_absence(db.session(), g.user.id, day, reason, request.form.get("note", ""), at=press.at)
    ring_now(db.session(), g.user, Kind.absent, labels.absence_words(record, g.user.client_profile.coach.language))
    return _back_to_today(day)


@bp.get("/tasks")
def task_list():
    return page("client/tasks.html", **_day_context())


def _task_on(day: date, assignment_id: int):
    task = tasks.one_for_day(db.session(), g.user.id, day, assignment_id)
    if task is None:
        abort(404)
    return task


@bp.get("/offline-media")
def offline_media():
    """Today's photos and recordings for the service worker to keep when it
    saves Today (sw.js); it drops the ones no longer listed."""
    files = media.for_offline(db.session(), tasks.for_day(db.session(), g.user.id, _today()))
    return jsonify(media=[media.url(f.name) for f in files], bytes=sum(f.size for f in files), budget=media.OFFLINE_BUDGET)


@bp.get("/tasks/<id:assignment_id>")
def task(assignment_id: int):
    day = _today()
    task_today = _task_on(day, assignment_id)
    if g.user.client_profile.one_step_at_a_time:
        # Where the client is: the first step not done, or the end.
        return _one_step(task_today, task_today.current_step, day)
    return page("client/task.html", task=task_today, day=day)


@bp.get("/tasks/<id:assignment_id>/steps/<id:step_id>")
def task_step(assignment_id: int, step_id: int):
    """One step on a page of its own, for a client whose coach chose it. A
    page per step, not a page that changes: the phone saves each one, so
    "Valmis" goes on to the next step also offline."""
    day = _today()
    task_today = _task_on(day, assignment_id)
    step = task_today.step(step_id)
    if step is None:
        abort(404)
    return _one_step(task_today, step, day)


@bp.get("/tasks/<id:assignment_id>/ready")
def task_ready(assignment_id: int):
    """The end of a task shown one step at a time."""
    day = _today()
    return _one_step(_task_on(day, assignment_id), None, day)


def _one_step_page(task_today, step) -> str:
    """The page of a step, or of the end for None. It has the step's tick's
    address: the same form ticks it in either view."""
    if step is None:
        return url_for(".task_ready", assignment_id=task_today.assignment.id)
    return url_for(".task_step", assignment_id=task_today.assignment.id, step_id=step.id)


def _one_step_pages(task_today) -> list[str]:
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
    task_today = _task_on(day, assignment_id)
    # One step at a time, "Valmis" goes on to the page the form names: one of the task's own.
    following = request.form.get("next", "")
    if following in _one_step_pages(task_today):
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
    task_that_day = _task_on(press.day, assignment_id)
    done = request.form.get("done")
    if done not in ("1", "0"):
        abort(400, description=_("Something went wrong. Try again."))
    press.what = f"{task_that_day.task.title} {step.position}/{task_that_day.total} {'✓' if done == '1' else '✗'}"
    tasks.set_tick(db.session(), g.user.id, press.day, step, done == "1", at=press.at)
    return _steps_answer(press.day, assignment_id, step_id)


def _help_answer(day: date | None = None, cancelled: bool = False):
    return after_post(url_for(".help_sent"), "client/_help.html", help_cancelled=cancelled)


@bp.post("/help")
@client_action.recorded(bp, ActionKind.help, answer=_help_answer, dated=False)
def ask_for_help(press: client_action.Press):
    task_that_day = step = None
    if request.form.get("task"):
        task_that_day = _task_on(press.day, parse_id(request.form["task"]) or 0)
        press.what = task_that_day.task.title
        # "I need help with this step": the step the client pressed it at.
        if request.form.get("step"):
            step_id = parse_id(request.form["step"])
            step = next((s for s in task_that_day.task.steps if s.id == step_id), None)
            if step is None:
                abort(404)
            press.what = f"{task_that_day.task.title} {step.position}/{task_that_day.total}"
    asked = help_request.ask(db.session(), g.user.id, task_that_day, step, at=press.at)
    ring_now(db.session(), g.user, Kind.help, labels.help_words(asked, g.user.client_profile.coach.language))
    return _help_answer(press.day)


@bp.get("/help")
def help_sent():
    """The help page; its status block alone for htmx, which asks again every minute."""
    return page("client/help_sent.html", "client/_help_status.html")


@bp.post("/help/<id:request_id>/cancel")
def help_cancel(request_id: int):
    found = db.session().get(HelpRequest, request_id)
    if found is None or found.client_id != g.user.id:
        abort(404)
    help_request.cancel(found)
    db.session().commit()
    return _help_answer(cancelled=True)


@bp.get("/today-went")
def how_today_went_form():
    day = _today()
    existing = self_assessment.for_day(db.session(), g.user.id, day)
    chosen = {a: getattr(existing, a) for a in self_assessment.AREAS} if existing else {}
    return page(
        "client/how_today_went.html",
        day=day,
        chosen=chosen,
        wants_to_talk=bool(existing and existing.wants_to_talk),
    )


def _thanks(day: date):
    return redirect(url_for(".how_today_went_saved"), code=303)


@bp.post("/today-went")
@client_action.recorded(bp, ActionKind.assessment, answer=_thanks)
def how_today_went(press: client_action.Press):
    day = press.day
    chosen = {}
    for area in self_assessment.AREAS:
        value = request.form.get(area, "")
        chosen[area] = int(value) if is_plain_number(value) else 0
    wants_to_talk = request.form.get("talk") == "1"
    try:
        self_assessment.save(db.session(), g.user.id, day, chosen, wants_to_talk, at=press.at)
    except ValueError:
        return page(
            "client/how_today_went.html",
            status=400,
            day=day,
            chosen=chosen,
            wants_to_talk=wants_to_talk,
            error=_("Choose one face for every question."),
        )
    return _thanks(day)


@bp.get("/today-went/thanks")
def how_today_went_saved():
    weeks = self_assessment.by_week(db.session(), g.user.id, _today(), weeks=self_assessment.WEEKS_FOR_CLIENT)
    return page("client/how_today_went_saved.html", lately=self_assessment.lately(weeks), lately_weeks=len(weeks))


def _this_phones_subscription() -> PushSubscription | None:
    return db.session().scalar(select(PushSubscription).where(PushSubscription.device_session_id == g.device.id))


@bp.route("/alarms", methods=["GET", "POST"])
def alarms():
    profile = g.user.client_profile
    if request.method == "POST":
        for kind in SCHEDULE_KINDS:
            setattr(profile, f"alarm_{kind}", request.form.get(kind) == "1")
        db.session().commit()
        return redirect(url_for(".alarms"), code=303)
    return page(
        "client/alarms.html",
        profile=profile,
        kinds=SCHEDULE_KINDS,
        day=_today(),
        subscription=_this_phones_subscription(),
    )


@bp.post("/alarms/silence")
def alarms_silence():
    day = _posted_day()
    profile = g.user.client_profile
    profile.alarms_silenced_on = None if profile.alarms_silenced_on == day else day
    db.session().commit()
    return redirect(url_for(".alarms"), code=303)


@bp.post("/alarms/subscription")
@access.signed_in  # coaches subscribe too, for "absent" and "needs help" alerts
def alarms_subscribe():
    config = current_app.config
    subscription = webpush.subscription_from(request.get_json(silent=True), config["PUSH_HOSTS"], config["PUSH_ALLOW_LOCAL"])
    if subscription is None:
        return jsonify(message=_("Something went wrong. Try again.")), 400
    db.session().execute(
        delete(PushSubscription).where((PushSubscription.endpoint == subscription.endpoint) | (PushSubscription.device_session_id == g.device.id))
    )
    db.session().add(
        PushSubscription(
            user_id=g.user.id,
            device_session_id=g.device.id,
            endpoint=subscription.endpoint,
            p256dh=subscription.p256dh,
            auth=subscription.auth,
            created_at=clock.now(),
        )
    )
    db.session().commit()
    return jsonify(ok=True), 201


@bp.post("/alarms/test")
def alarms_test():
    subscription = _this_phones_subscription()
    if subscription is None:
        abort(400, description=_("First let Selko ring on this phone."))
    subscription.last_test_at = clock.now()
    subscription.test_heard = None
    ring_now(db.session(), g.user, Kind.test)
    db.session().commit()
    return redirect(url_for(".alarms") + "#test", code=303)


@bp.post("/alarms/test/heard")
def alarms_heard():
    subscription = _this_phones_subscription()
    if subscription is None or request.form.get("heard") not in ("yes", "no"):
        abort(400, description=_("Something went wrong. Try again."))
    subscription.test_heard = request.form["heard"] == "yes"
    db.session().commit()
    return redirect(url_for(".alarms") + "#test", code=303)


@bp.post("/alarms/permission")
@access.signed_in
def alarms_permission():
    """The page tells what the browser allows, so the coach knows if alarms can ring."""
    state = request.form.get("permission", "")
    if state not in ("default", "granted", "denied"):
        abort(400)
    g.device.notification_permission = state
    db.session().commit()
    return "", 204


@bp.post("/alarms/shown")
@access.signed_in
def alarms_shown():
    """The service worker says it showed an alarm: the coach sees that alarms ring here."""
    subscription = _this_phones_subscription()
    if subscription is not None:
        subscription.last_shown_at = clock.now()
    messages.mark_shown(db.session(), g.user.id, parse_id(request.args.get("reminder", "")))
    db.session().commit()
    return "", 204


@bp.route("/share", methods=["GET", "POST"])
def shares():
    """Who can see my work days: make a link for a person, and stop one."""
    if request.method == "GET":
        return page("client/share.html", shares=share.active(db.session(), g.user.id))
    name = request.form.get("name", "").strip()
    problem = share.name_problem(name)
    if problem:
        return page(
            "client/share.html",
            status=400,
            shares=share.active(db.session(), g.user.id),
            error=problem,
            name=name,
        )
    token = share.create(db.session(), g.user, name=name, created_by=g.user, show_tasks=request.form.get("tasks") == "1")
    db.session().commit()
    return page("client/share_link.html", name=name, link=public_url("family.week", token=token))


@bp.post("/share/<id:share_id>/stop")
def share_stop(share_id: int):
    found = db.session().get(Share, share_id)
    if found is None or found.client_id != g.user.id:
        abort(404)
    share.stop(found)
    db.session().commit()
    return redirect(url_for(".shares"), code=303)


@bp.get("/home-screen")
@access.public
def home_screen():
    return page("client/home_screen.html")


@bp.app_context_processor
def coach_contact():
    """The coach's name and phone and the client's help request, shown on
    every client page, and when the page was made (offline, the page says how
    old it is)."""
    user = g.get("user")
    if user is None or user.role != Role.client or user.client_profile is None:
        return {}
    now = schedule.local_now(user.organisation)
    if "help_now" not in g:  # else read with the day's other records (_day_context)
        g.help_now = help_request.shown_to_client(db.session(), user, now.date())
    return {
        "my_coach": user.client_profile.coach,
        "page_made_at": now,
        "help_now": g.help_now,
        # Pages of other blueprints a client reaches (account, language) extend this.
        "client_layout": "client/layout.html",
    }

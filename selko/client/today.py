"""Today: the day's page, check-in and going home, an absence, help, and how today went."""

from datetime import date
from types import SimpleNamespace

from flask import abort, g, redirect, request, url_for
from flask_babel import gettext as _

from selko import access, clock, db
from selko.alarms import Kind, alarm_message, messages, ring_now
from selko.client.blueprint import bp, day_context, posted_day, todays_date
from selko.client.tasks import one_step_pages, task_on
from selko.day import attendance, client_action, help_request, schedule, self_assessment
from selko.i18n import local
from selko.ids import parse_id
from selko.input_text import is_plain_number
from selko.models import AbsenceReason, ActionKind, HelpRequest, PushSubscription, Role
from selko.people import share
from selko.web.pages import after_post, page
from selko.words import labels


def _today_context() -> dict:
    """All of Today: the day, tomorrow, and the alarms that ring in the page."""
    context = day_context()
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
        at = clock.wall_clock(plan.day, event.at, g.user.organisation.time_zone)
        if at > now and getattr(profile, event.kind.column):
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
            *(url for t in context["tasks"] if g.user.client_profile.one_step_at_a_time for url in one_step_pages(t)),
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
    return after_post(url_for(".today"), "client/_today_now.html", **day_context())


def _check_in_answer(day: date):
    """Today's check-in block; a press sent late for an earlier day answers with today too."""
    return after_post(url_for(".today"), "client/_check_in.html", **day_context())


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
    day = posted_day()
    if not attendance.undo_leaving(db.session(), g.user.id, day):
        abort(400, description=_("It is too late to change this. Tell your coach."))
    db.session().commit()
    return _check_in_answer(day)


@bp.get("/absent")
def absent_form():
    return page("client/absent.html", reasons=list(AbsenceReason), day=todays_date())


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


def _help_answer(day: date | None = None, cancelled: bool = False):
    return after_post(url_for(".help_sent"), "client/_help.html", help_cancelled=cancelled)


@bp.post("/help")
@client_action.recorded(bp, ActionKind.help, answer=_help_answer, dated=False)
def ask_for_help(press: client_action.Press):
    task_that_day = step = None
    if request.form.get("task"):
        task_that_day = task_on(press.day, parse_id(request.form["task"]) or 0)
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
    found = access.owned(HelpRequest, request_id, client_id=g.user.id)
    help_request.cancel(found)
    db.session().commit()
    return _help_answer(cancelled=True)


@bp.get("/today-went")
def how_today_went_form():
    day = todays_date()
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
    weeks = self_assessment.by_week(db.session(), g.user.id, todays_date(), weeks=self_assessment.WEEKS_FOR_CLIENT)
    return page("client/how_today_went_saved.html", lately=self_assessment.lately(weeks), lately_weeks=len(weeks))


@bp.get("/home-screen")
@access.public
def home_screen():
    return page("client/home_screen.html")

"""A client's page in tabs, a new client, and "send a reminder now"."""

from flask import g, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from selko import alarms, db
from selko.access import client_for_coach, signin
from selko.alarms import messages
from selko.coach.blueprint import WEEKDAYS, bp, client_saved, org_now, saved
from selko.coach.library import library_tasks, task_choices
from selko.day import attendance, client_action, schedule, self_assessment, tasks
from selko.i18n import weekday_name
from selko.models import AbsenceReason, Passkey, PushSubscription, ScheduleException, TaskAssignment
from selko.people import share
from selko.people.clients import check_client, create_client
from selko.records import contacts
from selko.web.pages import page


@bp.route("/clients/new", methods=["GET", "POST"])
def client_new():
    if request.method == "GET":
        return page("coach/client_new.html", form={})
    form = {k: request.form.get(k, "").strip() for k in ("name", "phone", "workplace", "language")}
    errors = check_client(form)
    if errors:
        return page("coach/client_new.html", status=400, form=form, errors=errors)
    client = create_client(db.session(), coach=g.user, **form)
    db.session().commit()
    return saved(_("Client added."), url_for(".client_page", client_id=client.id))


def _today_tab(client) -> dict:
    now = org_now()
    return {
        "ready_messages": alarms.READY_MESSAGES,
        # The coach reads ready messages in the coach's own language.
        "messages": [(m, alarms.alarm_message(m, g.user.language)["body"]) for m in messages.recent(db.session(), client.id)],
        "todays_tasks": tasks.for_day(db.session(), client.id, now.date()),
        "attendance_today": attendance.for_day(db.session(), client.id, now.date()),
        "presses_today": client_action.for_day(db.session(), client.id, now.date(), g.user.organisation.time_zone),
        "absence_reasons": list(AbsenceReason),
    }


def _schedule_tab(client) -> dict:
    library = library_tasks()
    return {
        "week": [schedule.weekday_plan(db.session(), client.id, d) for d in WEEKDAYS],
        "assignments": db.session()
        .scalars(
            select(TaskAssignment).where(TaskAssignment.client_id == client.id).order_by(TaskAssignment.weekday, TaskAssignment.position, TaskAssignment.id)
        )
        .all(),
        "exceptions": db.session()
        .scalars(
            select(ScheduleException)
            .where(ScheduleException.client_id == client.id, ScheduleException.date >= org_now().date())
            .order_by(ScheduleException.date)
        )
        .all(),
        "library": library,
        "weekday_choices": [(d, weekday_name(d)) for d in WEEKDAYS],
        "task_choices": task_choices(library),
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
    "contacts": ("coach/client_contacts.html", lambda client: {"contacts": contacts.for_client(db.session(), client.id, org_now().date())}),
    "assessment": ("coach/client_assessment.html", lambda client: {"assessment_weeks": self_assessment.by_week(db.session(), client.id, org_now().date())}),
    "schedule": ("coach/client_schedule.html", _schedule_tab),
    "phones": ("coach/client_phones.html", _phones_tab),
}


def page_of_client(client, template: str, status: int = 200, **context):
    """A tab of the client's page (the tabs need the client and today)."""
    return page(template, status=status, client=client, today=org_now().date(), **context)


def client_tab(client, tab: str, status: int = 200, **extra):
    template, context = TABS[tab]
    return page_of_client(client, template, status, **context(client), **extra)


@bp.get("/clients/<id:client_id>")
def client_page(client_id: int):
    return client_tab(client_for_coach(client_id), "today")


@bp.get("/clients/<id:client_id>/schedule")
def client_schedule(client_id: int):
    return client_tab(client_for_coach(client_id), "schedule")


@bp.get("/clients/<id:client_id>/contacts")
def client_contacts(client_id: int):
    return client_tab(client_for_coach(client_id), "contacts")


@bp.get("/clients/<id:client_id>/self-assessment")
def client_assessment(client_id: int):
    return client_tab(client_for_coach(client_id), "assessment")


@bp.get("/clients/<id:client_id>/phones")
def client_phones(client_id: int):
    return client_tab(client_for_coach(client_id), "phones")


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
        return client_tab(client, "today", 400, error=_("Choose a message or write one (at most 300 characters)."))
    db.session().commit()
    return client_saved(client, "messages", _("Message sent."))

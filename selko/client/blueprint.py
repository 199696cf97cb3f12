"""The client's blueprint and what its view modules share: today's date where the
client works, the day a form was made for, the day's records, and the coach's
contact on every page."""

from datetime import date

from flask import Blueprint, abort, g, request
from flask_babel import gettext as _

from selko import access, clock, db
from selko.alarms import alarm_message, messages
from selko.day import attendance, help_request, schedule, tasks
from selko.day import today as client_day
from selko.models import Role

bp = Blueprint("client", __name__, template_folder="templates")
access.audience_of_blueprint(bp.name, access.CLIENT)
# The check-in block (_check_in.html) shows the state attendance.state decides,
# and hidden the states a press can lead to, for the page to show offline.
bp.add_app_template_global(attendance.state, "check_in_state")
bp.add_app_template_global(attendance.NEXT, "check_in_next")
bp.add_app_template_global({press.value: after.value for press, after in attendance.AFTER_PRESS.items()}, "check_in_after_press")


def todays_date() -> date:
    return clock.local_now(g.user.organisation).date()


def posted_day() -> date:
    """The day a form was made for. A page left open since yesterday must not
    change today, so a form from another day is refused."""
    today = todays_date()
    if request.form.get("day") != today.isoformat():
        abort(400, description=_("This page is from another day. Open the page again."))
    return today


def day_context() -> dict:
    now = clock.local_now(g.user.organisation)
    day, zone = now.date(), g.user.organisation.time_zone
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
        "early_until": int((clock.wall_clock(day, plan.ends, zone) - attendance.EARLY_LEAVING).timestamp() * 1000) if plan.works else 0,
        "can_undo_leaving": attendance.can_undo_leaving(records.attendance, clock.now()),
    }


@bp.app_context_processor
def coach_contact():
    """The coach's name and phone and the client's help request, shown on
    every client page, and when the page was made (offline, the page says how
    old it is)."""
    user = g.get("user")
    if user is None or user.role != Role.client or user.client_profile is None:
        return {}
    now = clock.local_now(user.organisation)
    if "help_now" not in g:  # else read with the day's other records (day_context)
        g.help_now = help_request.shown_to_client(db.session(), user, now.date())
    return {
        "my_coach": user.client_profile.coach,
        "page_made_at": now,
        "help_now": g.help_now,
        # Pages of other blueprints a client reaches (account, language) extend this.
        "client_layout": "client/layout.html",
    }

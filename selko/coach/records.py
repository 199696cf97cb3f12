"""The coach's records across days: today's attendance and its corrections, the
register and its monthly report (per client and per caseload, as pages, print
and CSV), the contacts, and the work diary."""

from datetime import date

from flask import Response, abort, g, redirect, request, url_for
from flask_babel import gettext as _

from selko import clock, db
from selko.access import audit, client_for_coach, clients_of
from selko.coach.blueprint import bp, client_saved, org_now, saved
from selko.coach.clients import client_tab, page_of_client
from selko.day import attendance, client_action, schedule
from selko.forms import read_date
from selko.i18n import clock_time, local, short_date
from selko.models import AbsenceReason, AuditAction
from selko.records import contacts, register, work_diary
from selko.web.pages import page
from selko.words.labels import absence_label, register_kind_label

MONTH = "<int(fixed_digits=4):year>-<int(fixed_digits=2):month>"


def month_or_404(year: int, month: int) -> date:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        abort(404)
    return date(year, month, 1)


def _report(clients, first: date) -> list[register.Month]:
    return register.months(db.session(), g.user.organisation, clients, first, org_now().date())


def _csv(body: str, name: str) -> Response:
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={name}"})


def _month_links(first: date, endpoint: str, **values) -> dict:
    return {
        "previous_url": url_for(endpoint, year=register.previous_month(first).year, month=register.previous_month(first).month, **values),
        "next_url": url_for(endpoint, year=register.next_month(first).year, month=register.next_month(first).month, **values),
    }


@bp.get(f"/clients/<id:client_id>/attendance-{MONTH}")
def attendance_month(client_id: int, year: int, month: int):
    client = client_for_coach(client_id)
    first = month_or_404(year, month)
    [summary] = _report([client], first)
    return page_of_client(
        client,
        "coach/attendance_month.html",
        month=summary,
        kinds=register.DayKind,
        **_month_links(first, ".attendance_month", client_id=client.id),
    )


@bp.get(f"/clients/<id:client_id>/attendance-{MONTH}.csv")
def attendance_month_csv(client_id: int, year: int, month: int):
    client = client_for_coach(client_id)
    [summary] = _report([client], month_or_404(year, month))
    body = register.client_csv(summary, register_kind_label, absence_label, lambda t: clock_time(local(t)))
    return _csv(body, f"attendance-{client.id}-{year}-{month:02d}.csv")


def _day_or_404(value: str) -> date:
    day = read_date(value)
    if day is None:
        abort(404)
    return day


@bp.route("/clients/<id:client_id>/attendance/<day>", methods=["GET", "POST"])
def attendance_day(client_id: int, day: str):
    """One day of the register: what the client pressed, every change made
    since, and the form to correct or fill in the day."""
    client = client_for_coach(client_id)
    the_day = _day_or_404(day)
    form, error, status = None, None, 200
    if request.method == "POST":
        form = {k: request.form.get(k, "").strip() for k in ("state", "arrived", "left", "reason")}
        try:
            if the_day > org_now().date():
                raise ValueError(_("A day still to come cannot be recorded yet."))
            attendance.correct(db.session(), client.id, the_day, g.user, **attendance_correction(form, the_day))
        except ValueError as problem:
            error, status = str(problem), 400
        else:
            db.session().commit()
            return saved(
                _("Saved: %(day)s.", day=short_date(the_day)),
                url_for(".attendance_month", client_id=client.id, year=the_day.year, month=the_day.month),
                f"day-{the_day.isoformat()}",
            )
    [summary] = _report([client], register.first_of(the_day))
    register_day = summary.days[the_day.day - 1]
    return page(
        "coach/attendance_day.html",
        status=status,
        client=client,
        entry=register_day,
        kinds=register.DayKind,
        presses=client_action.for_day(db.session(), client.id, the_day, g.user.organisation.time_zone),
        absence_reasons=list(AbsenceReason),
        attendance_form=form,
        error=error,
        today=org_now().date(),
    )


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
        arrived, left = (clock.wall_clock(day, schedule.parse_time(form[k]), zone) if form.get(k) else None for k in ("arrived", "left"))
    except ValueError:
        raise ValueError(_("Write times like 8.00 or 14.30.")) from None
    if left is not None and left < arrived:
        raise ValueError(_("The client cannot leave before arriving."))
    if max(arrived, left or arrived) > org_now():
        raise ValueError(_("A time cannot be later than now."))
    return {"arrived_at": arrived, "left_at": left}


@bp.post("/clients/<id:client_id>/attendance")
def attendance_correct(client_id: int):
    """The coach corrects today's attendance; the correction stands against
    the client's presses made before it that reach Selko later."""
    client = client_for_coach(client_id)
    form = {k: request.form.get(k, "").strip() for k in ("arrived", "left", "reason")}
    day = org_now().date()
    try:
        attendance.correct(db.session(), client.id, day, g.user, **attendance_correction(form, day))
    except ValueError as problem:
        return client_tab(client, "today", 400, error=str(problem), attendance_form=form)
    db.session().commit()
    return client_saved(client, "attendance", _("Correction saved."))


@bp.post("/clients/<id:client_id>/contacts")
def contact_add(client_id: int):
    client = client_for_coach(client_id)
    form = {k: request.form.get(k, "") for k in ("kind", "date", "note")}
    errors, contact = contacts.check(form, org_now().date())
    if errors:
        return client_tab(client, "contacts", 400, contact_form=form, contact_errors=errors)
    contacts.log(db.session(), client.id, g.user, **contact)
    db.session().commit()
    return client_saved(client, "contacts", _("Contact saved."))


# The monthly report of a list of clients: the coach's caseload here, the
# whole organisation for an admin (admin/__init__.py uses the same three).


def _caseload_report(clients, first: date) -> list[register.Month]:
    """A list of clients' month: a read of each one's data, on the audit trail
    (a single client's month is audited by client_for_coach)."""
    for client in clients:
        audit.note(client, AuditAction.read)
    return _report(clients, first)


def report_page(clients, first: date, endpoint: str, link_clients: bool):
    report = _caseload_report(clients, first)
    return page(
        "coach/attendance_report.html",
        report=report,
        totals=register.totals(report),
        first=first,
        kinds=register.DayKind,
        days=[first.replace(day=n) for n in range(1, (register.next_month(first) - first).days + 1)],
        link_clients=link_clients,
        **_month_links(first, endpoint),
    )


def report_csv(clients, first: date) -> Response:
    body = register.caseload_csv(_caseload_report(clients, first), absence_label)
    return _csv(body, f"attendance-{first.year}-{first.month:02d}.csv")


def report_print(clients, first: date):
    return page("coach/attendance_print.html", report=_caseload_report(clients, first), first=first, kinds=register.DayKind)


@bp.get(f"/reports/attendance-{MONTH}")
def attendance_report(year: int, month: int):
    return report_page(clients_of(g.user), month_or_404(year, month), ".attendance_report", link_clients=True)


@bp.get(f"/reports/attendance-{MONTH}.csv")
def attendance_report_csv(year: int, month: int):
    return report_csv(clients_of(g.user), month_or_404(year, month))


@bp.get(f"/reports/attendance-{MONTH}/print")
def attendance_report_print(year: int, month: int):
    return report_print(clients_of(g.user), month_or_404(year, month))


@bp.get("/reports/attendance")
def attendance_report_now():
    """The stable address of "this month's report"."""
    today = org_now().date()
    return redirect(url_for(".attendance_report", year=today.year, month=today.month))


@bp.route("/clients/<id:client_id>/diary", methods=["GET", "POST"])
def diary(client_id: int):
    """The work diary: a note a day, the coach's own unless shown to the client."""
    client = client_for_coach(client_id)
    today = org_now().date()
    if request.method == "POST":
        form = {"day": request.form.get("day", ""), "text": request.form.get("text", ""), "shown": request.form.get("shown") == "1"}
        errors = {}
        day = read_date(form["day"])
        if day is None:
            errors["day"] = _("Give the date as a date.")
        elif day > today:
            errors["day"] = _("A note is for today or a day before it.")
        if problem := work_diary.check(form["text"]):
            errors["text"] = problem
        if not errors:
            work_diary.write(db.session(), client.id, day, form["text"], form["shown"], g.user)
            db.session().commit()
            return saved(_("Note saved: %(day)s.", day=short_date(day)), url_for(".diary", client_id=client.id), "notes")
        status = 400
    else:
        status, errors = 200, {}
        chosen = read_date(request.args.get("day"))
        day = min(chosen, today) if chosen else today
        note = work_diary.for_day(db.session(), client.id, day)
        form = {"day": day.isoformat(), "text": note.text if note else "", "shown": bool(note and note.shown_to_client)}
    return page_of_client(
        client,
        "coach/work_diary.html",
        status,
        form=form,
        errors=errors,
        notes=work_diary.recent(db.session(), client.id),
    )

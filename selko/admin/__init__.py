"""The organisation's admin: coaches, the audit trail, a client's data export and erasure."""

import csv
import io
from decimal import Decimal, InvalidOperation

from flask import Blueprint, Response, abort, current_app, flash, g, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from selko import access, clock, db
from selko.access import audit, client_for_admin, signin
from selko.coach import records
from selko.ids import parse_id
from selko.input_text import name_problem
from selko.models import AuditAction, AuditEvent, Role, User
from selko.people import client_data
from selko.people.clients import deactivate_coach, move_clients
from selko.web.pages import page, public_url

bp = Blueprint("admin", __name__, template_folder="templates", url_prefix="/admin")
access.audience_of_blueprint(bp.name, access.ADMIN)

AUDIT_PAGE = 200


def _people(*roles: Role) -> list[User]:
    return list(
        db.session().scalars(
            select(User).where(User.organisation_id == g.user.organisation_id, User.role.in_(roles), User.erased_at.is_(None)).order_by(User.name)
        )
    )


def _staff() -> list[User]:
    return _people(Role.coach, Role.admin)


def _organisation_page(error: str | None = None, status: int = 200, **extra):
    staff = _staff()
    today = clock.local_now(g.user.organisation).date()
    return page(
        "admin/organisation.html",
        status=status,
        coaches=[c for c in staff if c.deactivated_at is None],
        former=[c for c in staff if c.deactivated_at is not None],
        clients=_people(Role.client),
        error=error,
        today=today,
        compensation_form=extra.pop("compensation_form", None),
        **extra,
    )


@bp.get("/")
def organisation():
    return _organisation_page()


@bp.post("/coaches")
def coach_invite():
    name = request.form.get("name", "").strip()
    problem = _("Give the coach's name.") if not name or len(name) > 200 else name_problem(name)
    if problem:
        return _organisation_page(problem, 400)
    coach = User(
        organisation_id=g.user.organisation_id,
        role=Role.admin if request.form.get("admin") == "1" else Role.coach,
        name=name,
        created_at=clock.now(),
    )
    db.session().add(coach)
    db.session().flush()
    return _link_page(coach)


def _coach_or_404(user_id: int) -> User:
    coach = db.session().get(User, user_id)
    if coach is None or coach.organisation_id != g.user.organisation_id or coach.role == Role.client:
        abort(404)
    return coach


def _coaches_to_take_over(coach: User) -> list[User]:
    return [c for c in _staff() if c.id != coach.id and c.deactivated_at is None]


def _coach_page(coach: User, error: str | None = None, status: int = 200):
    return page("admin/coach.html", status=status, coach=coach, clients=access.clients_of(coach), others=_coaches_to_take_over(coach), error=error)


@bp.get("/coaches/<id:user_id>")
def coach_page(user_id: int):
    return _coach_page(_coach_or_404(user_id))


@bp.post("/coaches/<id:user_id>/link")
def coach_link(user_id: int):
    """A new one-time link: how a coach who lost their passkey gets back in.
    If they have one, the link only lets them make a new one."""
    coach = _coach_or_404(user_id)
    if coach.deactivated_at is not None:
        return _coach_page(coach, _("This coach is deactivated. A link would not work."), 400)
    return _link_page(coach)


@bp.post("/coaches/<id:user_id>/deactivate")
def coach_deactivate(user_id: int):
    coach = _coach_or_404(user_id)
    if coach.id == g.user.id:
        return _coach_page(coach, _("You cannot deactivate yourself. Ask another admin."), 400)
    deactivate_coach(db.session(), coach)
    db.session().commit()
    return redirect(url_for(".coach_page", user_id=coach.id) + "#clients", code=303)


@bp.post("/coaches/<id:user_id>/clients")
def clients_move(user_id: int):
    """Move some or all of a coach's clients to another coach."""
    coach = _coach_or_404(user_id)
    to = next((c for c in _coaches_to_take_over(coach) if c.id == parse_id(request.form.get("to"))), None)
    if to is None:
        return _coach_page(coach, _("Choose the coach who takes the clients."), 400)
    chosen = {parse_id(value) for value in request.form.getlist("client")}
    clients = [client_for_admin(client_id) for client_id in chosen if client_id]
    if not clients or any(c.client_profile is None or c.client_profile.coach_id != coach.id for c in clients):
        return _coach_page(coach, _("Choose at least one of this coach's clients."), 400)
    move_clients(db.session(), clients, to)
    db.session().commit()
    return redirect(url_for(".coach_page", user_id=coach.id) + "#clients", code=303)


def _link_page(coach: User):
    token = signin.create_link_token(db.session(), coach, minutes=current_app.config["SIGN_IN_LINK_MINUTES"], created_by=g.user)
    db.session().commit()
    link = public_url("auth.sign_in_link", token=token)
    return page("admin/link.html", coach=coach, link=link, minutes=current_app.config["SIGN_IN_LINK_MINUTES"])


def spreadsheet_safe(value):
    """A name like "=HYPERLINK(…)" must stay text when the CSV is opened in a
    spreadsheet: a leading quote keeps it from running as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _audit_rows(client_id: int | None, limit: int | None):
    query = select(AuditEvent).where(AuditEvent.organisation_id == g.user.organisation_id).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if client_id:
        query = query.where(AuditEvent.client_id == client_id)
    if limit:
        query = query.limit(limit)
    return db.session().scalars(query).all()


def parse_compensation(text: str) -> Decimal:
    """ "8", "8,50" or "8.50" euros as a Decimal; ValueError unless 0–12 € in cents."""
    try:
        amount = Decimal(text.strip().replace(",", ".").removesuffix("€").strip())
    except InvalidOperation:
        raise ValueError(_("Write the amount in euros, like 8,50.")) from None
    # The range first: quantize cannot take an amount like 1e309.
    if not amount.is_finite() or not Decimal(0) <= amount <= Decimal(12) or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(_("The daily compensation is 0–12 euros, in cents at most, like 8,50."))
    return amount.quantize(Decimal("0.01"))


@bp.post("/compensation")
def compensation():
    """The work activity's daily compensation, and whether a half day counts as half."""
    form = {"amount": request.form.get("amount", ""), "half": request.form.get("half") == "1"}
    try:
        amount = parse_compensation(form["amount"])
    except ValueError as problem:
        return _organisation_page(str(problem), 400, compensation_form=form)
    g.user.organisation.daily_compensation = amount
    g.user.organisation.half_day_counts_half = form["half"]
    db.session().commit()
    flash(_("Daily compensation saved."), "page")
    return redirect(url_for(".organisation"), code=303)


@bp.get(f"/reports/attendance-{records.MONTH}")
def attendance_report(year: int, month: int):
    """The whole organisation's month: the same report as a coach's caseload."""
    return records.report_page(_people(Role.client), records.month_or_404(year, month), ".attendance_report", link_clients=False)


@bp.get(f"/reports/attendance-{records.MONTH}.csv")
def attendance_report_csv(year: int, month: int):
    return records.report_csv(_people(Role.client), records.month_or_404(year, month))


@bp.get(f"/reports/attendance-{records.MONTH}/print")
def attendance_report_print(year: int, month: int):
    return records.report_print(_people(Role.client), records.month_or_404(year, month))


@bp.get("/audit")
def audit_log():
    client_id = parse_id(request.args.get("client"))
    return page("admin/audit.html", events=_audit_rows(client_id, AUDIT_PAGE), clients=_people(Role.client), client_id=client_id)


@bp.get("/audit.csv")
def audit_csv():
    client_id = parse_id(request.args.get("client"))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["at_utc", "who", "who_id", "action", "client", "client_id", "what"])
    for event in _audit_rows(client_id, None):
        writer.writerow(
            [
                spreadsheet_safe(value)
                for value in (
                    event.at.isoformat(),
                    event.actor.name,
                    event.actor_id,
                    event.action,
                    event.client.name if event.client else "",
                    event.client_id or "",
                    event.what,
                )
            ]
        )
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=selko-audit.csv"},
    )


@bp.get("/clients/<id:client_id>/export.json")
def client_export(client_id: int):
    client = client_for_admin(client_id)
    audit.record(db.session(), g.user, client, AuditAction.export, "admin.client_export")
    db.session().commit()
    response = jsonify(client_data.export(db.session(), client))
    response.headers["Content-Disposition"] = f"attachment; filename=selko-client-{client.id}.json"
    return response


@bp.route("/clients/<id:client_id>/erase", methods=["GET", "POST"])
def client_erase(client_id: int):
    client = client_for_admin(client_id)
    if client.erased_at is not None:
        return redirect(url_for(".organisation"), code=303)
    if request.method == "GET":
        return page("admin/erase.html", client=client)
    if request.form.get("confirm") != client.name:
        return page("admin/erase.html", status=400, client=client, error=_("Write the client's name to confirm."))
    client_data.erase(db.session(), client)
    audit.record(db.session(), g.user, client, AuditAction.erase, "admin.client_erase")
    db.session().commit()
    return redirect(url_for(".organisation"), code=303)

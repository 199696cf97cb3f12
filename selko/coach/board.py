"""The coach's board of today and the caseload's follow-up page."""

from flask import abort, g, request, url_for
from flask_babel import gettext as _

from selko import db
from selko.access import audit, client_for_coach, clients_of, owned
from selko.coach.blueprint import bp, org_now, saved
from selko.models import AuditAction, HelpRequest, SelfAssessment
from selko.records import contacts
from selko.records.board import is_late
from selko.records.board import rows as board_rows
from selko.web.pages import page


@bp.get("/")
def board():
    return _board_page()


def _board_page(status: int = 200, error: str | None = None):
    now = org_now()
    rows = board_rows(db.session(), clients_of(g.user), now.date(), now)
    for row in rows:
        audit.note(row.client, AuditAction.read)
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
    help_req = owned(HelpRequest, request_id)
    client = client_for_coach(help_req.client_id)
    return _handled(client, lambda log_as: contacts.help_handled(db.session(), help_req, g.user, org_now().date(), log_as))


@bp.post("/talks/<id:answer_id>/handled")
def talk_handled(answer_id: int):
    """ "I want to talk" on the board until the coach has talked with the client."""
    answer = db.session().get(SelfAssessment, answer_id)
    if answer is None or not answer.wants_to_talk:
        abort(404)
    client = client_for_coach(answer.client_id)
    return _handled(client, lambda log_as: contacts.talk_handled(db.session(), answer, g.user, org_now().date(), log_as))


def _handled(client, handle):
    """The board's "Handled", logging a contact of the kind the coach chose, if any."""
    try:
        log_as = contacts.kind_to_log(request.form.get("contact", ""))
    except ValueError:
        return _board_page(status=400, error=_("Choose a kind of contact, or no contact."))
    handle(log_as)
    db.session().commit()
    if log_as is None:
        return saved(_("Marked as handled: %(name)s.", name=client.name), url_for(".board"))
    return saved(_("Marked as handled and the contact logged: %(name)s.", name=client.name), url_for(".board"))


@bp.get("/caseload")
def caseload_page():
    """Every client's last contact and what is open: the monthly follow-up."""
    today = org_now().date()
    rows = contacts.caseload(db.session(), clients_of(g.user), today)
    for row in rows:
        audit.note(row.client, AuditAction.read)
    return page("coach/caseload.html", rows=rows, caseload_size=contacts.CaseloadSize(len(rows)), today=today)

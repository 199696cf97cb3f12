"""The audit trail: every read and change of a client's data by a coach or admin.

Views do not write audit rows themselves: the access helpers note which
client a request touched, and one hook records it after the answer. A
stranger is refused before any note is made, so leaves no false trace.
"""

from flask import Flask, current_app, g, request
from sqlalchemy import insert
from sqlalchemy.orm import Session

from selko import clock, db
from selko.models import AuditAction, AuditEvent, Role, User


def note(client: User, action: str) -> None:
    """Remember that this request reads or changes this client's data."""
    if g.get("user") is None or g.user.role == Role.client:
        return
    g.setdefault("audit_notes", []).append((client.id, action))


def record(db: Session, actor: User, client: User | None, action: str, what: str) -> None:
    db.add(
        AuditEvent(
            organisation_id=actor.organisation_id,
            actor_id=actor.id,
            client_id=client.id if client else None,
            action=action,
            what=what[:100],
            at=clock.now(),
        )
    )


def _write_notes(response):
    """A page that refuses a form (400) still shows the client's data, so
    whatever the status the access is recorded; a refused change is a read.
    Only a person the access helpers let through has notes at all."""
    notes = g.pop("audit_notes", None)
    if not notes or response.status_code >= 500:
        return response
    refused = response.status_code >= 400
    if refused:
        # A refused request changes nothing; nor may its open write block the trail.
        db.rollback()
    rows, seen = [], set()
    for client_id, action in notes:
        if refused and action == AuditAction.change:
            action = AuditAction.read
        if (client_id, action) in seen:
            continue
        seen.add((client_id, action))
        rows.append(
            {
                "organisation_id": g.user.organisation_id,
                "actor_id": g.user.id,
                "client_id": client_id,
                "action": action,
                "what": request.endpoint or "",
                "at": clock.now(),
            }
        )
    # One statement for all of them: the board notes every client of the coach.
    with Session(current_app.extensions["selko.engine"]) as db_session:
        db_session.execute(insert(AuditEvent), rows)
        db_session.commit()
    return response


def init_app(app: Flask) -> None:
    app.after_request(_write_notes)

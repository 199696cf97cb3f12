"""Clients and coaches: adding a client, a coach who leaves, clients who move to another coach."""

from flask_babel import gettext as _
from sqlalchemy import delete
from sqlalchemy.orm import Session

from selko import clock
from selko.access import signin
from selko.i18n import LANGUAGES
from selko.input_text import name_problem
from selko.models import ClientProfile, Passkey, Role, User


def check_client(form: dict) -> dict:
    """Errors per field, in words for the coach; empty when the form is fine."""
    errors = {}
    if not form.get("name"):
        errors["name"] = _("Give the client's name.")
    elif len(form["name"]) > 200:
        errors["name"] = _("The name can have at most 200 characters.")
    elif problem := name_problem(form["name"]):
        errors["name"] = problem
    phone = form.get("phone", "")
    if phone and not all(c.isdigit() or c in "+ -()" for c in phone) or len(phone) > 40:
        errors["phone"] = _("Write the phone number with digits, like 040 123 4567.")
    if len(form.get("workplace", "")) > 200:
        errors["workplace"] = _("The workplace can have at most 200 characters.")
    if form.get("language") not in LANGUAGES:
        errors["language"] = _("Choose a language.")
    return errors


def create_client(db: Session, *, coach: User, name: str, phone: str = "", workplace: str = "", language: str = "fi") -> User:
    client = User(
        organisation_id=coach.organisation_id,
        role=Role.client,
        name=name,
        phone=phone,
        language=language,
        created_at=clock.now(),
    )
    db.add(client)
    db.flush()
    db.add(ClientProfile(user_id=client.id, coach_id=coach.id, workplace=workplace))
    db.flush()
    return client


def deactivate_coach(db: Session, coach: User) -> None:
    """A coach who left: every session and passkey ends at once, and no link
    signs them in again. Their clients stay theirs until moved."""
    coach.deactivated_at = coach.deactivated_at or clock.now()
    signin.end_all_device_sessions(db, coach.id)
    db.execute(delete(Passkey).where(Passkey.user_id == coach.id))


def move_clients(db: Session, clients: list[User], to: User) -> None:
    """Give clients another coach; today's board and alerts follow at once."""
    for client in clients:
        client.client_profile.coach_id = to.id

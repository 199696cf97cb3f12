"""Keeping contact with every client, as the national quality criteria ask:
contact at least once a month, and at most 20 clients a coach.

The contact log per client, each client's last contact (one grouped query
for a whole caseload), what the client has asked for that the coach has not
handled yet, and handling it with the contact logged at the same time."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from selko import clock
from selko.day import help_request
from selko.forms import read_date
from selko.models import Contact, ContactKind, HelpRequest, SelfAssessment, User

# "No contact in 30 days" is flagged from the 31st day on.
CONTACT_DAYS = 30
MAX_CLIENTS = 20
NOTE_LENGTH = 500


@dataclass(frozen=True)
class LastContact:
    on: date | None  # None: no contact logged yet
    today: date

    @property
    def days(self) -> int | None:
        return None if self.on is None else (self.today - self.on).days

    @property
    def overdue(self) -> bool:
        return self.on is None or self.days > CONTACT_DAYS


@dataclass(frozen=True)
class CaseloadSize:
    clients: int
    most: int = MAX_CLIENTS

    @property
    def over(self) -> bool:
        return self.clients > self.most


@dataclass
class ContactLog:
    """The contacts section of a client's page."""

    contacts: list[Contact]  # newest first
    last: LastContact
    today: date
    note_length: int = NOTE_LENGTH


@dataclass
class CaseloadRow:
    client: User
    last: LastContact
    open_help: int
    open_talks: int


def check(form: dict, today: date) -> tuple[dict[str, str], dict]:
    """Errors per field in words for the coach, else the contact's values for log()."""
    errors = {}
    kind = form.get("kind", "")
    if kind not in {k.value for k in ContactKind}:
        errors["kind"] = _("Choose the kind of contact.")
    day = read_date(form.get("date", "").strip())
    if day is None:
        errors["date"] = _("Give the date of the contact.")
    elif day > today:
        errors["date"] = _("The date cannot be later than today.")
    # A textarea sends each line break as \r\n; count it once, as the browser does.
    note = form.get("note", "").replace("\r\n", "\n").strip()
    if len(note) > NOTE_LENGTH:
        errors["note"] = _("The note can have at most %(num)s characters.", num=NOTE_LENGTH)
    if errors:
        return errors, {}
    return {}, {"kind": ContactKind(kind), "on": day, "note": note}


def kind_to_log(value: str) -> ContactKind | None:
    """The board's "and log a contact" choice: None for no contact. ValueError
    for a kind that does not exist."""
    return ContactKind(value) if value else None


def log(db: Session, client_id: int, coach: User, kind: ContactKind, on: date, note: str = "") -> Contact:
    contact = Contact(client_id=client_id, kind=kind, date=on, note=note, logged_by_id=coach.id, logged_at=clock.now())
    db.add(contact)
    db.flush()
    return contact


def for_client(db: Session, client_id: int, today: date) -> ContactLog:
    contacts = list(
        db.scalars(select(Contact).where(Contact.client_id == client_id).order_by(Contact.date.desc(), Contact.logged_at.desc(), Contact.id.desc()))
    )
    return ContactLog(contacts, LastContact(contacts[0].date if contacts else None, today), today)


def last_contacts(db: Session, client_ids: list[int], today: date) -> dict[int, LastContact]:
    """Each client's last contact, in one query however many clients."""
    last = dict(db.execute(select(Contact.client_id, func.max(Contact.date)).where(Contact.client_id.in_(client_ids)).group_by(Contact.client_id)).all())
    return {client_id: LastContact(last.get(client_id), today) for client_id in client_ids}


def open_talks(db: Session, client_ids: list[int]) -> list[SelfAssessment]:
    """Answers with "I want to talk" that the coach has not handled, oldest first."""
    return list(
        db.scalars(
            select(SelfAssessment)
            .where(
                SelfAssessment.client_id.in_(client_ids),
                SelfAssessment.wants_to_talk.is_(True),
                SelfAssessment.talk_handled_at.is_(None),
            )
            .order_by(SelfAssessment.date, SelfAssessment.id)
        )
    )


def caseload(db: Session, clients: list[User], today: date) -> list[CaseloadRow]:
    """Every client with their last contact and what is open, in three queries:
    the longest without contact first (never contacted before all)."""
    ids = [c.id for c in clients]
    last = last_contacts(db, ids, today)
    helps = Counter(r.client_id for r in help_request.open_requests(db, ids))
    talks = Counter(a.client_id for a in open_talks(db, ids))
    rows = [CaseloadRow(c, last[c.id], helps[c.id], talks[c.id]) for c in clients]
    rows.sort(key=lambda r: (r.last.on is not None, r.last.on or today, r.client.name))
    return rows


def help_handled(db: Session, request: HelpRequest, coach: User, today: date, log_as: ContactKind | None = None) -> None:
    """The coach handled a help request, perhaps with a call or a visit that
    is logged with it. A second press (two tabs, a double tap) logs nothing."""
    if request.handled_at is not None:
        return
    help_request.mark_handled(db, request, coach.id)
    if log_as is not None:
        log(db, request.client_id, coach, log_as, today)


def talk_handled(db: Session, answer: SelfAssessment, coach: User, today: date, log_as: ContactKind | None = None) -> None:
    """As help_handled, for an answer that says "I want to talk"."""
    if answer.talk_handled_at is not None:
        return
    answer.talk_handled_at = clock.now()
    answer.talk_handled_by_id = coach.id
    if log_as is not None:
        log(db, answer.client_id, coach, log_as, today)

"""A client's data as a whole: what counts as it, its export (right of
access) and its erasure.

Every table and every column is classified here, once: rows that belong to
one client (exported and erased with them), the client's own user row, or
not client data, with the reason. tests/test_client_data.py fails when a
table or column is missing, as the route matrix does for routes, so a new
table cannot quietly escape export and erasure.
"""

import enum
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from selko import clock
from selko.alarms.kinds import SCHEDULE_KINDS
from selko.models import Base, User


@dataclass(frozen=True)
class ClientRows:
    """Rows of one client, found by the `owner` column (a users.id).
    `exported` columns go into the export; `internal` ones mean nothing
    outside Selko (ids, hashes, keys). All of them are erased."""

    owner: str
    exported: tuple[str, ...]
    internal: tuple[str, ...] = ("id",)


@dataclass(frozen=True)
class ThePerson:
    """The client's row in users: kept nameless after erasure, so the audit
    trail can still say whose data was handled and who erased it."""

    exported: tuple[str, ...]
    blanked: tuple[str, ...]
    kept: tuple[str, ...]


@dataclass(frozen=True)
class NotClientData:
    why: str
    columns: tuple[str, ...]


TABLES = {
    "users": ThePerson(
        exported=("name", "phone", "language", "created_at"),
        blanked=("name", "phone", "webauthn_id"),
        kept=("id", "organisation_id", "role", "created_at", "erased_at", "deactivated_at", "language"),
    ),
    "client_profiles": ClientRows(
        "user_id",
        exported=(
            "coach_id",
            "workplace",
            *(kind.column for kind in SCHEDULE_KINDS),
            "alarms_silenced_on",
            "started_on",
            "one_step_at_a_time",
        ),
        internal=("user_id",),
    ),
    "work_days": ClientRows("client_id", exported=("weekday", "starts", "ends"), internal=("id", "client_id")),
    "breaks": ClientRows("client_id", exported=("weekday", "starts", "ends", "name"), internal=("id", "client_id")),
    "schedule_exceptions": ClientRows("client_id", exported=("date", "day_off", "starts", "ends", "note"), internal=("id", "client_id")),
    "task_assignments": ClientRows("client_id", exported=("task_id", "weekday", "position"), internal=("id", "client_id")),
    "step_ticks": ClientRows("client_id", exported=("step_id", "date", "ticked_at"), internal=("id", "client_id")),
    "attendance": ClientRows(
        "client_id",
        exported=(
            "date",
            "arrived_at",
            "left_at",
            "absence_reason",
            "absence_note",
            "absence_reported_at",
            "present_by_word",
            "corrected_by_id",
            "corrected_at",
        ),
        internal=("id", "client_id"),
    ),
    # Each change a coach made to a day of the register, with the day before it.
    "attendance_corrections": ClientRows(
        "client_id",
        exported=(
            "date",
            "corrected_by_id",
            "corrected_at",
            "before_arrived_at",
            "before_left_at",
            "before_absence_reason",
            "before_present_by_word",
            "arrived_at",
            "left_at",
            "absence_reason",
            "present_by_word",
        ),
        internal=("id", "client_id"),
    ),
    # The coach's work diary about the client.
    "work_notes": ClientRows(
        "client_id",
        exported=("date", "text", "shown_to_client", "written_by_id", "written_at"),
        internal=("id", "client_id"),
    ),
    # What the client pressed and when; the key only tells repeats apart.
    "client_actions": ClientRows(
        "client_id",
        exported=("kind", "day", "pressed_at", "received_at", "status", "outcome", "what"),
        internal=("id", "client_id", "key"),
    ),
    "self_assessments": ClientRows(
        "client_id",
        exported=("date", "energy", "mind", "skills", "everyday", "work", "wants_to_talk", "answered_at", "talk_handled_at", "talk_handled_by_id"),
        internal=("id", "client_id"),
    ),
    # The coach's contact log: the note is about the client.
    "contacts": ClientRows("client_id", exported=("kind", "date", "note", "logged_by_id", "logged_at"), internal=("id", "client_id")),
    "help_requests": ClientRows(
        "client_id",
        exported=("created_at", "task_id", "step_position", "handled_at", "handled_by_id", "cancelled_at"),
        internal=("id", "client_id"),
    ),
    "device_sessions": ClientRows(
        "user_id",
        exported=("created_at", "last_used_at", "expires_at", "user_agent", "revoked_at", "notification_permission"),
        internal=("id", "user_id", "token_hash", "recovery"),
    ),
    "sign_in_tokens": ClientRows(
        "user_id",
        exported=("created_at", "expires_at", "used_at", "created_by_id"),
        internal=("id", "user_id", "token_hash"),
    ),
    "passkeys": ClientRows(
        "user_id",
        exported=("name", "created_at", "last_used_at"),
        internal=("id", "user_id", "credential_id", "public_key", "sign_count"),
    ),
    "passkey_challenges": ClientRows("user_id", exported=(), internal=("id", "challenge", "purpose", "user_id", "expires_at", "used_at")),
    "push_subscriptions": ClientRows(
        "user_id",
        exported=("created_at", "last_accepted_at", "last_shown_at", "last_test_at", "test_heard"),
        # The endpoint and keys let anyone send to the phone: never handed out.
        internal=("id", "user_id", "device_session_id", "endpoint", "p256dh", "auth"),
    ),
    # Alarms and alerts; a coach alert's text may hold the absence note.
    "reminders": ClientRows(
        "client_id",
        exported=("day", "kind", "due_at", "text", "status", "finished_at", "outcome", "shown_at", "seen_at"),
        internal=("id", "client_id", "attempts", "retry_at", "claimed_at"),
    ),
    "shares": ClientRows(
        "client_id",
        exported=("name", "show_tasks", "ends_on", "created_at", "created_by_id", "client_agreed", "stopped_at"),
        internal=("id", "client_id", "token_hash"),
    ),
    "organisations": NotClientData("the organisation's own settings", ("id", "name", "time_zone", "daily_compensation", "half_day_counts_half")),
    "tasks": NotClientData(
        "the organisation's task library; a client's tasks are in task_assignments",
        ("id", "organisation_id", "title", "emoji", "photo"),
    ),
    "task_steps": NotClientData("steps of the organisation's tasks", ("id", "task_id", "position", "text", "emoji", "photo", "voice")),
    "media_files": NotClientData(
        "photos and recordings of the organisation's tasks; they go with the organisation",
        ("id", "organisation_id", "name", "content_type", "size", "created_at", "width", "height"),
    ),
    "audit_events": NotClientData(
        "the legal trail of who handled whose data; it holds ids and route names, no content, and outlives erasure",
        ("id", "organisation_id", "actor_id", "client_id", "action", "what", "at"),
    ),
}

# What a reader recognises a referenced row by, instead of its id.
READABLE = {"users": "name", "tasks": "title", "task_steps": "text"}


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _readable_names(db: Session, table, exported: tuple[str, ...], rows) -> dict[str, dict[int, str]]:
    """For each exported foreign key, the referenced rows' readable names."""
    names = {}
    for column in (table.c[name] for name in exported):
        for key in column.foreign_keys:
            target = key.column.table
            ids = {row[column.name] for row in rows if row[column.name] is not None}
            if target.name in READABLE and ids:
                label = target.c[READABLE[target.name]]
                names[column.name] = dict(db.execute(select(key.column, label).where(key.column.in_(ids))).all())
    return names


def _export_rows(db: Session, table, kind: ClientRows, client_id: int) -> list[dict]:
    rows = db.execute(select(*(table.c[name] for name in kind.exported)).where(table.c[kind.owner] == client_id)).mappings().all()
    names = _readable_names(db, table, kind.exported, rows)
    result = []
    for row in rows:
        item = {}
        for name in kind.exported:
            if name in names:
                item[name.removesuffix("_id")] = names[name].get(row[name])
            else:
                item[name] = _plain(row[name])
        result.append(item)
    return result


def export(db: Session, client: User) -> dict:
    """Everything Selko holds about one client, in plain JSON types, by table."""
    person = TABLES["users"]
    result = {"client": {name: _plain(getattr(client, name)) for name in person.exported}}
    for table in Base.metadata.sorted_tables:
        kind = TABLES[table.name]
        if isinstance(kind, ClientRows) and kind.exported:
            result[table.name] = _export_rows(db, table, kind, client.id)
    return result


def erase(db: Session, client: User) -> None:
    """Remove the client's personal data, every table of it. The user row
    stays, nameless, so the audit trail can still say that an erasure
    happened and who did it."""
    # Rows that point at other rows of the client go first.
    for table in reversed(Base.metadata.sorted_tables):
        kind = TABLES[table.name]
        if isinstance(kind, ClientRows):
            db.execute(delete(table).where(table.c[kind.owner] == client.id))
    for name in TABLES["users"].blanked:
        setattr(client, name, None if name == "webauthn_id" else "")
    client.erased_at = clock.now()

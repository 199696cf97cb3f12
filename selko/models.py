"""Selko's data, all in one place.

Instants are stored in UTC; schedules are local wall-clock times in the
organisation's time zone, so that "work starts at 8.00" stays 8.00 across
daylight saving time changes.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time, timezone
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Time,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text  # "text" is a column of several tables
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from selko.clock import DEFAULT_ZONE


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime on every database (SQLite keeps no time zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Selko stores aware UTC instants")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Role(str, enum.Enum):
    admin = "admin"
    coach = "coach"
    client = "client"


class AbsenceReason(str, enum.Enum):
    ill = "ill"
    doctor = "doctor"
    family = "family"
    transport = "transport"
    other = "other"


class AuditAction(enum.StrEnum):
    """What an audit row says was done with a client's data."""

    read = "read"
    change = "change"
    export = "export"
    erase = "erase"
    link = "link"  # a sign-in link made for the person
    passkey = "passkey"  # a passkey added through a sign-in link


class ChallengePurpose(enum.StrEnum):
    """What a passkey challenge was made for."""

    register = "register"
    sign_in = "sign_in"


class Permission(enum.StrEnum):
    """The browser's notification permission, as the page last saw it."""

    default = "default"
    granted = "granted"
    denied = "denied"


class ActionKind(enum.StrEnum):
    """What a client pressed on the phone: the actions that work offline."""

    arrive = "arrive"
    leave = "leave"
    absent = "absent"
    tick = "tick"
    help = "help"
    assessment = "assessment"


class ContactKind(enum.StrEnum):
    """How the coach kept contact with the client."""

    visit = "visit"
    call = "call"
    message = "message"
    meeting = "meeting"


class ActionOutcome(enum.StrEnum):
    done = "done"
    superseded = "superseded"  # the coach corrected the day after the client pressed
    refused = "refused"


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    time_zone: Mapped[str] = mapped_column(String(64), default=DEFAULT_ZONE)
    # Work activity pays a small compensation for each day present (0–12 €).
    daily_compensation: Mapped[Decimal] = mapped_column(Numeric(4, 2), default=Decimal("0.00"))
    half_day_counts_half: Mapped[bool] = mapped_column(Boolean, default=True)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=16))
    # The WebAuthn user handle: random, so passkeys reveal nothing about the person.
    webauthn_id: Mapped[bytes | None] = mapped_column(LargeBinary(64), unique=True, nullable=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(40), default="")
    language: Mapped[str] = mapped_column(String(8), default="fi")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The erasure keeps the row, so the audit trail can still say whose data it was.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # A coach who left: signed out everywhere, passkeys gone, cannot sign in.
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def gone(self) -> bool:
        """Erased, or a coach who left: nobody signs in as them any more."""
        return self.erased_at is not None or self.deactivated_at is not None

    organisation: Mapped[Organisation] = relationship()
    client_profile: Mapped[ClientProfile | None] = relationship(foreign_keys="ClientProfile.user_id", back_populates="user")


class ClientProfile(Base):
    __tablename__ = "client_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    workplace: Mapped[str] = mapped_column(String(200), default="")
    # The first day in the service: the register counts from it.
    started_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Which alarms ring on the client's phone: the client's own choice, a
    # column for each Kind that has one (Kind.column).
    alarm_work_start: Mapped[bool] = mapped_column(Boolean, default=True)
    alarm_break_start: Mapped[bool] = mapped_column(Boolean, default=True)
    alarm_break_end: Mapped[bool] = mapped_column(Boolean, default=True)
    alarm_work_end: Mapped[bool] = mapped_column(Boolean, default=True)
    alarms_silenced_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The coach's choice: a task's steps shown one at a time, each on its own page.
    one_step_at_a_time: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(foreign_keys=[user_id], back_populates="client_profile")
    coach: Mapped[User] = relationship(foreign_keys=[coach_id])


class WorkDay(Base):
    """A weekday the client works, with its hours (weekday 0 is Monday)."""

    __tablename__ = "work_days"
    __table_args__ = (UniqueConstraint("client_id", "weekday"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)


class Break(Base):
    __tablename__ = "breaks"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)
    name: Mapped[str] = mapped_column(String(100), default="")


class ScheduleException(Base):
    """One date that differs from the weekly schedule: a day off or other hours."""

    __tablename__ = "schedule_exceptions"
    __table_args__ = (UniqueConstraint("client_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    date: Mapped[date] = mapped_column(Date)
    day_off: Mapped[bool] = mapped_column(Boolean, default=False)
    starts: Mapped[time | None] = mapped_column(Time, nullable=True)
    ends: Mapped[time | None] = mapped_column(Time, nullable=True)
    note: Mapped[str] = mapped_column(String(200), default="")


class Task(Base):
    """A reusable instruction in the organisation's task library."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    emoji: Mapped[str] = mapped_column(String(16), default="")
    photo: Mapped[str | None] = mapped_column(String(200), nullable=True)

    steps: Mapped[list[TaskStep]] = relationship(order_by="TaskStep.position", cascade="all, delete-orphan", back_populates="task")


class TaskStep(Base):
    __tablename__ = "task_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(300))
    emoji: Mapped[str] = mapped_column(String(16), default="")
    photo: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # The coach's own voice reading the step: a MediaFile's name.
    voice: Mapped[str | None] = mapped_column(String(200), nullable=True)

    task: Mapped[Task] = relationship(back_populates="steps")


class MediaFile(Base):
    """A stored photo or recording (selko/library/media.py). The bytes live in the
    media storage under `name`, which is made from their content; the row
    says whose they are, so only that organisation reaches them."""

    __tablename__ = "media_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A photo's pixels, for <img width height> and srcset (photos.py); none for a recording.
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)


class TaskAssignment(Base):
    """A task on one of the client's weekdays, in order."""

    __tablename__ = "task_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)

    task: Mapped[Task] = relationship()


class StepTick(Base):
    __tablename__ = "step_ticks"
    __table_args__ = (
        UniqueConstraint("client_id", "step_id", "date"),
        # Today reads the day's ticks; the unique index has them among a year of the client's.
        Index("ix_step_ticks_client_id_date", "client_id", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    step_id: Mapped[int] = mapped_column(ForeignKey("task_steps.id"), index=True)
    date: Mapped[date] = mapped_column(Date)
    ticked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Attendance(Base):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("client_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    date: Mapped[date] = mapped_column(Date)
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    absence_reason: Mapped[AbsenceReason | None] = mapped_column(Enum(AbsenceReason, native_enum=False, length=16), nullable=True)
    absence_note: Mapped[str] = mapped_column(String(500), default="")
    absence_reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Present without times on the coach's word ("was at the workplace visit").
    present_by_word: Mapped[bool] = mapped_column(Boolean, default=False)
    # The coach's correction of the day stands against client presses made before it.
    corrected_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    corrected_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    corrected_by: Mapped[User | None] = relationship(foreign_keys=[corrected_by_id])


class AttendanceCorrection(Base):
    """One change a coach made to a day of the register: the day before and
    after it, so the client's own entry and every change stay visible."""

    __tablename__ = "attendance_corrections"
    __table_args__ = (Index("ix_attendance_corrections_client_date", "client_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    date: Mapped[date] = mapped_column(Date)
    corrected_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    corrected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    before_arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    before_left_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    before_absence_reason: Mapped[AbsenceReason | None] = mapped_column(Enum(AbsenceReason, native_enum=False, length=16), nullable=True)
    before_present_by_word: Mapped[bool] = mapped_column(Boolean, default=False)
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    absence_reason: Mapped[AbsenceReason | None] = mapped_column(Enum(AbsenceReason, native_enum=False, length=16), nullable=True)
    present_by_word: Mapped[bool] = mapped_column(Boolean, default=False)

    corrected_by: Mapped[User] = relationship(foreign_keys=[corrected_by_id])


class WorkNote(Base):
    """The coach's work diary: one note a client a day. Shown to the client
    on Today only when the coach says so; otherwise it stays the coach's."""

    __tablename__ = "work_notes"
    __table_args__ = (UniqueConstraint("client_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    date: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(String(2000))
    shown_to_client: Mapped[bool] = mapped_column(Boolean, default=False)
    written_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)

    written_by: Mapped[User] = relationship(foreign_keys=[written_by_id])


class ClientAction(Base):
    """One press of a client action and the first answer to it.

    The phone may send a press again (offline replay, a double tap); the key
    makes every repeat get this answer instead of doing the action twice."""

    __tablename__ = "client_actions"
    __table_args__ = (
        UniqueConstraint("client_id", "key"),
        # Today and the board read the day's presses, not every press of the year.
        Index("ix_client_actions_client_id_day", "client_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(36))
    kind: Mapped[ActionKind] = mapped_column(Enum(ActionKind, native_enum=False, length=16))
    day: Mapped[date] = mapped_column(Date)
    pressed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[int] = mapped_column(Integer)  # HTTP status of the first answer
    outcome: Mapped[ActionOutcome] = mapped_column(Enum(ActionOutcome, native_enum=False, length=16))
    what: Mapped[str] = mapped_column(String(200), default="")


# The board's query says is_(True): "IS TRUE" on PostgreSQL, "IS 1" on SQLite.
# The index says the same words, so each database sees that it answers it.
OPEN_TALK = "wants_to_talk IS TRUE AND talk_handled_at IS NULL"
OPEN_TALK_SQLITE = "wants_to_talk IS 1 AND talk_handled_at IS NULL"


class SelfAssessment(Base):
    """How did today go: one answer per area, 1 (bad) to 3 (good)."""

    __tablename__ = "self_assessments"
    __table_args__ = (
        UniqueConstraint("client_id", "date"),
        # The board's open "I want to talk": a few rows among a year of answers.
        Index("ix_self_assessments_open_talks", "client_id", postgresql_where=sql_text(OPEN_TALK), sqlite_where=sql_text(OPEN_TALK_SQLITE)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    date: Mapped[date] = mapped_column(Date)
    energy: Mapped[int] = mapped_column(Integer)
    mind: Mapped[int] = mapped_column(Integer)
    skills: Mapped[int] = mapped_column(Integer)
    everyday: Mapped[int] = mapped_column(Integer)
    work: Mapped[int] = mapped_column(Integer)
    wants_to_talk: Mapped[bool] = mapped_column(Boolean, default=False)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # "I want to talk" stays open on the coach's board until the coach handles it.
    talk_handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    talk_handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class HelpRequest(Base):
    __tablename__ = "help_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Where the client was: a task and the step they were on, if any.
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), nullable=True)
    step_position: Mapped[int | None] = mapped_column(Integer, nullable=True)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # The client took the request back ("I do not need help now").
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    task: Mapped[Task | None] = relationship()


class Contact(Base):
    """A visit, call, message or meeting with the client: the quality
    criteria ask the coach to keep contact at least once a month."""

    __tablename__ = "contacts"
    # The last contact of every client on the board is one grouped query on this.
    __table_args__ = (Index("ix_contacts_client_id_date", "client_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[ContactKind] = mapped_column(Enum(ContactKind, native_enum=False, length=16))
    date: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(500), default="")
    logged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime)

    logged_by: Mapped[User] = relationship(foreign_keys=[logged_by_id])


class DeviceSession(Base):
    """A phone or browser that stays signed in; the cookie holds the token."""

    __tablename__ = "device_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # A Permission, or "" before the page has said.
    notification_permission: Mapped[str] = mapped_column(String(16), default="")
    # Opened by a sign-in link for a coach who has a passkey already: it may only
    # register a new passkey (the recovery path), never read clients' data.
    recovery: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship()


class SignInToken(Base):
    """A one-time sign-in link; only the hash of its token is kept."""

    __tablename__ = "sign_in_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Passkey(Base):
    """A WebAuthn credential: fingerprint, face or screen lock on one device."""

    __tablename__ = "passkeys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    credential_id: Mapped[bytes] = mapped_column(LargeBinary(1024), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(2048))
    sign_count: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class PasskeyChallenge(Base):
    """A WebAuthn challenge, kept on the server so that it can be used only once."""

    __tablename__ = "passkey_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge: Mapped[bytes] = mapped_column(LargeBinary(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(16))  # a ChallengePurpose
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AuditEvent(Base):
    """Who read or changed which client's data, and when (client-data law)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True, nullable=True)
    action: Mapped[str] = mapped_column(String(16))  # an AuditAction
    what: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    actor: Mapped[User] = relationship(foreign_keys=[actor_id])
    client: Mapped[User | None] = relationship(foreign_keys=[client_id])


class PushSubscription(Base):
    """Where the push service delivers alarms for one signed-in phone."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    device_session_id: Mapped[int] = mapped_column(ForeignKey("device_sessions.id"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_shown_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_test_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    test_heard: Mapped[bool | None] = mapped_column(Boolean, nullable=True)


class Reminder(Base):
    """One alarm to send: planned from the schedule, or sent by the coach.

    The outbox: whatever causes an alarm writes this row; the worker claims
    due rows and sends them."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("client_id", "day", "kind", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))  # a Kind of selko/alarms/kinds.py, listed there only
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    text: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(16), default="planned", index=True)  # a Status of selko/alarms/kinds.py, listed there only
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    outcome: Mapped[str] = mapped_column(String(200), default="")
    # A coach's message: the phone showed it, and the client pressed "Selvä" on Today.
    shown_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Share(Base):
    """A family member's read-only view of the client's schedule.

    The link holds a random token; only its hash is kept here."""

    __tablename__ = "shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))  # who sees it: "Mum"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    show_tasks: Mapped[bool] = mapped_column(Boolean, default=False)
    ends_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # A coach may share only with the client's consent, and records it.
    client_agreed: Mapped[bool] = mapped_column(Boolean, default=True)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    client: Mapped[User] = relationship(foreign_keys=[client_id])

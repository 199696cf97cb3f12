"""One batch of due alarms, step by step: claim the rows, load who they are
for, decide which ring, send them, settle what the answers mean, record it.

The reminders table is the queue. The claim is one short transaction (on
PostgreSQL with FOR UPDATE SKIP LOCKED, so two workers never take the same
row; SQLite runs one worker at a time); the outcomes go back in one batch.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import Row, any_, bindparam, delete, or_, select, update
from sqlalchemy.dialects.postgresql import ARRAY

from selko.alarms.kinds import SCHEDULE_KINDS, Kind, Recipient, Status, alarm_message
from selko.alarms.webpush import Answer, Sender, Subscription
from selko.models import ClientProfile, PushSubscription, Reminder, User

MAX_ATTEMPTS = 5


def _ended(status: Status) -> property:
    return property(lambda outcome: outcome.ended[status], doc=f"How many ended {status}.")


@dataclass
class Outcome:
    """How a batch went: the reminders that ended, by their Status, the ones
    given back to try again, and the subscriptions the push service forgot."""

    ended: Counter[Status] = field(default_factory=Counter)
    retried: int = 0
    gone: list[int] = field(default_factory=list)

    sent = _ended(Status.sent)
    dropped = _ended(Status.dropped)
    skipped = _ended(Status.skipped)
    failed = _ended(Status.failed)

    @property
    def claimed(self) -> int:
        return sum(self.ended.values()) + self.retried


def claim(db_session, now: datetime, limit: int, stale_after: timedelta) -> list:
    """Take due reminders for this worker, in one statement."""
    # A worker that died mid-send leaves rows "sending": give them back.
    db_session.execute(update(Reminder).where(Reminder.status == Status.sending, Reminder.claimed_at < now - stale_after).values(status=Status.planned))
    due = (
        select(Reminder.id)
        .where(
            Reminder.status == Status.planned,
            Reminder.due_at <= now,
            or_(Reminder.retry_at.is_(None), Reminder.retry_at <= now),
        )
        .order_by(Reminder.due_at, Reminder.id)
        .limit(limit)
    )
    if db_session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    rows = db_session.execute(
        update(Reminder)
        .where(Reminder.id.in_(due.scalar_subquery()))
        .values(status=Status.sending, claimed_at=now, attempts=Reminder.attempts + 1)
        .returning(Reminder.id, Reminder.client_id, Reminder.day, Reminder.kind, Reminder.due_at, Reminder.text, Reminder.attempts)
    ).all()
    db_session.commit()
    return rows


def among(db_session, column, ids):
    """column IN ids; on PostgreSQL column = ANY(ids), one array parameter:
    a batch's 5,000 ids as 5,000 parameters cost SQLAlchemy and psycopg
    more CPU to write out and parse than the queries themselves."""
    if db_session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(ids), type_=ARRAY(column.type)))
    return column.in_(ids)


@dataclass
class Batch:
    """The claimed reminders and what sending them needs, by id: plain rows,
    not ORM objects, as a batch can hold thousands of clients."""

    reminders: list
    kinds: dict[int, Kind]  # by reminder; a kind Selko does not know is missing
    profiles: dict[int, Row]  # by client
    subscriptions: dict[int, list]  # by person
    names: dict[int, str]
    languages: dict[int, str]

    def recipient(self, reminder) -> int | None:
        if self.kinds[reminder.id].rings_for == Recipient.coach:
            profile = self.profiles.get(reminder.client_id)
            return profile.coach_id if profile else None
        return reminder.client_id


def load(db_session, reminders: list) -> Batch:
    """The profiles, phones, names and languages of the people the batch rings for, in three queries."""
    client_ids = {r.client_id for r in reminders}
    choices = [getattr(ClientProfile, kind.column) for kind in SCHEDULE_KINDS]
    query = select(ClientProfile.user_id, ClientProfile.coach_id, *choices, ClientProfile.alarms_silenced_on)
    profiles = {p.user_id: p for p in db_session.execute(query.where(among(db_session, ClientProfile.user_id, client_ids)))}
    batch = Batch(reminders, _known_kinds(reminders), profiles, {}, {}, {})
    people = {batch.recipient(r) for r in reminders if r.id in batch.kinds} | client_ids
    for sub in db_session.execute(
        select(PushSubscription.id, PushSubscription.user_id, PushSubscription.endpoint, PushSubscription.p256dh, PushSubscription.auth).where(
            among(db_session, PushSubscription.user_id, people)
        )
    ):
        batch.subscriptions.setdefault(sub.user_id, []).append(sub)
    for person in db_session.execute(select(User.id, User.name, User.language).where(among(db_session, User.id, people))):
        batch.names[person.id], batch.languages[person.id] = person.name, person.language
    return batch


def _known_kinds(reminders: list) -> dict[int, Kind]:
    kinds = {}
    for reminder in reminders:
        try:
            kinds[reminder.id] = Kind(reminder.kind)
        except ValueError:  # e.g. written by a newer Selko
            pass
    return kinds


class Push(NamedTuple):
    reminder_id: int
    subscription_id: int
    job: tuple  # what Sender.send_many takes: subscription, message, TTL, urgency


def decide(batch: Batch, now: datetime) -> tuple[dict[int, tuple[Status, str]], list[Push]]:
    """The reminders that end here unsent, each with its status and why; and
    the pushes of the others, one for each of the recipient's phones."""
    finished = {r.id: (Status.failed, f"unknown kind {r.kind!r}") for r in batch.reminders if r.id not in batch.kinds}
    pushes: list[Push] = []
    for reminder in batch.reminders:
        if reminder.id in finished:
            continue
        if (why_not := _why_not(batch, reminder, now)) is not None:
            finished[reminder.id] = why_not
            continue
        to = batch.recipient(reminder)
        try:
            body = alarm_message(reminder, batch.languages[to], batch.names.get(reminder.client_id, ""))
        except Exception as error:  # noqa: BLE001 - one bad row must not stop everyone's alarms
            finished[reminder.id] = (Status.failed, f"cannot make the message: {error!r}")
            continue
        ttl, urgency = time_to_live(reminder, now), batch.kinds[reminder.id].urgency
        pushes += [Push(reminder.id, sub.id, (Subscription(sub.endpoint, sub.p256dh, sub.auth), body, ttl, urgency)) for sub in batch.subscriptions[to]]
    return finished, pushes


def _why_not(batch: Batch, reminder, now: datetime) -> tuple[Status, str] | None:
    """Why the reminder ends without ringing, or None if it rings."""
    if too_late(reminder, now):
        return Status.dropped, "too late"
    if not _wanted(reminder, batch.profiles.get(reminder.client_id)):
        return Status.skipped, "turned off by the client"
    if not batch.subscriptions.get(batch.recipient(reminder), []):
        return Status.failed, "no phone can ring"
    return None


def too_late(reminder, now: datetime) -> bool:
    return now - reminder.due_at > Kind(reminder.kind).late_after


def time_to_live(reminder, now: datetime) -> int:
    """Seconds the push service may hold the alarm before it means nothing."""
    left = reminder.due_at + Kind(reminder.kind).late_after - now
    return max(0, int(left.total_seconds()))


def _wanted(reminder, profile: Row | None) -> bool:
    """The client chose which alarms ring, and may silence them for today."""
    if profile is None or not Kind(reminder.kind).from_schedule:
        return True
    if profile.alarms_silenced_on == reminder.day:
        return False
    return getattr(profile, Kind(reminder.kind).column)


def send(sender: Sender, pushes: list[Push], deadline: float) -> dict[int, list[tuple[int, Answer]]]:
    """All the pushes at once; the answers by reminder, each with its subscription."""
    answers: dict[int, list[tuple[int, Answer]]] = {}
    sent = sender.send_many([push.job for push in pushes], deadline=deadline)
    for push, answer in zip(pushes, sent):
        answers.setdefault(push.reminder_id, []).append((push.subscription_id, answer))
    return answers


@dataclass
class Settled:
    """What becomes of the batch, by id, for record() to write."""

    finished: dict[int, tuple[Status, str]]  # reminder: its status and what was said
    retries: dict[int, int] = field(default_factory=dict)  # reminder: seconds to wait
    accepted: list[int] = field(default_factory=list)  # subscriptions that took an alarm
    gone: list[int] = field(default_factory=list)  # subscriptions the push service forgot

    def outcome(self) -> Outcome:
        return Outcome(Counter(status for status, _text in self.finished.values()), len(self.retries), self.gone)


def settle(batch: Batch, finished: dict[int, tuple[Status, str]], answers: dict[int, list[tuple[int, Answer]]]) -> Settled:
    """What the push services' answers mean for each reminder sent: sent,
    failed, or given back to try again after a wait."""
    settled = Settled(finished)
    for reminder in batch.reminders:
        if reminder.id not in finished:
            _settle_one(settled, reminder, answers[reminder.id])
    return settled


def _settle_one(settled: Settled, reminder, answers: list[tuple[int, Answer]]) -> None:
    ok = [s for s, a in answers if 200 <= a.status < 300]
    settled.accepted += ok
    settled.gone += [s for s, a in answers if a.status in (404, 410)]
    transient = [a for s, a in answers if not a.problem and (a.status == 429 or a.status >= 500 or a.status == 0)]
    said = ",".join(a.problem or str(a.status) for _s, a in answers)
    if ok:
        settled.finished[reminder.id] = (Status.sent, said)
    elif transient and reminder.attempts < MAX_ATTEMPTS:
        settled.retries[reminder.id] = max((a.retry_after or 0) for a in transient) or 5 * 2 ** (reminder.attempts - 1)
    else:
        settled.finished[reminder.id] = (Status.failed, said)


def record(db_session, settled: Settled, now: datetime) -> None:
    """The outcomes in a few statements, whatever the batch size: the rows
    that ended alike (sent, "201") are one UPDATE, not one each."""
    for (status, text), ids in _grouped((rid, (status, text[:200])) for rid, (status, text) in settled.finished.items()).items():
        db_session.execute(
            update(Reminder)
            .where(among(db_session, Reminder.id, ids))
            .values(status=status, outcome=text, finished_at=now)
            .execution_options(synchronize_session=False)
        )
    for wait, ids in _grouped(settled.retries.items()).items():
        db_session.execute(
            update(Reminder)
            .where(among(db_session, Reminder.id, ids))
            .values(status=Status.planned, retry_at=now + timedelta(seconds=wait))
            .execution_options(synchronize_session=False)
        )
    if settled.accepted:
        db_session.execute(update(PushSubscription).where(among(db_session, PushSubscription.id, settled.accepted)).values(last_accepted_at=now))
    if settled.gone:
        db_session.execute(delete(PushSubscription).where(among(db_session, PushSubscription.id, settled.gone)))
    db_session.commit()


def _grouped(pairs) -> dict:
    """(id, key) pairs as {key: [id, …]}, in the order the keys came."""
    groups: dict = {}
    for rid, key in pairs:
        groups.setdefault(key, []).append(rid)
    return groups

"""The worker: plans the day's alarms and sends the due ones.

The reminders table is the queue. A worker claims due rows in one short
transaction (on PostgreSQL with FOR UPDATE SKIP LOCKED, so two workers never
take the same row; SQLite runs one worker at a time), sends them in
parallel, and writes the outcomes back in one batch.
"""

import math
import signal
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import any_, bindparam, delete, or_, select, update
from sqlalchemy.dialects.postgresql import ARRAY

from selko import clock, db
from selko.alarms import planning
from selko.alarms.kinds import SCHEDULE_KINDS, Kind, Recipient, Status, alarm_message
from selko.alarms.webpush import Answer, Sender, Subscription
from selko.models import ClientProfile, PushSubscription, Reminder, User
from selko.ops import prune

BATCH = 5000
MAX_ATTEMPTS = 5
# A live worker sends a batch within SEND_DEADLINE and records it soon after,
# so a claim older than the deadline and RECORDING belongs to a worker that
# was killed: its alarms are given back well before a break alarm's 5 minutes
# are over. SELKO_ALARM_SEND_SECONDS sets the deadline, and so this too.
SEND_DEADLINE = 45  # seconds
RECORDING = timedelta(seconds=15)
STALE_CLAIM = timedelta(seconds=SEND_DEADLINE) + RECORDING


@dataclass
class Outcome:
    sent: int = 0
    dropped: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    gone: list[int] = field(default_factory=list)

    @property
    def claimed(self) -> int:
        return self.sent + self.dropped + self.retried + self.failed + self.skipped


def claim(db_session, now, limit: int = BATCH, stale_after: timedelta = STALE_CLAIM) -> list:
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


def _wanted(reminder, profile: ClientProfile | None) -> bool:
    """The client chose which alarms ring, and may silence them for today."""
    if profile is None or not Kind(reminder.kind).from_schedule:
        return True
    if profile.alarms_silenced_on == reminder.day:
        return False
    return getattr(profile, Kind(reminder.kind).column)


def send_due(db_session, sender: Sender, limit: int = BATCH, deadline: float | None = None) -> Outcome:
    deadline = deadline or SEND_DEADLINE
    now = clock.now()
    reminders = claim(db_session, now, limit, timedelta(seconds=deadline) + RECORDING)
    outcome = Outcome()
    if not reminders:
        return outcome
    client_ids = {r.client_id for r in reminders}
    # Plain rows, not ORM objects: a batch can hold thousands of clients.
    profiles = {
        p.user_id: p
        for p in db_session.execute(
            select(
                ClientProfile.user_id,
                ClientProfile.coach_id,
                *(getattr(ClientProfile, kind.column) for kind in SCHEDULE_KINDS),
                ClientProfile.alarms_silenced_on,
            ).where(among(db_session, ClientProfile.user_id, client_ids))
        )
    }

    finished: dict[int, tuple[str, str]] = {}
    kinds: dict[int, Kind] = {}
    for reminder in reminders:
        try:
            kinds[reminder.id] = Kind(reminder.kind)
        except ValueError:  # e.g. written by a newer Selko
            finished[reminder.id] = (Status.failed, f"unknown kind {reminder.kind!r}")

    def recipient(reminder) -> int | None:
        if kinds[reminder.id].rings_for == Recipient.coach:
            profile = profiles.get(reminder.client_id)
            return profile.coach_id if profile else None
        return reminder.client_id

    people = {recipient(r) for r in reminders if r.id in kinds} | client_ids
    subscriptions: dict[int, list] = {}
    for sub in db_session.execute(
        select(PushSubscription.id, PushSubscription.user_id, PushSubscription.endpoint, PushSubscription.p256dh, PushSubscription.auth).where(
            among(db_session, PushSubscription.user_id, people)
        )
    ):
        subscriptions.setdefault(sub.user_id, []).append(sub)
    names, languages = {}, {}
    for person in db_session.execute(select(User.id, User.name, User.language).where(among(db_session, User.id, people))):
        names[person.id], languages[person.id] = person.name, person.language

    jobs: list[tuple[int, int, tuple]] = []  # reminder id, subscription id, job
    for reminder in reminders:
        if reminder.id in finished:
            continue
        if too_late(reminder, now):
            finished[reminder.id] = (Status.dropped, "too late")
            continue
        if not _wanted(reminder, profiles.get(reminder.client_id)):
            finished[reminder.id] = (Status.skipped, "turned off by the client")
            continue
        to = recipient(reminder)
        subs = subscriptions.get(to, [])
        if not subs:
            finished[reminder.id] = (Status.failed, "no phone can ring")
            continue
        try:
            body = alarm_message(reminder, languages[to], names.get(reminder.client_id, ""))
        except Exception as error:  # noqa: BLE001 - one bad row must not stop everyone's alarms
            finished[reminder.id] = (Status.failed, f"cannot make the message: {error!r}")
            continue
        ttl, urgency = time_to_live(reminder, now), kinds[reminder.id].urgency
        jobs += [(reminder.id, sub.id, (Subscription(sub.endpoint, sub.p256dh, sub.auth), body, ttl, urgency)) for sub in subs]

    answers_by_reminder: dict[int, list[tuple[int, Answer]]] = {}
    sent = sender.send_many([job for _r, _s, job in jobs], deadline=deadline)
    for (reminder_id, sub_id, _job), answer in zip(jobs, sent):
        answers_by_reminder.setdefault(reminder_id, []).append((sub_id, answer))

    accepted_subs: list[int] = []
    retries: dict[int, int] = {}
    for reminder in reminders:
        if reminder.id in finished:
            continue
        answers = answers_by_reminder[reminder.id]
        ok = [s for s, a in answers if 200 <= a.status < 300]
        accepted_subs += ok
        outcome.gone += [s for s, a in answers if a.status in (404, 410)]
        transient = [a for s, a in answers if not a.problem and (a.status == 429 or a.status >= 500 or a.status == 0)]
        said = ",".join(a.problem or str(a.status) for _s, a in answers)
        if ok:
            finished[reminder.id] = (Status.sent, said)
        elif transient and reminder.attempts < MAX_ATTEMPTS:
            wait = max((a.retry_after or 0) for a in transient) or 5 * 2 ** (reminder.attempts - 1)
            retries[reminder.id] = wait
        else:
            finished[reminder.id] = (Status.failed, said)

    # Outcomes in a few statements, whatever the batch size: the rows that
    # ended alike (sent, "201") are one UPDATE, not one each.
    alike: dict[tuple[str, str], list[int]] = {}
    for rid, (status, text) in finished.items():
        alike.setdefault((status, text[:200]), []).append(rid)
    for (status, text), ids in alike.items():
        db_session.execute(
            update(Reminder)
            .where(among(db_session, Reminder.id, ids))
            .values(status=status, outcome=text, finished_at=now)
            .execution_options(synchronize_session=False)
        )
    waits: dict[int, list[int]] = {}
    for rid, wait in retries.items():
        waits.setdefault(wait, []).append(rid)
    for wait, ids in waits.items():
        db_session.execute(
            update(Reminder)
            .where(among(db_session, Reminder.id, ids))
            .values(status=Status.planned, retry_at=now + timedelta(seconds=wait))
            .execution_options(synchronize_session=False)
        )
    if accepted_subs:
        db_session.execute(update(PushSubscription).where(among(db_session, PushSubscription.id, accepted_subs)).values(last_accepted_at=now))
    if outcome.gone:
        db_session.execute(delete(PushSubscription).where(among(db_session, PushSubscription.id, outcome.gone)))
    db_session.commit()
    for status, _text in finished.values():
        setattr(outcome, status, getattr(outcome, status) + 1)
    outcome.retried = len(retries)
    return outcome


def too_late(reminder, now: datetime) -> bool:
    return now - reminder.due_at > Kind(reminder.kind).late_after


def time_to_live(reminder, now: datetime) -> int:
    """Seconds the push service may hold the alarm before it means nothing."""
    left = reminder.due_at + Kind(reminder.kind).late_after - now
    return max(0, int(left.total_seconds()))


def sender_for(app: Flask) -> Sender:
    return Sender(app.extensions["selko.vapid"], app.config["PUSH_SUBJECT"], connections=app.config["PUSH_CONNECTIONS"])


class StopSignal:
    """SIGTERM or SIGINT asks the worker to stop: it finishes the batch it is
    sending (at most SEND_DEADLINE), records it, and exits 0."""

    def __init__(self):
        self.asked = False
        self._before = {number: signal.signal(number, self._ask) for number in (signal.SIGTERM, signal.SIGINT)}

    def restore(self) -> None:
        for number, handler in self._before.items():
            signal.signal(number, handler)

    def _ask(self, number, frame):
        self.asked = True

    def sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not self.asked and time.monotonic() < end:
            time.sleep(0.1)


@click.command("worker")
@click.option("--once", is_flag=True, help="One pass: plan today, send what is due, stop.")
@with_appcontext
def worker_command(once: bool):
    """Plan alarms and send them when they are due."""
    stop = StopSignal()
    sender = sender_for(current_app)
    batch = current_app.config["ALARM_BATCH"] or BATCH
    deadline = current_app.config["ALARM_SEND_SECONDS"] or SEND_DEADLINE
    planned_at = pruned_at = -math.inf
    try:
        while not stop.asked:
            try:
                if time.monotonic() - pruned_at > 24 * 3600:
                    current_app.logger.info("pruned %s", prune.prune(db.session(), clock.now()))
                    pruned_at = time.monotonic()
                if time.monotonic() - planned_at > 600:
                    planning.plan_today_for_everyone(db.session())
                    planned_at = time.monotonic()
                outcome = send_due(db.session(), sender, batch, deadline)
            except Exception:  # noqa: BLE001 - e.g. the database restarting: try again soon
                db.session().rollback()
                current_app.logger.exception("the worker's pass failed; trying again")
                stop.sleep(10)
                continue
            if outcome.claimed:
                current_app.logger.info("sent %d, dropped %d, retry %d, failed %d", outcome.sent, outcome.dropped, outcome.retried, outcome.failed)
            if once:
                return
            if outcome.claimed < batch:
                stop.sleep(2)
    finally:
        sender.close()
        stop.restore()

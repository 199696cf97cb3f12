"""The worker: plans the day's alarms and sends the due ones.

The reminders table is the queue. A worker claims due rows in one short
transaction (on PostgreSQL with FOR UPDATE SKIP LOCKED, so two workers never
take the same row; SQLite runs one worker at a time), sends them in
parallel, and writes the outcomes back in one batch.
"""
import time
from dataclasses import dataclass, field
from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import delete, or_, select, update

from selko import break_reminder, clock, db, labels
from selko.models import ClientProfile, PushSubscription, Reminder, User
from selko.push import Answer, Sender, Subscription

BATCH = 5000
MAX_ATTEMPTS = 5
STALE_CLAIM = timedelta(minutes=5)
URGENCY = {"break_end": "high", "work_start": "high", "test": "high", "absent": "high", "help": "high"}


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


def claim(db_session, now, limit: int = BATCH) -> list:
    """Take due reminders for this worker, in one statement."""
    # A worker that died mid-send leaves rows "sending": give them back.
    db_session.execute(
        update(Reminder)
        .where(Reminder.status == "sending", Reminder.claimed_at < now - STALE_CLAIM)
        .values(status="planned")
    )
    due = (
        select(Reminder.id)
        .where(
            Reminder.status == "planned",
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
        .values(status="sending", claimed_at=now, attempts=Reminder.attempts + 1)
        .returning(Reminder.id, Reminder.client_id, Reminder.day, Reminder.kind, Reminder.due_at, Reminder.text, Reminder.attempts)
    ).all()
    db_session.commit()
    return rows


def _wanted(reminder, profile: ClientProfile | None) -> bool:
    """The client chose which alarms ring, and may silence them for today."""
    if profile is None or reminder.kind not in break_reminder.SCHEDULE_KINDS:
        return True
    if profile.alarms_silenced_on == reminder.day:
        return False
    return getattr(profile, f"alarm_{reminder.kind}")


def send_due(db_session, sender: Sender, limit: int = BATCH) -> Outcome:
    now = clock.now()
    reminders = claim(db_session, now, limit)
    outcome = Outcome()
    if not reminders:
        return outcome
    client_ids = {r.client_id for r in reminders}
    # Plain rows, not ORM objects: a batch can hold thousands of clients.
    profiles = {
        p.user_id: p
        for p in db_session.execute(
            select(
                ClientProfile.user_id, ClientProfile.coach_id, ClientProfile.alarm_work_start,
                ClientProfile.alarm_break_start, ClientProfile.alarm_break_end, ClientProfile.alarm_work_end,
                ClientProfile.alarms_silenced_on,
            ).where(ClientProfile.user_id.in_(client_ids))
        )
    }

    def recipient(reminder) -> int | None:
        if reminder.kind in break_reminder.COACH_ALERTS:
            profile = profiles.get(reminder.client_id)
            return profile.coach_id if profile else None
        return reminder.client_id

    people = {recipient(r) for r in reminders} | client_ids
    subscriptions: dict[int, list] = {}
    for sub in db_session.execute(
        select(PushSubscription.id, PushSubscription.user_id, PushSubscription.endpoint, PushSubscription.p256dh, PushSubscription.auth)
        .where(PushSubscription.user_id.in_(people))
    ):
        subscriptions.setdefault(sub.user_id, []).append(sub)
    names, languages = {}, {}
    for person in db_session.execute(select(User.id, User.name, User.language).where(User.id.in_(people))):
        names[person.id], languages[person.id] = person.name, person.language

    jobs: list[tuple[int, int, tuple]] = []  # reminder id, subscription id, job
    finished: dict[int, tuple[str, str]] = {}
    for reminder in reminders:
        if break_reminder.too_late(reminder, now):
            finished[reminder.id] = ("dropped", "too late")
            continue
        if not _wanted(reminder, profiles.get(reminder.client_id)):
            finished[reminder.id] = ("skipped", "turned off by the client")
            continue
        to = recipient(reminder)
        subs = subscriptions.get(to, [])
        if not subs:
            finished[reminder.id] = ("failed", "no phone can ring")
            continue
        body = labels.alarm_message(reminder, languages[to], names.get(reminder.client_id, ""))
        ttl = break_reminder.time_to_live(reminder, now)
        urgency = URGENCY.get(reminder.kind, "normal")
        jobs += [(reminder.id, sub.id, (Subscription(sub.endpoint, sub.p256dh, sub.auth), body, ttl, urgency)) for sub in subs]

    answers_by_reminder: dict[int, list[tuple[int, Answer]]] = {}
    for (reminder_id, sub_id, _job), answer in zip(jobs, sender.send_many([job for _r, _s, job in jobs])):
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
        transient = [a for s, a in answers if a.status == 429 or a.status >= 500 or a.status == 0]
        if ok:
            finished[reminder.id] = ("sent", ",".join(str(a.status) for _s, a in answers))
        elif transient and reminder.attempts < MAX_ATTEMPTS:
            wait = max((a.retry_after or 0) for a in transient) or 5 * 2 ** (reminder.attempts - 1)
            retries[reminder.id] = wait
        else:
            finished[reminder.id] = ("failed", ",".join(str(a.status) for _s, a in answers))

    # Outcomes in a few statements, whatever the batch size.
    bulk = {"synchronize_session": False}
    if finished:
        db_session.execute(
            update(Reminder).execution_options(**bulk),
            [{"id": rid, "status": status, "outcome": text, "finished_at": now} for rid, (status, text) in finished.items()],
        )
    if retries:
        db_session.execute(
            update(Reminder).execution_options(**bulk),
            [{"id": rid, "status": "planned", "retry_at": now + timedelta(seconds=wait)} for rid, wait in retries.items()],
        )
    if accepted_subs:
        db_session.execute(
            update(PushSubscription).where(PushSubscription.id.in_(accepted_subs)).values(last_accepted_at=now)
        )
    if outcome.gone:
        db_session.execute(delete(PushSubscription).where(PushSubscription.id.in_(outcome.gone)))
    db_session.commit()
    for status, _text in finished.values():
        setattr(outcome, status, getattr(outcome, status) + 1)
    outcome.retried = len(retries)
    return outcome


def sender_for(app: Flask) -> Sender:
    return Sender(app.extensions["selko.vapid"], app.config["PUSH_SUBJECT"], connections=app.config["PUSH_CONNECTIONS"])


@click.command("worker")
@click.option("--once", is_flag=True, help="One pass: plan today, send what is due, stop.")
@with_appcontext
def worker_command(once: bool):
    """Plan alarms and send them when they are due."""
    sender = sender_for(current_app)
    planned_at = 0.0
    try:
        while True:
            if time.monotonic() - planned_at > 600:
                break_reminder.plan_today_for_everyone(db.session())
                planned_at = time.monotonic()
            outcome = send_due(db.session(), sender)
            if outcome.claimed:
                click.echo(f"sent {outcome.sent}, dropped {outcome.dropped}, retry {outcome.retried}, failed {outcome.failed}")
            if once:
                return
            if outcome.claimed < BATCH:
                time.sleep(2)
    finally:
        sender.close()

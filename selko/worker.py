"""The worker: plans the day's alarms and sends the due ones.

The reminders table is the queue. A worker claims due rows in one short
transaction (on PostgreSQL with FOR UPDATE SKIP LOCKED, so two workers never
take the same row; SQLite runs one worker at a time), sends them in
parallel, and writes the outcomes back in one batch.
"""
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, or_, select, update

from selko import break_reminder, clock, db
from selko.models import ClientProfile, PushSubscription, Reminder, User
from selko.push import Answer, Sender, Subscription

BATCH = 1000
MAX_ATTEMPTS = 5
STALE_CLAIM = timedelta(minutes=5)
URGENCY = {"break_end": "high", "work_start": "high", "test": "high"}


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


def claim(db_session, now, limit: int = BATCH) -> list[Reminder]:
    # A worker that died mid-send leaves rows "sending": give them back.
    db_session.execute(
        update(Reminder)
        .where(Reminder.status == "sending", Reminder.claimed_at < now - STALE_CLAIM)
        .values(status="planned")
    )
    query = (
        select(Reminder)
        .where(
            Reminder.status == "planned",
            Reminder.due_at <= now,
            or_(Reminder.retry_at.is_(None), Reminder.retry_at <= now),
        )
        .order_by(Reminder.due_at, Reminder.id)
        .limit(limit)
    )
    if db_session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = db_session.scalars(query).all()
    for row in rows:
        row.status = "sending"
        row.claimed_at = now
        row.attempts += 1
    db_session.commit()
    return list(rows)


def message(reminder: Reminder, language: str) -> dict:
    """What the phone shows, in the client's language and plain words."""
    with force_locale(language):
        name = reminder.text or _("Break")
        texts = {
            "work_start": (_("Work starts"), _("Your work starts now.")),
            "break_start": (_("Break time"), _("%(name)s starts now.", name=name)),
            "break_end": (_("The break ends"), _("Go back to work now.")),
            "work_end": (_("Work ends"), _("You can go home now.")),
            "coach": (_("Message from your coach"), reminder.text),
            "test": (_("Test alarm"), _("Did you hear it? Open Selko and tell.")),
        }
        title, body = texts[reminder.kind]
    return {"title": title, "body": body, "url": "/", "reminder": reminder.id, "kind": reminder.kind}


def _wanted(reminder: Reminder, profile: ClientProfile | None) -> bool:
    """The client chose which alarms ring, and may silence them for today."""
    if profile is None or reminder.kind not in break_reminder.SCHEDULE_KINDS:
        return True
    if profile.alarms_silenced_on == reminder.day:
        return False
    return getattr(profile, f"alarm_{reminder.kind}")


def send_due(db_session, sender: Sender, pool: ThreadPoolExecutor, limit: int = BATCH) -> Outcome:
    now = clock.now()
    reminders = claim(db_session, now, limit)
    outcome = Outcome()
    if not reminders:
        return outcome
    client_ids = {r.client_id for r in reminders}
    subscriptions: dict[int, list[PushSubscription]] = {}
    for sub in db_session.scalars(select(PushSubscription).where(PushSubscription.user_id.in_(client_ids))):
        subscriptions.setdefault(sub.user_id, []).append(sub)
    people = {u.id: u for u in db_session.scalars(select(User).where(User.id.in_(client_ids)))}
    profiles = {p.user_id: p for p in db_session.scalars(select(ClientProfile).where(ClientProfile.user_id.in_(client_ids)))}

    futures = {}
    finished: dict[int, tuple[str, str]] = {}
    for reminder in reminders:
        if break_reminder.too_late(reminder, now):
            finished[reminder.id] = ("dropped", "too late")
            continue
        if not _wanted(reminder, profiles.get(reminder.client_id)):
            finished[reminder.id] = ("skipped", "turned off by the client")
            continue
        subs = subscriptions.get(reminder.client_id, [])
        if not subs:
            finished[reminder.id] = ("failed", "no phone can ring")
            continue
        body = message(reminder, people[reminder.client_id].language)
        ttl = break_reminder.time_to_live(reminder, now)
        urgency = URGENCY.get(reminder.kind, "normal")
        futures[reminder.id] = [
            (sub.id, pool.submit(sender.send, Subscription(sub.endpoint, sub.p256dh, sub.auth), body, ttl=ttl, urgency=urgency))
            for sub in subs
        ]

    accepted_subs: list[int] = []
    retries: dict[int, int] = {}
    for reminder in reminders:
        if reminder.id in finished:
            continue
        answers: list[tuple[int, Answer]] = [(sub_id, f.result()) for sub_id, f in futures[reminder.id]]
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
    if finished:
        db_session.execute(
            update(Reminder),
            [{"id": rid, "status": status, "outcome": text, "finished_at": now} for rid, (status, text) in finished.items()],
        )
    if retries:
        db_session.execute(
            update(Reminder),
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
    app = current_app._get_current_object()
    sender = sender_for(app)
    planned_at = 0.0
    with ThreadPoolExecutor(max_workers=app.config["PUSH_CONNECTIONS"]) as pool:
        while True:
            if time.monotonic() - planned_at > 600:
                break_reminder.plan_today_for_everyone(db.session())
                planned_at = time.monotonic()
            outcome = send_due(db.session(), sender, pool)
            if outcome.claimed:
                click.echo(f"sent {outcome.sent}, dropped {outcome.dropped}, retry {outcome.retried}, failed {outcome.failed}")
            if once:
                return
            if outcome.claimed < BATCH:
                time.sleep(2)

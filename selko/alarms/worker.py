"""The worker: plans the day's alarms and sends the due ones, a batch at a
time (`batch`: claim, decide, send, record).
"""

import math
import signal
import time
from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from selko import clock, db
from selko.alarms import planning
from selko.alarms.batch import Outcome, claim, decide, load, record, send, settle
from selko.alarms.webpush import Sender
from selko.ops import prune

BATCH = 5000
# A live worker sends a batch within SEND_DEADLINE and records it soon after,
# so a claim older than the deadline and RECORDING belongs to a worker that
# was killed: its alarms are given back well before a break alarm's 5 minutes
# are over. SELKO_ALARM_SEND_SECONDS sets the deadline, and so this too.
SEND_DEADLINE = 45  # seconds
RECORDING = timedelta(seconds=15)
STALE_CLAIM = timedelta(seconds=SEND_DEADLINE) + RECORDING


def send_due(db_session, sender: Sender, limit: int = BATCH, deadline: float | None = None) -> Outcome:
    """One batch: claim what is due, decide, send, and record the outcomes."""
    deadline = deadline or SEND_DEADLINE
    now = clock.now()
    reminders = claim(db_session, now, limit, timedelta(seconds=deadline) + RECORDING)
    if not reminders:
        return Outcome()
    batch = load(db_session, reminders)
    finished, pushes = decide(batch, now)
    settled = settle(batch, finished, send(sender, pushes, deadline))
    record(db_session, settled, now)
    return settled.outcome()


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

"""/metrics for Prometheus, behind a bearer token.

Request latency and offline replays are counted by the web processes; under
gunicorn each process writes its counts to files in PROMETHEUS_MULTIPROC_DIR
(selko/ops/gunicorn_config.py makes it) and a scrape adds every process up. The
alarms' numbers are read from the reminders table when scraped, so they are
right whichever process or host sends the alarms.

prometheus_client decides at its first import whether it counts in files, so
this module is imported by create_app(), never at the top of the `selko`
package: gunicorn's master loads that package before its config sets the
directory.
"""

import hmac
import logging
import os
from datetime import timedelta

from flask import Flask, Response, abort, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from selko import access, clock, db
from selko.alarms.kinds import Status
from selko.day import client_action
from selko.models import Reminder
from selko.ops import logs

log = logging.getLogger(__name__)

# Selko's own metrics only: the library's process metrics mean nothing added
# up over gunicorn's processes.
OWN = CollectorRegistry()

REQUEST_SECONDS = Histogram(
    "selko_http_request_duration_seconds",
    "Time to answer a request, by route rule, method and status class.",
    ["route", "method", "status"],
    # A page takes milliseconds; a photo over a slow phone network up to gunicorn's 60 s.
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    registry=OWN,
)
OFFLINE_REPLAYS = Counter(
    "selko_offline_replays",
    "Client actions sent later from the phone's offline queue, by action.",
    ["action"],
    registry=OWN,
)
# A request can name any method; a label must not grow with what strangers send.
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def _observe(response):
    method = request.method if request.method in METHODS else "other"
    REQUEST_SECONDS.labels(logs.route(), method, f"{response.status_code // 100}xx").observe(logs.elapsed())
    # Only the service worker's replay of a kept press carries its age (static/sw.js).
    kind = client_action.ENDPOINTS.get(request.endpoint)
    if kind is not None and client_action.AGE_HEADER in request.headers:
        OFFLINE_REPLAYS.labels(kind.value).inc()
    return response


# Finished alarms are counted over a day, not the whole table: a month of
# them is millions of rows at 20,000 clients, too many to count every scrape.
RECENT = timedelta(hours=24)


class Reminders:
    """The alarms in the reminders table, read at scrape time in two queries
    that the index on due_at answers."""

    def __init__(self, db_session, now):
        self.db_session, self.now = db_session, now

    def collect(self):
        try:
            yield from self._read()
        except SQLAlchemyError:
            # The request metrics are worth most when the database is down;
            # the alarms' are missing from the scrape, which an alert can see.
            self.db_session.rollback()
            log.exception("the reminders could not be read for /metrics")

    def _read(self):
        recent = dict(
            self.db_session.execute(
                select(Reminder.status, func.count()).where(Reminder.due_at > self.now - RECENT, Reminder.due_at <= self.now).group_by(Reminder.status)
            ).all()
        )
        # Not only the last day's: with the worker stopped, every unsent alarm counts.
        due, oldest = self.db_session.execute(
            select(func.count(), func.min(Reminder.due_at)).where(Reminder.status == Status.planned, Reminder.due_at <= self.now)
        ).one()
        last_day = GaugeMetricFamily("selko_reminders_last_24h", "Alarms due in the last 24 hours, by status.", labels=["status"])
        for status in Status:
            last_day.add_metric([status.value], recent.get(status.value, 0))
        yield last_day
        yield GaugeMetricFamily("selko_reminders_due", "Alarms due now and not sent yet (waiting retries included).", value=due)
        yield GaugeMetricFamily(
            "selko_reminders_oldest_due_age_seconds",
            "How long the oldest alarm not sent yet has been due; 0 when none is.",
            value=(self.now - oldest).total_seconds() if oldest else 0,
        )


def _token_given() -> bool:
    token = current_app.config["METRICS_TOKEN"]
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    # Constant time, so the answer's timing tells nothing about the token.
    return hmac.compare_digest(given.strip().encode("utf-8", "replace"), token.encode())


@access.public
def metrics():
    # Without a token configured, or without the right one, /metrics is like any unknown address.
    if not _token_given():
        abort(404)
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(OWN)
    registry.register(Reminders(db.session(), clock.now()))
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


def init_app(app: Flask) -> None:
    app.after_request(_observe)
    app.add_url_rule("/metrics", "metrics", metrics)

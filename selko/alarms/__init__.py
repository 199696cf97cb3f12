"""Alarms: planning them from the schedule, the kinds and their words, and
sending them with Web Push from the worker.

The reminders table is the outbox: whatever causes an alarm writes a row
(`planning`), and the worker (`worker`) claims due rows and sends them
through `webpush`.
"""

from pathlib import Path

from flask import Flask

from selko.alarms import webpush
from selko.alarms.kinds import READY_MESSAGES, SCHEDULE_KINDS, Kind, Status, alarm_message
from selko.alarms.planning import plan_day, plan_today_for_everyone, ring_now
from selko.alarms.worker import worker_command

__all__ = [
    "READY_MESSAGES",
    "SCHEDULE_KINDS",
    "Kind",
    "Status",
    "alarm_message",
    "plan_day",
    "plan_today_for_everyone",
    "ring_now",
]


def init_app(app: Flask) -> None:
    vapid = webpush.load_or_create_vapid(Path(app.instance_path), app.config["VAPID_PRIVATE_KEY"])
    app.extensions["selko.vapid"] = vapid
    app.jinja_env.globals["vapid_public_key"] = webpush.public_key(vapid)
    app.cli.add_command(worker_command)

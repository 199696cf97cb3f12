"""Pruning: rows that nobody needs any more are deleted, so the tables that
grow every day (alarms, sign-in links, passkey challenges) stay small.
`selko prune` runs it; the worker runs it once a day."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import delete, or_
from sqlalchemy.orm import Session

from selko import clock, db
from selko.alarms.kinds import FINISHED
from selko.models import PasskeyChallenge, Reminder, SignInToken

KEEP_ALARMS = timedelta(days=30)
# A used or expired link is kept a day, so opening it again still says
# "this link was used" rather than "not found".
KEEP_SIGN_IN_LINKS = timedelta(days=1)


@dataclass
class Pruned:
    alarms: int
    sign_in_links: int
    passkey_challenges: int

    def __str__(self) -> str:
        return f"deleted {self.alarms} alarms, {self.sign_in_links} sign-in links, {self.passkey_challenges} passkey challenges"


def prune(db_session: Session, now: datetime) -> Pruned:
    alarms = db_session.execute(delete(Reminder).where(Reminder.status.in_(FINISHED), Reminder.due_at < now - KEEP_ALARMS))
    links = db_session.execute(
        delete(SignInToken).where(or_(SignInToken.used_at < now - KEEP_SIGN_IN_LINKS, SignInToken.expires_at < now - KEEP_SIGN_IN_LINKS))
    )
    challenges = db_session.execute(delete(PasskeyChallenge).where(or_(PasskeyChallenge.used_at.is_not(None), PasskeyChallenge.expires_at < now)))
    db_session.commit()
    return Pruned(alarms.rowcount, links.rowcount, challenges.rowcount)


@click.command("prune")
@with_appcontext
def prune_command():
    """Delete old finished alarms and used or expired sign-in links and passkey challenges."""
    click.echo(prune(db.session(), clock.now()))

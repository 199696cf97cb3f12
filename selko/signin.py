"""One-time sign-in links and the long-lived device sessions they open.

Tokens are random, shown once, and stored only as SHA-256 hashes, so a copy
of the database cannot be used to sign in.
"""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from selko import clock
from selko.models import DeviceSession, SignInToken, User

# Renew a device session at most this often, so reading a page is not a write.
RENEW_EVERY = timedelta(hours=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_link_token(db: Session, user: User, *, minutes: int, created_by: User | None = None) -> str:
    token = secrets.token_urlsafe(32)
    now = clock.now()
    db.add(
        SignInToken(
            user_id=user.id,
            token_hash=_hash(token),
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
            created_by_id=created_by.id if created_by else None,
        )
    )
    return token


@dataclass
class LinkProblem(Exception):
    """Why a sign-in link cannot be used: 'unknown', 'used' or 'expired'."""

    kind: str


def find_link(db: Session, token: str) -> SignInToken:
    """The usable sign-in token for this link, or LinkProblem."""
    if not token or len(token) > 100:
        raise LinkProblem("unknown")
    row = db.scalar(select(SignInToken).where(SignInToken.token_hash == _hash(token)))
    if row is None:
        raise LinkProblem("unknown")
    if row.used_at is not None:
        raise LinkProblem("used")
    if row.expires_at <= clock.now():
        raise LinkProblem("expired")
    return row


def redeem_link(db: Session, token: str, *, days: int, user_agent: str = "") -> tuple[User, str]:
    """Use up a sign-in link; returns the user and a new device session token."""
    row = find_link(db, token)
    now = clock.now()
    # Mark used with a guarded UPDATE so two simultaneous redemptions cannot both win.
    claimed = db.execute(
        update(SignInToken)
        .where(SignInToken.id == row.id, SignInToken.used_at.is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        raise LinkProblem("used")
    device_token = secrets.token_urlsafe(32)
    db.add(
        DeviceSession(
            user_id=row.user_id,
            token_hash=_hash(device_token),
            created_at=now,
            last_used_at=now,
            expires_at=now + timedelta(days=days),
            user_agent=user_agent[:300],
        )
    )
    return row.user, device_token


def device_user(db: Session, device_token: str, *, days: int) -> User | None:
    """The user signed in on this device, renewing the session while it is used."""
    row = db.scalar(select(DeviceSession).where(DeviceSession.token_hash == _hash(device_token)))
    now = clock.now()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    if now - row.last_used_at >= RENEW_EVERY:
        row.last_used_at = now
        row.expires_at = now + timedelta(days=days)
        db.commit()
    return row.user


def end_device_session(db: Session, device_token: str) -> None:
    row = db.scalar(select(DeviceSession).where(DeviceSession.token_hash == _hash(device_token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = clock.now()

"""One-time sign-in links and the long-lived device sessions they open.

Tokens are random, shown once, and stored only as SHA-256 hashes, so a copy
of the database cannot be used to sign in.
"""

import enum
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session, joinedload

from selko import clock
from selko.access import audit
from selko.models import AuditAction, ClientProfile, DeviceSession, Passkey, PushSubscription, Role, SignInToken, User

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
    if created_by is not None:
        # A link lets its holder in as that person: who made it is on the trail.
        audit.record(db, created_by, user, AuditAction.link, "sign-in link")
    return token


class LinkProblemKind(enum.StrEnum):
    unknown = "unknown"
    used = "used"
    expired = "expired"


@dataclass
class LinkProblem(Exception):
    """Why a sign-in link cannot be used."""

    kind: LinkProblemKind


def find_link(db: Session, token: str) -> SignInToken:
    """The usable sign-in token for this link, or LinkProblem."""
    if not token or len(token) > 100:
        raise LinkProblem(LinkProblemKind.unknown)
    row = db.scalar(select(SignInToken).where(SignInToken.token_hash == _hash(token)))
    if row is None or row.user.gone:
        raise LinkProblem(LinkProblemKind.unknown)
    if row.used_at is not None:
        raise LinkProblem(LinkProblemKind.used)
    if row.expires_at <= clock.now():
        raise LinkProblem(LinkProblemKind.expired)
    return row


def open_device_session(db: Session, user: User, *, length: timedelta, user_agent: str = "", recovery: bool = False) -> str:
    """A new signed-in device; returns the token for its cookie."""
    now = clock.now()
    device_token = secrets.token_urlsafe(32)
    db.add(
        DeviceSession(
            user_id=user.id,
            token_hash=_hash(device_token),
            created_at=now,
            last_used_at=now,
            expires_at=now + length,
            user_agent=user_agent[:300],
            recovery=recovery,
        )
    )
    return device_token


def has_passkey(db: Session, user: User) -> bool:
    return db.scalar(select(Passkey.id).where(Passkey.user_id == user.id).limit(1)) is not None


def needs_passkey_to_read(db: Session, user: User) -> bool:
    """A coach or admin who has a passkey reads clients' data only after
    signing in with it. A link (made by an admin, say) then only lets them
    register a new passkey, so nobody can read as the coach with a link alone."""
    return user.role != Role.client and has_passkey(db, user)


def redeem_link(db: Session, token: str, *, length: Callable[[User], timedelta], user_agent: str = "") -> tuple[User, str]:
    """Use up a sign-in link; returns the user and a new device session token."""
    row = find_link(db, token)
    now = clock.now()
    # Mark used with a guarded UPDATE so two simultaneous redemptions cannot both win.
    claimed = db.execute(update(SignInToken).where(SignInToken.id == row.id, SignInToken.used_at.is_(None)).values(used_at=now))
    if claimed.rowcount != 1:
        raise LinkProblem(LinkProblemKind.used)
    recovery = needs_passkey_to_read(db, row.user)
    return row.user, open_device_session(db, row.user, length=length(row.user), user_agent=user_agent, recovery=recovery)


# Every request asks it. Every page needs the person, their organisation (its
# time zone) and, for a client, the coach on the help bar: one query, not
# four; built once, as building it takes as long as running it.
_SIGNED_IN = (
    select(DeviceSession)
    .where(DeviceSession.token_hash == bindparam("token_hash"))
    .options(
        joinedload(DeviceSession.user, innerjoin=True).options(
            joinedload(User.organisation, innerjoin=True),
            joinedload(User.client_profile).joinedload(ClientProfile.coach),
        )
    )
)


def device_session(db: Session, device_token: str, *, length: Callable[[User], timedelta]) -> tuple[DeviceSession | None, bool]:
    """The signed-in device, and whether its session was renewed just now
    (it is, at most once an hour, while it is used)."""
    row = db.scalar(_SIGNED_IN, {"token_hash": _hash(device_token)})
    now = clock.now()
    if row is None or row.revoked_at is not None or row.expires_at <= now or row.user.gone:
        return None, False
    if now - row.last_used_at < RENEW_EVERY:
        return row, False
    row.last_used_at = now
    row.expires_at = now + length(row.user)
    db.commit()
    return row, True


def end_device_session(db: Session, device_token: str) -> None:
    row = db.scalar(select(DeviceSession).where(DeviceSession.token_hash == _hash(device_token)))
    if row is not None:
        end(db, row)


def end(db: Session, row: DeviceSession) -> None:
    """Sign one device out; it stops ringing alarms too."""
    row.revoked_at = row.revoked_at or clock.now()
    db.execute(delete(PushSubscription).where(PushSubscription.device_session_id == row.id))


def end_all_device_sessions(db: Session, user_id: int) -> None:
    """Sign out everywhere: every phone and browser of this person."""
    db.execute(update(DeviceSession).where(DeviceSession.user_id == user_id, DeviceSession.revoked_at.is_(None)).values(revoked_at=clock.now()))
    db.execute(delete(PushSubscription).where(PushSubscription.user_id == user_id))


def active_device_sessions(db: Session, user_id: int) -> list[DeviceSession]:
    return list(
        db.scalars(
            select(DeviceSession)
            .where(
                DeviceSession.user_id == user_id,
                DeviceSession.revoked_at.is_(None),
                DeviceSession.expires_at > clock.now(),
            )
            .order_by(DeviceSession.last_used_at.desc())
        )
    )

"""Passkeys (WebAuthn) behind two pairs of calls: options and verify.

Challenges live in the database, not in the cookie, so each one can be used
once only, and only for a few minutes. Origin and relying-party id come from
SELKO_ORIGIN, never from the request.
"""

import json
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, parse_client_data_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import AuthenticatorSelectionCriteria, PublicKeyCredentialDescriptor, ResidentKeyRequirement, UserVerificationRequirement

from selko import clock
from selko.models import ChallengePurpose, Passkey, PasskeyChallenge, Role, User

CHALLENGE_MINUTES = 5


class PasskeyError(Exception):
    """The browser's answer cannot be accepted; nothing was changed."""


def _verification_required(user: User) -> bool:
    """Coaches and admins read many clients' data: their passkey must check
    who holds it (fingerprint, face or PIN), not only that someone tapped."""
    return user.role != Role.client


def relying_party(origin: str) -> tuple[str, str]:
    """(rp_id, origin) from the configured origin: the host name is the rp id."""
    return urlsplit(origin).hostname or "localhost", origin


def _new_challenge(db: Session, purpose: ChallengePurpose, user: User | None) -> bytes:
    challenge = secrets.token_bytes(32)
    db.add(
        PasskeyChallenge(
            challenge=challenge,
            purpose=purpose,
            user_id=user.id if user else None,
            expires_at=clock.now() + timedelta(minutes=CHALLENGE_MINUTES),
        )
    )
    return challenge


def _use_challenge(db: Session, credential: dict, purpose: ChallengePurpose, user: User | None) -> bytes:
    """Find the challenge the browser signed and use it up, or refuse."""
    try:
        client_data = parse_client_data_json(base64url_to_bytes(credential["response"]["clientDataJSON"]))
    except (KeyError, TypeError, ValueError, WebAuthnException):
        raise PasskeyError("malformed client data") from None
    row = db.scalar(select(PasskeyChallenge).where(PasskeyChallenge.challenge == client_data.challenge))
    if row is None or row.purpose != purpose or (user is not None and row.user_id != user.id):
        raise PasskeyError("unknown challenge")
    claimed = db.execute(update(PasskeyChallenge).where(PasskeyChallenge.id == row.id, PasskeyChallenge.used_at.is_(None)).values(used_at=clock.now()))
    if claimed.rowcount != 1:
        raise PasskeyError("challenge already used")
    if row.expires_at <= clock.now():
        raise PasskeyError("challenge expired")
    return row.challenge


def _parse(credential_json: str) -> dict:
    try:
        credential = json.loads(credential_json)
    except (TypeError, ValueError):
        raise PasskeyError("not JSON") from None
    if not isinstance(credential, dict):
        raise PasskeyError("not a credential")
    return credential


def registration_options(db: Session, user: User, origin: str) -> str:
    rp_id, _ = relying_party(origin)
    if user.webauthn_id is None:
        user.webauthn_id = secrets.token_bytes(32)
    existing = db.scalars(select(Passkey.credential_id).where(Passkey.user_id == user.id)).all()
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name="Selko",
        user_id=user.webauthn_id,
        user_name=user.name,
        user_display_name=user.name,
        challenge=_new_challenge(db, ChallengePurpose.register, user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=(UserVerificationRequirement.REQUIRED if _verification_required(user) else UserVerificationRequirement.PREFERRED),
        ),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=c) for c in existing],
    )
    return options_to_json(options)


def register(db: Session, user: User, credential_json: str, origin: str, name: str = "") -> Passkey:
    credential = _parse(credential_json)
    challenge = _use_challenge(db, credential, ChallengePurpose.register, user)
    rp_id, expected_origin = relying_party(origin)
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=expected_origin,
            require_user_verification=_verification_required(user),
        )
    except (WebAuthnException, KeyError, TypeError, ValueError) as error:
        raise PasskeyError(str(error)) from None
    if db.scalar(select(Passkey).where(Passkey.credential_id == verified.credential_id)) is not None:
        raise PasskeyError("credential already registered")
    passkey = Passkey(
        user_id=user.id,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=name.strip()[:100],
        created_at=clock.now(),
    )
    db.add(passkey)
    return passkey


def authentication_options(db: Session, origin: str) -> str:
    rp_id, _ = relying_party(origin)
    options = generate_authentication_options(
        rp_id=rp_id,
        challenge=_new_challenge(db, ChallengePurpose.sign_in, None),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return options_to_json(options)


def authenticate(db: Session, credential_json: str, origin: str) -> User:
    """The person whose passkey signed the challenge, or PasskeyError."""
    credential = _parse(credential_json)
    try:
        credential_id = base64url_to_bytes(credential["rawId"])
    except (KeyError, TypeError, ValueError):
        raise PasskeyError("no credential id") from None
    passkey = db.scalar(select(Passkey).where(Passkey.credential_id == credential_id))
    challenge = _use_challenge(db, credential, ChallengePurpose.sign_in, None)
    if passkey is None:
        raise PasskeyError("unknown passkey")
    user = db.get(User, passkey.user_id)
    user_handle = (credential.get("response") or {}).get("userHandle")
    if user_handle is not None and not isinstance(user_handle, str):
        raise PasskeyError("malformed user handle")  # base64url_to_bytes would read a number
    try:
        handle = base64url_to_bytes(user_handle) if user_handle else None
    except ValueError:
        raise PasskeyError("malformed user handle") from None
    if handle is not None and handle != user.webauthn_id:
        raise PasskeyError("passkey of another person")
    rp_id, expected_origin = relying_party(origin)
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=expected_origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=_verification_required(user),
        )
    except (WebAuthnException, KeyError, TypeError, ValueError) as error:
        raise PasskeyError(str(error)) from None
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = clock.now()
    return user

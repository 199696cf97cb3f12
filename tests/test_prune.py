"""`selko prune`: old finished alarms, used or expired sign-in links and
passkey challenges are deleted; what is still needed stays."""

from datetime import timedelta

from sqlalchemy import select

from selko import clock
from selko.access import signin
from selko.models import PasskeyChallenge, Reminder, SignInToken


def test_prune_deletes_what_nobody_needs_any_more(app, make, session, now, web):
    client = make.client()
    today = clock.now()
    for text, status, days_ago in [
        ("sent long ago", "sent", 31),
        ("failed long ago", "failed", 40),
        ("dropped long ago", "dropped", 45),
        ("sent last week", "sent", 7),
        ("planned", "planned", 0),
    ]:
        at = today - timedelta(days=days_ago)
        make.reminder(client=client, due_at=at, text=text, status=status, finished_at=at if status != "planned" else None)
    fresh_link = make.link(client)
    used_link, old_used_link, old_link = make.link(client), make.link(client), make.link(client)
    session.execute(SignInToken.__table__.update().where(SignInToken.token_hash == signin._hash(used_link)).values(used_at=today))
    session.execute(SignInToken.__table__.update().where(SignInToken.token_hash == signin._hash(old_used_link)).values(used_at=today - timedelta(days=2)))
    session.execute(SignInToken.__table__.update().where(SignInToken.token_hash == signin._hash(old_link)).values(expires_at=today - timedelta(days=2)))
    session.add_all(
        [
            PasskeyChallenge(challenge=b"waiting", purpose="sign_in", expires_at=today + timedelta(minutes=5)),
            PasskeyChallenge(challenge=b"used", purpose="sign_in", expires_at=today + timedelta(minutes=5), used_at=today),
            PasskeyChallenge(challenge=b"expired", purpose="sign_in", expires_at=today - timedelta(minutes=1)),
        ]
    )
    session.commit()

    result = app.test_cli_runner().invoke(args=["prune"])

    assert result.exit_code == 0, result.output
    assert "3 alarms, 2 sign-in links, 2 passkey challenges" in result.output
    session.expire_all()
    assert sorted(session.scalars(select(Reminder.text))) == ["planned", "sent last week"]
    assert {t.token_hash for t in session.scalars(select(SignInToken))} == {signin._hash(fresh_link), signin._hash(used_link)}
    assert list(session.scalars(select(PasskeyChallenge.challenge))) == [b"waiting"]
    # A link used today still says "already used" (410), not "unknown" (404).
    assert web.post(f"/signin/{used_link}").status_code == 410
    assert web.post(f"/signin/{fresh_link}").status_code == 303


def test_the_worker_prunes_too(app, make, session, now):
    client = make.client()
    long_ago = clock.now() - timedelta(days=31)
    make.reminder(client=client, due_at=long_ago, text="old", status="sent")

    result = app.test_cli_runner().invoke(args=["worker", "--once"])

    assert result.exit_code == 0, result.output
    session.expire_all()
    assert session.scalar(select(Reminder.text).where(Reminder.text == "old")) is None

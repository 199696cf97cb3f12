"""Family members read the schedule through a share link and a calendar feed — and nothing else."""

import re
from datetime import date, datetime, time, timedelta, timezone

import pytest
from icalendar import Calendar
from sqlalchemy import select

from selko.models import ScheduleException, Share, User
from selko.people import share
from tests.conftest import HELSINKI, html_of, visible_text

UTC = timezone.utc


@pytest.fixture
def aino(make, session):
    client = make.client(name="Aino Secret", language="en", breaks=((time(10), time(10, 15), "Coffee"),))
    client_row = session.get(User, client.id)
    client_row.phone = "040 999 8888"
    session.commit()
    return client


def make_share(session, client, **kwargs) -> str:
    token = share.create(session, client, name="Mum", created_by=client, **kwargs)
    session.commit()
    return token


def test_the_family_page_shows_the_two_weeks_and_nothing_else(aino, make, session, client_factory, sign_in):
    session.add(ScheduleException(client_id=aino.id, date=date(2026, 11, 25), day_off=True, note="Doctor at 10"))
    session.add(ScheduleException(client_id=aino.id, date=date(2026, 12, 2), starts=time(12), ends=time(16), note="Therapy first"))
    session.commit()
    phone = sign_in(client_factory(), aino)
    phone.post("/absent", {"day": "2026-11-23", "reason": "ill", "note": "Migraine again"})
    phone.post("/today-went", {"energy": "1", "mind": "1", "skills": "1", "everyday": "1", "work": "1", "talk": "1", "day": "2026-11-23"})
    token = make_share(session, aino)

    response = client_factory().get(f"/s/{token}")
    assert response.status_code == 200
    page = html_of(response)
    days = re.findall(r'<li class="week-day">\s*<strong>([^<]+)</strong>:\s*(.*?)\s*</li>', page, re.S)
    assert [d for d, _ in days][:3] == ["Monday 23 November", "Tuesday 24 November", "Wednesday 25 November"]
    assert len(days) == 14
    summary = {day: " ".join(re.sub(r"<span[^>]*>|</span>", "", re.sub(r"<br>", " | ", what)).split()) for day, what in days}
    assert summary["Monday 23 November"] == "work 8:00–14:00 | Coffee 10:00–10:15"
    assert summary["Wednesday 25 November"] == "day off", "a date exception"
    assert summary["Saturday 28 November"] == "day off"
    assert summary["Wednesday 2 December"] == "work 12:00–16:00", "other hours: the 10.00 break does not fit"
    assert "Monday 23 November: work 8:00–14:00 Coffee 10:00–10:15 Tuesday 24 November" in visible_text(response)
    for secret in ["Migraine", "ill", "Doctor at 10", "Therapy", "040 999 8888", "0409998888", "want", "How"]:
        assert secret not in page, f"{secret} is nowhere in the page, not even hidden"
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_the_family_page_is_in_the_clients_language_with_a_switch(make, session, client_factory):
    client = make.client(name="Aino", language="fi")
    token = make_share(session, client)
    web = client_factory()
    assert '<html lang="fi">' in html_of(web.get(f"/s/{token}"))
    assert "maanantai 23.11." in visible_text(web.get(f"/s/{token}"))
    assert '<html lang="sv">' in html_of(web.get(f"/s/{token}?lang=sv"))
    assert "måndag 23 november" in visible_text(web.get(f"/s/{token}?lang=sv"))
    assert '<html lang="fi">' in html_of(web.get(f"/s/{token}?lang=xx"))


def test_task_titles_only_when_the_share_says_so(aino, make, session, client_factory):
    task = make.task(organisation_id=aino.organisation_id, title="Wash the dishes")
    make.assignment(client=aino, task=task)
    assert "Wash the dishes" not in html_of(client_factory().get(f"/s/{make_share(session, aino)}")), "not even hidden"
    assert "Tasks: Wash the dishes" in visible_text(client_factory().get(f"/s/{make_share(session, aino, show_tasks=True)}"))


def events(feed: bytes) -> dict[str, tuple[datetime, datetime, str]]:
    calendar = Calendar.from_ical(feed)
    return {str(e["uid"]): (e.decoded("dtstart"), e.decoded("dtend"), str(e["summary"])) for e in calendar.walk("VEVENT")}


def test_the_feed_has_the_work_days_and_breaks_across_the_dst_change(make, session, client_factory, now):
    now.set(datetime(2026, 10, 21, 12, 0, tzinfo=HELSINKI))  # the week summer time ends (Sunday 25.10.)
    client = make.client(name="Aino", works=range(7), breaks=((time(10), time(10, 15), "Coffee"),))
    token = make_share(session, client)
    response = client_factory().get(f"/s/{token}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Helsinki"]
    found = events(response.data)
    share_id = session.scalar(select(Share.id))
    saturday = found[f"selko-{share_id}-2026-10-24-work"]
    monday = found[f"selko-{share_id}-2026-10-26-work"]
    assert saturday[0].astimezone(UTC) == datetime(2026, 10, 24, 5, tzinfo=UTC), "8.00 in summer time is 5.00 UTC"
    assert monday[0].astimezone(UTC) == datetime(2026, 10, 26, 6, tzinfo=UTC), "8.00 in winter time is 6.00 UTC"
    assert saturday[0].tzinfo is not None and str(saturday[0].tzinfo) == "Europe/Helsinki"
    assert found[f"selko-{share_id}-2026-10-26-break-1"][2] == "Aino: Coffee"
    assert len([uid for uid in found if uid.endswith("-work")]) == 6 * 7 - 1, "six weeks from this Monday, but All Saints' Day 31.10."


def test_the_feed_follows_schedule_changes_with_the_same_uids(aino, make, session, client_factory, sign_in):
    token = make_share(session, aino)
    before = events(client_factory().get(f"/s/{token}.ics").data)
    coach = session.get(User, aino.client_profile.coach_id)
    sign_in(client_factory(), coach).post(f"/coach/clients/{aino.id}/exceptions", {"date": "2026-11-24", "kind": "hours", "starts": "12", "ends": "16"})
    after = events(client_factory().get(f"/s/{token}.ics").data)
    share_id = session.scalar(select(Share.id))
    uid = f"selko-{share_id}-2026-11-24-work"
    assert before[uid][0].time() == time(8) and after[uid][0].time() == time(12)
    assert set(before) - set(after) == {f"selko-{share_id}-2026-11-24-break-1"}, "the 10.00 break no longer fits"


def test_a_stopped_expired_or_unknown_link_is_a_plain_404(aino, make, session, client_factory, sign_in, now):
    phone = sign_in(client_factory(), aino)
    stopped = make_share(session, aino)
    ending = make_share(session, aino, ends_on=date(2026, 11, 24))
    family = client_factory()
    assert family.get(f"/s/{stopped}").status_code == 200
    share_id = session.scalar(select(Share.id).where(Share.ends_on.is_(None)))
    assert phone.post(f"/share/{share_id}/stop").status_code == 303
    for url in [f"/s/{stopped}", f"/s/{stopped}.ics", "/s/nothing", "/s/nothing.ics"]:
        response = family.get(url)
        assert response.status_code == 404, url
        assert "Aino" not in html_of(response), "not even hidden"
    assert family.get(f"/s/{ending}").status_code == 200
    now.set(now.value + timedelta(days=2))
    assert family.get(f"/s/{ending}").status_code == 404
    assert family.get(f"/s/{ending}.ics").status_code == 404


def test_the_client_makes_a_share_and_sees_who_can_see(aino, client_factory, sign_in, session):
    phone = sign_in(client_factory(), aino)
    response = phone.post("/share", {"name": "Mum", "tasks": "1"})
    link = re.search(r'<a href="http://localhost(/s/[^"]+)" data-share-url>', html_of(response)).group(1)
    assert client_factory().get(link).status_code == 200
    assert "Mum" in visible_text(phone.get("/share"))
    assert phone.post("/share", {"name": " "}).status_code == 400
    session.expire_all()
    stored = session.scalar(select(Share))
    assert stored.show_tasks and link.removeprefix("/s/") not in stored.token_hash


def test_another_client_cannot_stop_a_share(aino, make, client_factory, sign_in, session):
    make_share(session, aino)
    other = sign_in(client_factory(), make.client(name="Other"))
    share_id = session.scalar(select(Share.id))
    assert other.post(f"/share/{share_id}/stop").status_code == 404
    session.expire_all()
    assert session.get(Share, share_id).stopped_at is None


def test_the_coach_shares_only_with_the_clients_consent(aino, client_factory, sign_in, session):
    coach = session.get(User, aino.client_profile.coach_id)
    coach.language = "en"
    session.commit()
    desk = sign_in(client_factory(), coach)
    response = desk.post(f"/coach/clients/{aino.id}/shares", {"name": "Dad"})
    assert response.status_code == 400
    assert "Share only when the client agrees." in visible_text(response)
    assert session.scalar(select(Share)) is None
    response = desk.post(f"/coach/clients/{aino.id}/shares", {"name": "Dad", "agreed": "1", "ends_on": "2026-12-31"})
    link = re.search(r'<a href="http://localhost(/s/[^"]+)" data-share-url>', html_of(response)).group(1)
    assert client_factory().get(link).status_code == 200
    session.expire_all()
    made = session.scalar(select(Share))
    assert (made.name, made.created_by_id, made.client_agreed, made.ends_on) == ("Dad", coach.id, True, date(2026, 12, 31))
    desk.post(f"/coach/clients/{aino.id}/shares/{made.id}/stop")
    assert client_factory().get(link).status_code == 404


def test_christmas_day_is_a_day_off_on_the_family_page_and_in_the_feed(aino, session, client_factory, now):
    now.set(datetime(2026, 12, 21, 9, 0, tzinfo=HELSINKI))
    token = make_share(session, aino)
    assert "Christmas Day" in visible_text(client_factory().get(f"/s/{token}"))
    found = events(client_factory().get(f"/s/{token}.ics").data)
    share_id = session.scalar(select(Share.id))
    assert f"selko-{share_id}-2026-12-23-work" in found
    assert f"selko-{share_id}-2026-12-25-work" not in found and f"selko-{share_id}-2026-12-24-work" not in found
    assert f"selko-{share_id}-2027-01-01-work" not in found

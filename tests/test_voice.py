"""The coach's voice on a step: what Selko accepts (read from the file itself),
who may record, what the client's phone shows, and what it keeps offline."""

import io
from datetime import datetime

import av
import pytest
from sqlalchemy import event, select

from selko.library import media, voice
from selko.models import MediaFile, TaskStep
from tests.conftest import html_of, visible_text


@pytest.fixture(scope="module")
def webm():
    return voice.chime(1.5, "webm")


@pytest.fixture(scope="module")
def m4a():
    return voice.chime(2.0, "mp4")


def _video_only() -> bytes:
    out_file = io.BytesIO()
    with av.open(out_file, "w", format="webm") as out:
        stream = out.add_stream("libvpx", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for i in range(10):
            frame = av.VideoFrame(64, 48, "yuv420p")
            frame.pts = i
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return out_file.getvalue()


def test_it_measures_opus_in_webm_and_aac_in_mp4(app, webm, m4a):
    with app.test_request_context():
        content_type, extension, seconds = voice.check(webm)
        assert (content_type, extension) == ("audio/webm", "webm")
        assert seconds == pytest.approx(1.5, abs=0.05)
        content_type, extension, seconds = voice.check(m4a)
        assert (content_type, extension) == ("audio/mp4", "m4a")
        assert seconds == pytest.approx(2.0, abs=0.05)
        assert voice.check(voice.chime(1.0, "ogg")).extension == "ogg"


def test_it_measures_a_webm_without_a_duration_in_its_header(app, webm):
    # MediaRecorder writes no duration: the length comes from the last packet.
    with av.open(io.BytesIO(webm)) as container:
        assert container.duration  # PyAV's muxer writes one...
    without = webm.replace(b"\x44\x89", b"\xec\x81", 1)  # ...turned into an EBML Void element
    with av.open(io.BytesIO(without)) as container:
        assert not container.duration
    with app.test_request_context():
        assert voice.check(without).seconds == pytest.approx(1.5, abs=0.05)


REFUSALS = {
    "too long": (lambda: voice.chime(61.0, "webm"), "liian pitkä"),
    "too big": (lambda: b"\x1a\x45\xdf\xa3" + b"\0" * (2 * 1024 * 1024), "liian suuri"),
    "text renamed .webm": (lambda: b"Hei, tama on tekstia eika aanta.\n" * 20, "ei ole äänite"),
    "video only": (_video_only, "ei ole äänite"),
    "empty": (lambda: b"", "tyhjä"),
    "broken webm": (lambda: voice.chime(1.0, "webm")[:200], "ei ole äänite"),
}


@pytest.mark.parametrize("kind", REFUSALS)
def test_a_refused_recording_says_why_and_keeps_nothing(app, session, make, web, sign_in, kind):
    coach = make.coach()
    task = make.task(organisation_id=coach.organisation_id)
    data, words = REFUSALS[kind][0](), REFUSALS[kind][1]
    with app.test_request_context():
        assert words in str(voice.check(data))
    desk = sign_in(web, coach)
    answer = desk.post(
        f"/coach/tasks/{task.id}/steps/{task.steps[0].id}/voice", data={"voice": (io.BytesIO(data), "voice.webm")}, content_type="multipart/form-data"
    )
    assert answer.status_code == 400
    assert words in visible_text(answer)
    session.expire_all()
    assert session.get(TaskStep, task.steps[0].id).voice is None
    assert session.scalar(select(MediaFile.id)) is None
    folder = app.extensions["selko.media"].folder
    assert not folder.exists() or not any(folder.iterdir())


def test_the_coach_records_listens_redoes_and_removes(app, session, make, web, sign_in, webm, m4a):
    coach = make.coach()
    task = make.task(organisation_id=coach.organisation_id)
    step = task.steps[1]
    desk = sign_in(web, coach)
    edit = desk.get(f"/coach/tasks/{task.id}")
    assert "microphone=(self)" in edit.headers["Permissions-Policy"]
    assert "media-src 'self' blob:" in edit.headers["Content-Security-Policy"]
    assert "Kuvat ja ääniohjeet" in visible_text(edit)
    assert "microphone=()" in desk.get("/coach/").headers["Permissions-Policy"]

    url = f"/coach/tasks/{task.id}/steps/{step.id}/voice"
    answer = desk.post(url, data={"voice": (io.BytesIO(webm), "blob")}, content_type="multipart/form-data")
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/coach/tasks/{task.id}#step-{step.id}-media")
    session.expire_all()
    first = session.get(TaskStep, step.id).voice
    assert first == media.digest(coach.organisation_id, webm)
    page = html_of(desk.get(f"/coach/tasks/{task.id}"))  # the <audio> the coach can play
    assert f'src="/media/{first}.webm"' in page
    assert desk.get(f"/media/{first}.webm").mimetype == "audio/webm"

    # Redo: the new take replaces the old, whose file goes.
    desk.post(url, data={"voice": (io.BytesIO(m4a), "voice.m4a")}, content_type="multipart/form-data")
    session.expire_all()
    second = session.get(TaskStep, step.id).voice
    assert second != first
    assert [f.name for f in session.scalars(select(MediaFile))] == [f"{second}.m4a"]

    assert desk.post(url + "/remove").status_code == 303
    session.expire_all()
    assert session.get(TaskStep, step.id).voice is None
    assert session.scalar(select(MediaFile.id)) is None


def test_a_copied_task_keeps_the_voice_when_the_original_removes_it(app, session, make, web, sign_in, webm):
    coach = make.coach()
    task = make.task(organisation_id=coach.organisation_id)
    desk = sign_in(web, coach)
    desk.post(f"/coach/tasks/{task.id}/steps/{task.steps[0].id}/voice", data={"voice": (io.BytesIO(webm), "v.webm")}, content_type="multipart/form-data")
    copy = desk.post(f"/coach/tasks/{task.id}/copy")
    desk.post(f"/coach/tasks/{task.id}/steps/{task.steps[0].id}/voice/remove")
    session.expire_all()
    assert session.scalar(select(MediaFile.id)) is not None, copy.headers["Location"]


def test_only_the_tasks_own_coaches_reach_its_voice(app, session, make, client_factory, sign_in, webm):
    coach = make.coach()
    task = make.task(organisation_id=coach.organisation_id)
    other_task = make.task(organisation_id=coach.organisation_id, title="Toinen")
    step = task.steps[0]
    stranger = make.coach(name="Vieras Valmentaja")  # another organisation
    client = make.client(coach=coach)
    url = f"/coach/tasks/{task.id}/steps/{step.id}/voice"
    upload = lambda: {"voice": (io.BytesIO(webm), "v.webm")}  # noqa: E731

    for path in (url, url + "/remove"):
        assert sign_in(client_factory(), stranger).post(path, data=upload(), content_type="multipart/form-data").status_code == 404
        assert sign_in(client_factory(), client).post(path, data=upload(), content_type="multipart/form-data").status_code == 404
        # A step of another task is not found either.
        wrong = f"/coach/tasks/{other_task.id}/steps/{step.id}/voice" + path[len(url) :]
        assert sign_in(client_factory(), coach).post(wrong, data=upload(), content_type="multipart/form-data").status_code == 404
    session.expire_all()
    assert session.get(TaskStep, step.id).voice is None
    assert session.scalar(select(MediaFile.id)) is None


def _record(app, session, step, data, extension="webm", content_type="audio/webm"):
    with app.test_request_context():
        organisation_id = step.task.organisation_id
        stem = media.digest(organisation_id, data)
        media.store(session, organisation_id, f"{stem}.{extension}", data, content_type)
        step.voice = stem
        session.commit()
        return f"/media/{stem}.{extension}"


def test_the_clients_steps_show_listen_where_the_coach_recorded(app, session, make, web, sign_in, webm):
    coach = make.coach()
    client = make.client(coach=coach)
    task = make.task(organisation_id=coach.organisation_id)
    assignment = make.assignment(client=client, task=task, weekday=0)  # the frozen day is a Monday
    sound = _record(app, session, task.steps[0], webm)
    phone = sign_in(web, client)

    page = phone.get(f"/tasks/{assignment.id}")
    html = html_of(page)  # the listen buttons and their sound
    assert html.count("data-listen ") + html.count("data-listen>") == 1
    assert f'href="{sound}"' in html
    assert "Kuuntele" in visible_text(page)
    assert phone.get(sound).data == webm

    client.client_profile.one_step_at_a_time = True
    session.commit()
    first = html_of(phone.get(f"/tasks/{assignment.id}/steps/{task.steps[0].id}"))
    assert "data-listen" in first
    second = html_of(phone.get(f"/tasks/{assignment.id}/steps/{task.steps[1].id}"))
    assert "data-listen" not in second and "data-read-aloud" in second  # the phone's speech, as before


def test_offline_media_lists_todays_files_in_order_within_the_budget(app, session, make, web, sign_in, now, monkeypatch):
    coach = make.coach()
    client = make.client(coach=coach)
    today = make.task(organisation_id=coach.organisation_id, title="Tänään")
    later = make.task(organisation_id=coach.organisation_id, title="Huomenna")
    make.assignment(client=client, task=today, weekday=0)
    make.assignment(client=client, task=later, weekday=1)
    second = _record(app, session, today.steps[1], b"second" * 10)
    first = _record(app, session, today.steps[0], b"first" * 10)
    tomorrow = _record(app, session, later.steps[0], b"tomorrow")
    with app.test_request_context():  # a step photo in two sizes (the photos' stems)
        stem = media.digest(coach.organisation_id, b"photo")
        media.store(session, coach.organisation_id, f"{stem}-1600.webp", b"L" * 40, "image/webp")
        media.store(session, coach.organisation_id, f"{stem}-480.webp", b"s" * 20, "image/webp")
        today.steps[1].photo = stem
        session.commit()
    phone = sign_in(web, client)

    listed = phone.get("/offline-media").get_json()
    assert listed["media"] == [first, f"/media/{stem}-480.webp", f"/media/{stem}-1600.webp", second]
    assert tomorrow not in listed["media"]
    assert listed["bytes"] == 50 + 20 + 40 + 60
    assert listed["budget"] == 20 * 1024 * 1024

    monkeypatch.setattr(media, "OFFLINE_BUDGET", 100)
    assert phone.get("/offline-media").get_json()["media"] == [first, f"/media/{stem}-480.webp"]

    now.set(datetime.fromisoformat("2025-06-10T09:30:00+03:00"))  # Tuesday
    assert phone.get("/offline-media").get_json()["media"] == [tomorrow]


def test_only_a_client_gets_the_offline_list(make, client_factory, sign_in):
    coach = make.coach()
    assert sign_in(client_factory(), coach).get("/offline-media").status_code == 404
    assert client_factory().get("/offline-media").status_code in (302, 303, 404)


def test_a_task_page_asks_for_its_recordings_once_however_many_steps_have_one(app, session, make, web, sign_in, webm):
    coach = make.coach()
    client = make.client(coach=coach)
    task = make.task(organisation_id=coach.organisation_id, steps=[f"Step {n}." for n in range(1, 9)])
    assignment = make.assignment(client=client, task=task, weekday=0)  # the frozen day is a Monday
    phone = sign_in(web, client)

    def page_and_statements():
        phone.get(f"/tasks/{assignment.id}")  # warm up: the first request may renew the phone's session
        sent = []
        count = lambda conn, cursor, statement, *args: sent.append(statement)  # noqa: E731
        event.listen(app.extensions["selko.engine"], "before_cursor_execute", count)
        try:
            html = html_of(phone.get(f"/tasks/{assignment.id}"))
        finally:
            event.remove(app.extensions["selko.engine"], "before_cursor_execute", count)
        return html.count("data-listen>"), len(sent)

    _record(app, session, task.steps[0], webm)
    listen_one, one = page_and_statements()
    for step in task.steps[1:]:
        _record(app, session, step, webm + f"step {step.position}".encode())
    listen_eight, eight = page_and_statements()
    assert (listen_one, listen_eight) == (1, 8)
    assert eight == one, f"the task page sent {one} statements with one recording, {eight} with eight"

"""The coach's voice in a real browser: recorded with MediaRecorder on the
task's page (Chromium's fake microphone plays a tone), listened to, saved;
then played on the client's phone by Kuuntele, also with no network after
Today was saved, beside the step's photo."""

import io

from PIL import Image
from sqlalchemy import select

from selko.library import media, photos, voice
from selko.models import MediaFile, TaskStep
from tests.browser.test_photos import loaded

WORKER_CONTROLS = "() => navigator.serviceWorker.controller !== null"
# Resolves when the audio has played a moment (or to its end), with no error.
PLAYS = """(audio) => new Promise((resolve, reject) => {
  if (audio.error) reject(new Error('audio error ' + audio.error.code));
  const done = () => resolve({time: audio.currentTime, error: audio.error && audio.error.code});
  audio.addEventListener('ended', done, {once: true});
  audio.addEventListener('timeupdate', () => { if (audio.currentTime > 0.2) done(); });
  audio.addEventListener('error', () => reject(new Error('audio error ' + (audio.error && audio.error.code))), {once: true});
})"""


def test_the_coach_records_listens_and_saves_a_steps_voice(app, make, session, new_context, open_link):
    coach = make.coach(name="Sanna")
    task = make.task(organisation_id=coach.organisation_id)
    step = task.steps[0]
    page = open_link(new_context(permissions=["microphone"]), coach, f"/coach/tasks/{task.id}")
    box = page.locator(f"#step-{step.id}-voice")
    assert box.locator("[data-voice-file]").is_hidden(), "the recorder takes the file input's place"

    box.locator("[data-voice-record]").click()
    box.locator("[data-voice-stop]").wait_for()
    assert "Lopeta" in box.locator("[data-voice-status]").inner_text()
    page.wait_for_timeout(1500)
    box.locator("[data-voice-stop]").click()
    box.locator("[data-voice-take]").wait_for()
    assert box.locator("[data-voice-status]").inner_text().startswith("Äänitetty")
    listened = box.locator("[data-voice-listen]").evaluate("(audio) => { audio.play(); return null; }")
    assert listened is None
    box.locator("[data-voice-listen]").evaluate(PLAYS)

    # Redo once, then save the second take.
    box.locator("[data-voice-redo]").click()
    box.locator("[data-voice-stop]").wait_for()
    page.wait_for_timeout(1200)
    box.locator("[data-voice-stop]").click()
    box.locator("[data-voice-take]").wait_for()
    with page.expect_navigation():
        box.locator("[data-voice-save]").click()
    saved = page.locator(f"#step-{step.id}-voice audio[data-voice-saved]")
    saved.wait_for()
    assert page.locator(f"#step-{step.id}-voice .saved").inner_text().endswith("Äänite tallennettu: vaihe 1.")

    session.expire_all()
    stem = session.get(TaskStep, step.id).voice
    stored = session.scalar(select(MediaFile).where(MediaFile.name.startswith(stem)))
    assert stored.content_type in ("audio/webm", "audio/mp4")
    # MediaRecorder's WebM has no duration in its header: Selko measured it.
    with app.app_context():
        data = media.storage().get(stored.name)
    with app.test_request_context():
        assert 0.7 < voice.check(data).seconds < 2.5
    assert saved.get_attribute("src").endswith(stored.name)
    saved.evaluate("(audio) => { audio.play(); return null; }")
    saved.evaluate(PLAYS)


def test_the_client_sees_the_photo_and_hears_the_coachs_voice_also_offline(app, make, session, live_server, new_context, open_link, page_problems):
    page_problems.allowed = ("net::ERR_INTERNET_DISCONNECTED", f"{live_server.url}/alarms/permission)")
    coach = make.coach(name="Sanna")
    client = make.client(coach=coach, name="Aino")
    task = make.task(organisation_id=coach.organisation_id)
    assignment = make.assignment(client=client, task=task)
    with app.test_request_context():
        voice.attach(session, task.steps[0], voice.chime(2.0, "webm"))
        shot = io.BytesIO()
        Image.new("RGB", (1200, 900), "#2a9d8f").save(shot, format="JPEG")
        assert photos.attach(session, task.steps[0], shot.getvalue()) is None
        session.commit()
        sound = media.url(voice.file_of(session, task.steps[0].voice).name)

    page = open_link(new_context(service_workers="allow"), client)
    # Installing fetches the shell and the front-end packages first: past 10 s
    # on CI's two loaded cores once (seen in a fresh-clone run of .ci/run).
    page.wait_for_function(WORKER_CONTROLS, timeout=30_000)
    page.reload()  # Today through the worker: it saves the day, and today's media
    page.wait_for_function(f"() => caches.match({sound!r}, {{cacheName: 'selko-media-v1'}}).then((kept) => !!kept)")

    page.goto(f"/tasks/{assignment.id}")
    listen = page.locator(f"#step-{task.steps[0].id} a[data-listen]")
    assert "Kuuntele" in listen.inner_text()
    assert page.locator(f"#step-{task.steps[1].id} a[data-listen]").count() == 0
    listen.click()
    listen.locator("xpath=following-sibling::audio").evaluate(PLAYS)

    page.context.set_offline(True)
    mark = live_server.mark()
    page.reload()
    listen = page.locator(f"#step-{task.steps[0].id} a[data-listen]")
    listen.click()
    played = listen.locator("xpath=following-sibling::audio").evaluate(PLAYS)
    assert played["error"] is None
    assert loaded(page, f"#step-{task.steps[0].id} .step-photo img") > 0, "the step's photo from the phone's own copy"
    assert not [r for r in live_server.since(mark) if r.path.startswith("/media/")], "played from the phone's own copy"

"""Photos in real Chromium: the coach adds a step's photo on the task page
(htmx, and without JavaScript), and the client's phone shows it, loaded, in
the list of steps and big, one step at a time."""

from PIL import Image

from selko.models import ClientProfile, Task, TaskStep


def photo_file(tmp_path, name="hylly.jpg", size=(1200, 900)):
    path = tmp_path / name
    image = Image.new("RGB", size, "#2a9d8f")
    image.paste("#e76f51", (100, 100, 500, 400))
    image.save(path, format="JPEG")
    return path


def loaded(page, selector: str) -> int:
    """The naturalWidth of the image once it has loaded (0 for a broken one)."""
    page.locator(selector).first.scroll_into_view_if_needed()
    page.wait_for_function(f"() => {{ const img = document.querySelector({selector!r}); return img && img.complete; }}")
    return page.locator(selector).first.evaluate("img => img.naturalWidth")


def test_the_coach_adds_a_step_photo_and_the_phone_shows_it(make, session, new_context, open_link, tmp_path, page_problems):
    page_problems.allowed = ("status of 400",)  # the refused file below, on purpose
    coach = make.coach(name="Sanna Valmentaja")
    client = make.client(coach=coach, name="Aino Asiakas", language="fi")
    task = make.task(organisation_id=coach.organisation_id, title="Täytä hylly", steps=("Hae tuotteet.", "Täytä hylly."))
    assignment = make.assignment(client=client, task=task)
    step = task.steps[1]

    desk = open_link(new_context(), coach, f"/coach/tasks/{task.id}")
    block = desk.locator(f"#step-{step.id}-photo")
    block.locator(f"#step-{step.id}-photo-file").set_input_files(photo_file(tmp_path))
    block.get_by_role("button", name="Tallenna kuva").click()
    desk.locator(f"#step-{step.id}-photo .saved").wait_for()  # swapped by htmx, no page load
    assert "Kuva tallennettu." in desk.locator(f"#step-{step.id}-photo").inner_text()
    assert loaded(desk, f"#step-{step.id}-photo picture img") > 0

    # A file that is not a photo: the reason in the block, nothing changed.
    not_a_photo = tmp_path / "kuva.jpg"
    not_a_photo.write_bytes(b"%PDF-1.4 not a photo at all")
    desk.locator(f"#step-{step.id}-photo-file").set_input_files(not_a_photo)
    desk.locator(f"#step-{step.id}-photo").get_by_role("button", name="Tallenna kuva").click()
    desk.locator(f"#step-{step.id}-photo-error").wait_for()
    assert "Tiedosto ei ole kuva." in desk.locator(f"#step-{step.id}-photo-error").inner_text()
    session.expire_all()
    stem = session.get(TaskStep, step.id).photo
    assert stem

    phone = open_link(new_context(), client, f"/tasks/{assignment.id}")
    img = f"#step-{step.id} picture img"
    assert loaded(phone, img) > 0
    # A 360 px phone at density 1 takes the small WebP.
    assert phone.locator(img).evaluate("img => img.currentSrc").endswith(f"{stem}-480.webp")

    session.get(ClientProfile, client.id).one_step_at_a_time = True
    session.commit()
    phone.goto(f"/tasks/{assignment.id}/steps/{step.id}")
    assert loaded(phone, ".step-picture picture img") > 0


def test_without_javascript_the_photo_form_posts_and_comes_back(make, session, no_js_context, open_link, tmp_path):
    coach = make.coach(name="Sanna Valmentaja")
    task = make.task(organisation_id=coach.organisation_id, title="Täytä hylly", steps=("Hae tuotteet.",))
    desk = open_link(no_js_context, coach, f"/coach/tasks/{task.id}")
    desk.locator("#task-photo-camera").set_input_files(photo_file(tmp_path, size=(300, 400)))
    with desk.expect_navigation():
        desk.locator("#task-photo").get_by_role("button", name="Tallenna kuva").click()
    assert desk.url.endswith(f"/coach/tasks/{task.id}#task-photo")
    assert "Kuva tallennettu." in desk.locator("#task-photo").inner_text()
    session.expire_all()
    assert session.get(Task, task.id).photo
    with desk.expect_navigation():
        desk.locator("#task-photo").get_by_role("button", name="Poista kuva").click()
    assert "Kuva poistettu." in desk.locator("#task-photo").inner_text()
    session.expire_all()
    assert session.get(Task, task.id).photo is None

"""Photos of tasks and steps: only real photos are kept, upright, without
metadata, in two sizes and two formats; anything else is refused in plain
words and stores nothing."""

import io
import struct
import zlib

import pytest
from PIL import Image

from selko.library import photos
from selko.models import ClientProfile, MediaFile, Organisation, Task, TaskStep
from tests.conftest import html_of, visible_text

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg_with_gps(size=(400, 200), orientation=6) -> bytes:
    """A phone's photo: landscape pixels, "turn 90° to show" and where it was taken."""
    image = Image.new("RGB", size, "red")
    image.paste((0, 0, 255), (0, 0, size[0] // 2, size[1]))  # left half blue
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"  # Make
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (60.0, 10.0, 0.0), 3: "E", 4: (24.0, 56.0, 0.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png(size=(64, 48), mode="RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (0, 128, 0, 128) if mode == "RGBA" else "green").save(out, format="PNG")
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header says it is huge: a decompression bomb."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 100)) + chunk(b"IEND", b"")


@pytest.fixture
def library(make, session, client_factory, sign_in):
    coach = make.coach(language="en")  # the assertions read the English words
    task = make.task(organisation_id=coach.organisation_id)
    return sign_in(client_factory(), coach), task


def upload(web, url, data, name="photo.jpg", **kwargs):
    return web.post(url, {"photo": (io.BytesIO(data), name)}, content_type="multipart/form-data", **kwargs)


def stored(app, session):
    session.expire_all()
    folder = app.extensions["selko.media"].folder
    return session.query(MediaFile).count(), sorted(p.name for p in folder.glob("*")) if folder.exists() else []


def test_it_keeps_a_phone_photo_upright_without_its_location(app, session, library):
    web, task = library
    step = task.steps[0]
    answer = upload(web, f"/coach/tasks/{task.id}/steps/{step.id}/photo", jpeg_with_gps())
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/coach/tasks/{task.id}#step-{step.id}-photo")
    session.expire_all()
    stem = session.get(TaskStep, step.id).photo
    names = sorted(m.name for m in session.query(MediaFile))
    assert names == sorted(f"{stem}-{size}.{ext}" for size in (480, 1600) for ext in ("jpg", "webp"))
    folder = app.extensions["selko.media"].folder
    for name in names:
        image = Image.open(folder / name)
        assert image.size == (200, 400)  # turned: orientation 6 is "rotate 90° clockwise"
        assert not image.getexif(), name  # no GPS, no maker, no orientation left
        assert "exif" not in image.info and "icc_profile" not in image.info
        assert b"PhoneMaker" not in (folder / name).read_bytes()
        # The blue half was on the left; turned clockwise it is at the top.
        top, bottom = image.convert("RGB").getpixel((100, 50)), image.convert("RGB").getpixel((100, 350))
        assert top[2] > 200 and bottom[0] > 200
    row = session.query(MediaFile).filter_by(name=f"{stem}-1600.jpg").one()
    assert (row.width, row.height, row.content_type) == (200, 400, "image/jpeg")
    page = html_of(web.get(f"/coach/tasks/{task.id}"))  # the <picture>'s sources
    assert f"/media/{stem}-480.jpg" in page and 'type="image/webp"' in page


def test_it_makes_two_sizes_of_a_big_photo(app, session, library):
    web, task = library
    out = io.BytesIO()
    Image.new("RGB", (4000, 3000), "navy").save(out, format="JPEG")
    assert upload(web, f"/coach/tasks/{task.id}/photo", out.getvalue()).status_code == 303
    session.expire_all()
    stem = session.get(Task, task.id).photo
    sizes = {m.name.removeprefix(stem): (m.width, m.height) for m in session.query(MediaFile)}
    assert sizes == {"-1600.jpg": (1600, 1200), "-1600.webp": (1600, 1200), "-480.jpg": (480, 360), "-480.webp": (480, 360)}


def test_it_takes_a_png_and_puts_transparency_on_white(app, session, library):
    web, task = library
    step = task.steps[1]
    assert upload(web, f"/coach/tasks/{task.id}/steps/{step.id}/photo", png(), "kuva.png").status_code == 303
    session.expire_all()
    stem = session.get(TaskStep, step.id).photo
    image = Image.open(app.extensions["selko.media"].folder / f"{stem}-480.jpg")
    assert image.size == (64, 48) and image.mode == "RGB"
    red, green, blue = image.getpixel((10, 10))
    assert green > 150 and red > 80  # half-transparent green on white, not on black


def test_it_takes_a_heic_photo(app, session, library):
    pytest.importorskip("pillow_heif")
    web, task = library
    out = io.BytesIO()
    Image.new("RGB", (300, 200), "orange").save(out, format="HEIF")
    assert out.getvalue()[4:12] == b"ftypheic"
    assert upload(web, f"/coach/tasks/{task.id}/photo", out.getvalue(), "IMG_0001.HEIC").status_code == 303
    session.expire_all()
    assert session.get(Task, task.id).photo
    assert session.query(MediaFile).count() == 4


@pytest.mark.parametrize(
    "data, name, words",
    [
        (b"%PDF-1.4 this is a document, not a photo" * 10, "photo.jpg", "This file is not a photo"),
        (b"GIF89a" + b"\0" * 100, "photo.gif", "This file is not a photo"),
        (jpeg_with_gps()[:300], "broken.jpg", "This file is not a photo"),
        (png_claiming(100_000, 100_000), "bomb.png", "too many pixels"),
        (png_claiming(8000, 8000), "64mp.png", "too many pixels"),
        (b"", "empty.jpg", "Choose a photo first"),
    ],
)
def test_it_refuses_what_is_not_a_photo_and_stores_nothing(app, session, library, data, name, words):
    web, task = library
    step = task.steps[0]
    before = stored(app, session)
    answer = upload(web, f"/coach/tasks/{task.id}/steps/{step.id}/photo", data, name)
    assert answer.status_code == 400
    assert words in visible_text(answer)
    assert stored(app, session) == before == (0, [])
    assert session.get(TaskStep, step.id).photo is None


def test_it_refuses_a_photo_over_15_mb_in_plain_words(app, session, library):
    web, task = library
    big = jpeg_with_gps() + b"\0" * (15 * 1024 * 1024)  # still a JPEG; too big all the same
    answer = upload(web, f"/coach/tasks/{task.id}/photo", big)
    assert answer.status_code == 400
    assert "A photo can be at most 15 MB" in visible_text(answer)
    assert stored(app, session) == (0, [])


def test_a_body_over_16_mb_gets_a_plain_413_page(app, session, library):
    web, task = library
    answer = upload(web, f"/coach/tasks/{task.id}/photo", b"\xff" * (17 * 1024 * 1024))
    assert answer.status_code == 413
    # The error page before the coach's language is read; Werkzeug's words not even hidden.
    assert "Tiedosto on liian iso" in visible_text(answer) and "Request Entity" not in html_of(answer)
    assert stored(app, session) == (0, [])


def test_htmx_gets_the_photo_block_back_and_the_refusal_in_it(app, session, library):
    web, task = library
    step = task.steps[0]
    url = f"/coach/tasks/{task.id}/steps/{step.id}/photo"
    answer = upload(web, url, png(), "k.png", headers={"HX-Request": "true"})
    assert answer.status_code == 200
    block = html_of(answer)
    assert f'id="step-{step.id}-photo"' in block and "<picture" in block, "the block, with the photo"
    assert "Photo saved." in visible_text(answer)
    refused = upload(web, url, b"not a photo", headers={"HX-Request": "true"})
    assert refused.status_code == 400
    assert "This file is not a photo" in visible_text(refused)
    removed = web.post(f"{url}/remove", headers={"HX-Request": "true"})
    assert removed.status_code == 200 and "Photo removed." in visible_text(removed)
    assert stored(app, session) == (0, [])


def test_a_new_photo_replaces_the_old_and_removing_releases_it(app, session, library):
    web, task = library
    url = f"/coach/tasks/{task.id}/photo"
    upload(web, url, png(size=(10, 10)), "a.png")
    upload(web, url, png(size=(20, 10)), "b.png")
    session.expire_all()
    stem = session.get(Task, task.id).photo
    count, files = stored(app, session)
    assert count == 4 and all(name.startswith(stem) for name in files)
    upload(web, url, png(size=(20, 10)), "b-again.png")  # the same photo: kept once
    assert stored(app, session)[0] == 4
    assert web.post(f"{url}/remove").status_code == 303
    assert stored(app, session) == (0, [])
    assert session.get(Task, task.id).photo is None


def test_another_organisations_task_or_a_step_of_another_task_is_not_found(app, session, make, library, client_factory, sign_in):
    web, task = library
    other = make.task(organisation_id=task.organisation_id, title="Toinen")
    stranger = sign_in(client_factory(), make.coach(name="Vieras"))
    assert upload(stranger, f"/coach/tasks/{task.id}/photo", png()).status_code == 404
    assert upload(web, f"/coach/tasks/{task.id}/steps/{other.steps[0].id}/photo", png()).status_code == 404
    assert web.post(f"/coach/tasks/{task.id}/steps/{other.steps[0].id}/photo/remove").status_code == 404
    assert stored(app, session) == (0, [])


def test_the_client_sees_the_photos_in_the_list_and_one_step_at_a_time(app, session, make, library, client_factory, sign_in):
    web, task = library
    coach = make.coach(organisation=session.get(Organisation, task.organisation_id), name="Toinen valmentaja")
    client = make.client(coach=coach)
    assignment = make.assignment(client=client, task=task)
    step = task.steps[0]
    upload(web, f"/coach/tasks/{task.id}/steps/{step.id}/photo", png(size=(800, 600)), "s.png")
    upload(web, f"/coach/tasks/{task.id}/photo", png(size=(300, 300)), "t.png")
    session.expire_all()
    stem, task_stem = session.get(TaskStep, step.id).photo, session.get(Task, task.id).photo
    phone = sign_in(client_factory(), client)
    # Where each photo comes from, at what size: the markup of <picture> and <img>.
    listed = html_of(phone.get("/tasks"))
    assert f"/media/{task_stem}-480.jpg" in listed
    steps = html_of(phone.get(f"/tasks/{assignment.id}"))
    assert f'srcset="/media/{stem}-480.webp 480w, /media/{stem}-1600.webp 800w"' in steps
    assert f'src="/media/{stem}-480.jpg"' in steps and 'width="800" height="600"' in steps and 'alt=""' in steps
    assert phone.get(f"/media/{stem}-1600.webp").mimetype == "image/webp"
    session.get(ClientProfile, client.id).one_step_at_a_time = True
    session.commit()
    one = html_of(phone.get(f"/tasks/{assignment.id}/steps/{step.id}"))
    assert f"/media/{stem}-1600.webp 800w" in one and 'loading="eager"' in one


def test_process_answers_variants_or_a_problem():
    assert isinstance(photos.process(b"nothing"), photos.PhotoProblem)
    variants = photos.process(png(size=(2000, 1000), mode="RGB"))
    assert [(v.suffix, v.width, v.height) for v in variants] == [
        ("1600.webp", 1600, 800),
        ("1600.jpg", 1600, 800),
        ("480.webp", 480, 240),
        ("480.jpg", 480, 240),
    ]

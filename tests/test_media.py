"""Media storage: files under instance/media/ or in an S3 bucket, reached only
by the organisation that owns them, kept by the phone for a year."""

import boto3
import pytest
from moto import mock_aws

from selko.library import media
from selko.library.tasks import set_steps
from selko.models import MediaFile


def _store(app, session, organisation_id, data=b"RIFF....WEBPVP8 ", name=None):
    with app.test_request_context():
        stem = media.digest(organisation_id, data)
        row = media.store(session, organisation_id, name or f"{stem}-480.webp", data, "image/webp")
        session.commit()
        return stem, row.name


def test_a_stored_file_reaches_its_own_organisation_only(app, session, make, client_factory, sign_in):
    coach = make.coach()
    client = make.client(coach=coach)
    stranger = make.coach(name="Vieras")  # another organisation
    _, name = _store(app, session, coach.organisation_id, b"photo bytes")

    phone = sign_in(client_factory(), client)
    answer = phone.get(f"/media/{name}")
    assert answer.status_code == 200
    assert answer.data == b"photo bytes"
    assert answer.mimetype == "image/webp"
    assert answer.headers["Cache-Control"] == "private, max-age=31536000, immutable"

    assert sign_in(client_factory(), stranger).get(f"/media/{name}").status_code == 404
    assert client_factory().get(f"/media/{name}").status_code in (302, 404)  # nobody signed in
    assert phone.get("/media/nothing-here.webp").status_code == 404
    assert phone.get("/media/..%2Fselko.sqlite3").status_code == 404
    assert phone.get("/media/a%00b.webp").status_code == 404, "PostgreSQL refuses a NUL: no 500"


def test_the_phone_asks_again_and_gets_not_modified_or_a_part(app, session, make, client_factory, sign_in):
    coach = make.coach()
    phone = sign_in(client_factory(), make.client(coach=coach))
    _, name = _store(app, session, coach.organisation_id, b"0123456789")

    first = phone.get(f"/media/{name}")
    again = phone.get(f"/media/{name}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    part = phone.get(f"/media/{name}", headers={"Range": "bytes=2-5"})
    assert part.status_code == 206
    assert part.data == b"2345"
    assert part.headers["Content-Range"] == "bytes 2-5/10"


def test_the_same_upload_twice_is_kept_once(app, session, make):
    coach = make.coach()
    _, first = _store(app, session, coach.organisation_id, b"same")
    _, second = _store(app, session, coach.organisation_id, b"same")
    assert first == second
    assert session.query(MediaFile).count() == 1


def test_released_media_goes_only_when_no_task_uses_it(app, session, make):
    coach = make.coach()
    stem, name = _store(app, session, coach.organisation_id, b"shared photo")
    original = make.task(organisation_id=coach.organisation_id)
    copy = make.task(organisation_id=coach.organisation_id, title="Kopio")
    original.steps[0].photo = copy.steps[0].photo = stem
    session.commit()
    folder = app.extensions["selko.media"].folder

    with app.test_request_context():
        original.steps[0].photo = None
        media.release(session, stem)
        session.commit()
        assert (folder / name).exists()  # the copy still shows it

        copy.steps[0].photo = None
        media.release(session, stem)
        session.commit()
    assert not (folder / name).exists()
    assert session.query(MediaFile).count() == 0


@pytest.fixture
def bucket(app, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-north-1")
    with mock_aws():
        boto3.client("s3").create_bucket(Bucket="selko-media", CreateBucketConfiguration={"LocationConstraint": "eu-north-1"})
        app.extensions["selko.media"] = media.ObjectStorage("selko-media", prefix="test/")
        yield boto3.client("s3")


def test_files_can_live_in_an_s3_bucket(app, session, make, client_factory, sign_in, bucket):
    coach = make.coach()
    phone = sign_in(client_factory(), make.client(coach=coach))
    stem, name = _store(app, session, coach.organisation_id, b"in the bucket")

    assert bucket.get_object(Bucket="selko-media", Key=f"test/{name}")["Body"].read() == b"in the bucket"
    assert phone.get(f"/media/{name}").data == b"in the bucket"

    with app.test_request_context():
        media.release(session, stem)
        session.commit()
    assert "Contents" not in bucket.list_objects_v2(Bucket="selko-media")
    assert phone.get(f"/media/{name}").status_code == 404


def test_a_removed_step_takes_its_photo_and_voice_with_it(app, session, make):

    coach = make.coach()
    photo, photo_file = _store(app, session, coach.organisation_id, b"photo")
    voice, voice_file = _store(app, session, coach.organisation_id, b"voice", name=None)
    task = make.task(organisation_id=coach.organisation_id, steps=("Yksi.", "Kaksi."))
    task.steps[1].photo, task.steps[1].voice = photo, voice
    session.commit()
    with app.app_context():
        set_steps(session, task, ["Yksi."])
        session.commit()
    assert session.query(MediaFile).count() == 0
    assert not (app.extensions["selko.media"].folder / photo_file).exists()

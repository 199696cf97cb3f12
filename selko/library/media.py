"""Photos and recordings: where their bytes live, and who may fetch them.

One small interface with two homes: files under instance/media/ (the
default), or an S3-compatible object store when SELKO_MEDIA_S3_BUCKET is set.
A stored file is named by its content, so it never changes and the phone may
keep it for a year. A task or step refers to its media by that digest; the
MediaFile rows say which organisation owns them, and only its people get them.
"""

import hashlib
import re
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, g, request, url_for
from sqlalchemy import or_, select

from selko import access, clock, db
from selko.models import MediaFile, Task, TaskStep

bp = Blueprint("media", __name__)
access.audience_of_blueprint(bp.name, access.SIGNED_IN)

A_YEAR = 365 * 24 * 3600
# What store() names files: a digest, a size for photos, a type (photos.py, voice.py).
NAME = re.compile(r"[0-9a-f]{32}(-[0-9]+)?\.[a-z0-9]{1,5}")


class FolderStorage:
    def __init__(self, folder: Path):
        self.folder = folder

    def put(self, name: str, data: bytes, content_type: str) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        part = self.folder / f".{name}.part"
        part.write_bytes(data)
        part.replace(self.folder / name)  # a reader never sees half a file

    def get(self, name: str) -> bytes | None:
        path = self.folder / name
        return path.read_bytes() if path.is_file() else None

    def delete(self, name: str) -> None:
        (self.folder / name).unlink(missing_ok=True)


class ObjectStorage:
    """An S3-compatible bucket (AWS, MinIO, Ceph, UpCloud, …) through boto3."""

    def __init__(self, bucket: str, prefix: str = "", endpoint: str | None = None):
        import boto3  # only installations that use a bucket pay for loading it

        self.bucket, self.prefix = bucket, prefix
        self.client = boto3.client("s3", endpoint_url=endpoint or None)

    def put(self, name: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self.prefix + name, Body=data, ContentType=content_type)

    def get(self, name: str) -> bytes | None:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.prefix + name)["Body"].read()
        except self.client.exceptions.NoSuchKey:
            return None

    def delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.prefix + name)


def storage() -> FolderStorage | ObjectStorage:
    return current_app.extensions["selko.media"]


def digest(organisation_id: int, data: bytes) -> str:
    """The name stem of an upload: its content, within one organisation."""
    return hashlib.sha256(f"{organisation_id}:".encode() + data).hexdigest()[:32]


def store(session, organisation_id: int, name: str, data: bytes, content_type: str) -> MediaFile:
    """Keep one file; storing the same name again is a no-op."""
    found = session.scalar(select(MediaFile).where(MediaFile.name == name))
    if found is not None:
        return found
    storage().put(name, data, content_type)
    media = MediaFile(organisation_id=organisation_id, name=name, content_type=content_type, size=len(data), created_at=clock.now())
    session.add(media)
    return media


def files(session, stem: str) -> list[MediaFile]:
    """The files of one photo or recording (a photo has several sizes)."""
    return list(session.scalars(select(MediaFile).where(MediaFile.name.startswith(stem)).order_by(MediaFile.name)))


def in_use(session, stem: str) -> bool:
    """A copied task shares its media with the original."""
    return (
        session.scalar(select(Task.id).where(Task.photo == stem).limit(1)) is not None
        or session.scalar(select(TaskStep.id).where(or_(TaskStep.photo == stem, TaskStep.voice == stem)).limit(1)) is not None
    )


def release(session, stem: str | None) -> None:
    """Remove a photo's or recording's files once nothing refers to them.
    Call after the reference is gone (and flushed)."""
    if not stem:
        return
    session.flush()
    if in_use(session, stem):
        return
    for media in files(session, stem):
        storage().delete(media.name)
        session.delete(media)


def url(name: str) -> str:
    return url_for("media.file", media_name=name)


# What a phone keeps of a day's photos and recordings for offline use: an old
# phone has little room, and the worker fetches it all over a weak network.
OFFLINE_BUDGET = 20 * 1024 * 1024


def for_offline(session, todays_tasks, budget: int | None = None) -> list[MediaFile]:
    """The files of a day's tasks, in the order the client meets them (a
    task's photo, then each step's photo and voice), smaller sizes first,
    as many as fit in the budget."""
    budget = OFFLINE_BUDGET if budget is None else budget
    stems = []
    for task_today in todays_tasks:
        task = task_today.task
        stems.append(task.photo)
        for step in task.steps:
            stems.extend((step.photo, step.voice))
    chosen, seen, total = [], set(), 0
    for stem in filter(None, stems):
        for found in sorted(files(session, stem), key=lambda f: (f.size, f.name)):
            if found.name in seen or total + found.size > budget:
                continue
            seen.add(found.name)
            chosen.append(found)
            total += found.size
    return chosen


@bp.get("/media/<media_name>")
def file(media_name: str):
    name = media_name
    if not NAME.fullmatch(name):  # nothing else was ever stored (and PostgreSQL refuses a NUL)
        abort(404)
    media = db.session().scalar(select(MediaFile).where(MediaFile.name == name))
    if media is None or media.organisation_id != g.user.organisation_id:
        abort(404)
    data = storage().get(name)
    if data is None:
        abort(404)
    response = Response(data, mimetype=media.content_type)
    # The name changes with the content: the phone keeps it, no one else does.
    response.headers["Cache-Control"] = f"private, max-age={A_YEAR}, immutable"
    response.set_etag(name)
    # Ranges: Safari asks for audio in parts and plays nothing without them.
    return response.make_conditional(request, accept_ranges=True, complete_length=len(data))


def init_app(app: Flask) -> None:
    bucket = app.config.get("MEDIA_S3_BUCKET")
    if bucket:
        app.extensions["selko.media"] = ObjectStorage(bucket, app.config.get("MEDIA_S3_PREFIX", ""), app.config.get("MEDIA_S3_ENDPOINT"))
    else:
        app.extensions["selko.media"] = FolderStorage(Path(app.instance_path) / "media")
    app.register_blueprint(bp)

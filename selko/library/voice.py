"""The coach's voice on a step: a few seconds the client can listen to.

A recording comes from the coach's browser (MediaRecorder: Opus in WebM, or
AAC in MP4 on Safari) or from a file. Selko believes neither the file's name
nor the type the browser gives: PyAV (FFmpeg) opens the bytes themselves,
only with the demuxers of the allowed containers, finds the audio stream and
decodes it to the last sample, because MediaRecorder's WebM has no duration
in its header. What passes is stored by its content (selko/library/media.py).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from flask import g
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from selko import db
from selko.library import media
from selko.models import MediaFile, TaskStep

MAX_SECONDS = 60
MAX_BYTES = 2 * 1024 * 1024
# A little more than a minute of audio is still a minute (an encoder's padding).
_SLACK = 0.25

# How each container starts, the FFmpeg demuxer that reads it, its codecs,
# and how the stored file is served.
_CONTAINERS = [
    # (magic test, demuxer, codecs, content type, extension)
    (lambda d: d[:4] == b"\x1a\x45\xdf\xa3", "matroska", {"opus", "vorbis"}, "audio/webm", "webm"),
    (lambda d: d[:4] == b"OggS", "ogg", {"opus", "vorbis"}, "audio/ogg", "ogg"),
    (lambda d: d[4:8] == b"ftyp", "mp4", {"aac"}, "audio/mp4", "m4a"),
]


@dataclass(frozen=True)
class Sound:
    content_type: str
    extension: str
    seconds: float

    def __iter__(self):  # content_type, extension, seconds = check(data)
        return iter((self.content_type, self.extension, self.seconds))


@dataclass(frozen=True)
class Refused:
    message: str

    def __str__(self) -> str:
        return str(self.message)


NOT_SOUND = _l("This file is not a recording Selko can play. Record again, or choose a WebM, Ogg or M4A sound file.")


def check(data: bytes) -> Sound | Refused:
    """What the recording is and how long it lasts, or why it cannot be used."""
    if not data:
        return Refused(_l("The recording is empty. Record again, or choose another file."))
    if len(data) > MAX_BYTES:
        return Refused(_l("The recording is too big. It can be at most 2 MB."))
    container = next((c for c in _CONTAINERS if c[0](data)), None)
    if container is None:
        return Refused(NOT_SOUND)
    _, demuxer, codecs, content_type, extension = container
    seconds = _seconds(data, demuxer, codecs)
    if seconds is None:
        return Refused(NOT_SOUND)
    if seconds > MAX_SECONDS + _SLACK:
        return Refused(_l("The recording is too long. It can be at most 60 seconds."))
    return Sound(content_type, extension, seconds)


def _seconds(data: bytes, demuxer: str, codecs: set[str]) -> float | None:
    """The length of the first audio stream, decoded to its end; None when
    the bytes are not audio in an allowed codec (or have a video stream)."""
    import av  # FFmpeg is loaded when a recording comes, not at every start

    try:
        # An explicit demuxer: FFmpeg never probes for others (playlists,
        # concat lists) that could read files or addresses of their own.
        with av.open(io.BytesIO(data), format=demuxer) as container:
            if container.streams.video or len(container.streams.audio) != 1:
                return None
            stream = container.streams.audio[0]
            if stream.codec_context.name not in codecs:
                return None
            start = end = None
            counted = 0.0  # seconds of samples, for a stream without timestamps
            for packet in container.demux(stream):
                for frame in packet.decode():
                    if not frame.sample_rate:
                        continue
                    counted += frame.samples / frame.sample_rate
                    if frame.time is not None:
                        start = frame.time if start is None else min(start, frame.time)
                        end = max(end or 0.0, frame.time + frame.samples / frame.sample_rate)
                    seconds = end - start if start is not None else counted
                    # 2 MB of quiet Opus can last an hour: stop once it is too long.
                    if seconds > MAX_SECONDS + _SLACK:
                        return seconds
            if not counted:
                return None
            return end - start if start is not None else counted
    except (av.FFmpegError, ValueError):
        return None


def attach(session, step: TaskStep, data: bytes) -> Sound | Refused:
    """The recording on the step, replacing the one it had; nothing is kept
    when it is refused."""
    sound = check(data)
    if isinstance(sound, Refused):
        return sound
    organisation_id = step.task.organisation_id
    stem = media.digest(organisation_id, data)
    media.store(session, organisation_id, f"{stem}.{sound.extension}", data, sound.content_type)
    old, step.voice = step.voice, stem
    if old != stem:
        media.release(session, old)
    return sound


def remove(session, step: TaskStep) -> None:
    old, step.voice = step.voice, None
    media.release(session, old)


def file_of(session, stem: str | None):
    """The stored file of a step's recording (MediaFile), or None."""
    found = media.files(session, stem) if stem else []
    return found[0] if found else None


def urls(session, stems: set[str]) -> dict[str, str]:
    """The addresses of these recordings (named "<stem>.<extension>"), in one query."""
    if not stems:
        return {}
    found: dict[str, str] = {}
    rows = session.scalars(select(MediaFile).where(or_(*(MediaFile.name.startswith(f"{stem}.") for stem in stems))).order_by(MediaFile.name))
    for row in rows:
        found.setdefault(row.name.partition(".")[0], media.url(row.name))
    return found


def url_of(step: TaskStep) -> str | None:
    """For templates: the address of a step's recording, or None. The
    recordings of the whole task are looked up at once, kept for the rest of
    the request: a page of steps asks once, not once a step."""
    if not step.voice:
        return None
    known = g.setdefault("selko_voices", {})
    if step.voice not in known:
        wanted = {s.voice for s in step.task.steps if s.voice} | {step.voice}
        found = urls(db.session(), wanted - known.keys())
        known.update({stem: found.get(stem) for stem in wanted - known.keys()})
    return known[step.voice]


def chime(seconds: float = 2.0, container: str = "webm") -> bytes:
    """A made-up recording, for the demo and the tests: a soft two-note
    chime (then quiet) encoded like a browser would (Opus in WebM or Ogg,
    AAC in MP4)."""
    import array

    import av

    rate, frame_size = 48000, 960
    codec = {"webm": "libopus", "ogg": "libopus", "mp4": "aac"}[container]
    out_file = io.BytesIO()
    with av.open(out_file, "w", format=container) as out:
        stream = out.add_stream(codec, rate=rate, layout="mono")
        total = int(seconds * rate)
        silence = bytes(2 * frame_size)
        for first in range(0, total, frame_size):
            count = min(frame_size, total - first)
            if first >= 2 * rate:  # after the two notes, quiet (cheap to make)
                pcm = silence[: 2 * count]
            else:
                pcm = array.array("h", (_chime_sample(i / rate) for i in range(first, first + count))).tobytes()
            frame = av.AudioFrame(format="s16", layout="mono", samples=count)
            frame.planes[0].update(pcm)
            frame.sample_rate, frame.pts = rate, first
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return out_file.getvalue()


def _chime_sample(t: float) -> int:
    import math

    note, since = (659.25, t) if t < 1 else (523.25, t - 1)  # E5 for a second, then C5
    return int(9000 * math.exp(-3 * since) * math.sin(2 * math.pi * note * t))


def init_app(app) -> None:
    app.jinja_env.globals["voice_url"] = url_of

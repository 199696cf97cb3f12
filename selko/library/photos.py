"""Photos of tasks and steps, taken by the coach at the workplace.

An upload is checked to be a real photo (JPEG, PNG, WebP or HEIC) of sane
size, turned upright by its EXIF orientation, stripped of every piece of
metadata (GPS above all: a photo taken at a client's workplace says where it
is) and kept as new files: WebP with a JPEG fallback, at most 1600 px and
480 px for lists. Nothing of the uploaded file itself is kept. A task or
step holds the stem; the files are `{stem}-1600.webp` and so on (media.py).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pillow_heif
from flask import g
from flask_babel import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from sqlalchemy import select

from selko import db
from selko.library import media
from selko.models import MediaFile, Task, TaskStep

pillow_heif.register_heif_opener()

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 60_000_000  # a 60 MP photo; anything bigger is a decompression bomb to us
# Pillow's own guard, a second line behind process()'s own check of the
# header: it warns above this and refuses above twice this.
Image.MAX_IMAGE_PIXELS = 2 * MAX_PIXELS
FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
BIG, SMALL = 1600, 480
# Each size in both formats: WebP for the phones that read it, JPEG for the rest.
ENCODINGS = (("webp", "WEBP", "image/webp", {"quality": 80}), ("jpg", "JPEG", "image/jpeg", {"quality": 82, "optimize": True, "progressive": True}))
SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class PhotoProblem:
    message: str


@dataclass(frozen=True)
class Variant:
    suffix: str  # "1600.webp"
    data: bytes
    content_type: str
    width: int
    height: int


def process(data: bytes, effort: int = 4) -> list[Variant] | PhotoProblem:
    """The files to keep of an upload, or why it cannot be a photo. effort is
    WebP's method (0-6): 4 is a tenth smaller than 0 and three times slower,
    worth it for a coach's photo; the demo's drawn ones use 0 to load quickly."""
    if len(data) > MAX_BYTES:
        return PhotoProblem(_("The photo is too big. A photo can be at most 15 MB."))
    try:
        image = Image.open(io.BytesIO(data), formats=FORMATS)
        # Only the header is read so far: refuse a huge picture before decoding it.
        if image.width * image.height > MAX_PIXELS:
            return PhotoProblem(_("The photo has too many pixels. A photo can have at most 60 megapixels."))
        if image.format == "JPEG":
            image.draft("RGB", (BIG, BIG))  # decode a big JPEG at a smaller scale: much quicker
        image.load()
        upright = _plain(ImageOps.exif_transpose(image), image.info.get("icc_profile"))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return PhotoProblem(_("The photo has too many pixels. A photo can have at most 60 megapixels."))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        return PhotoProblem(_("This file is not a photo. Choose a JPEG, PNG, WebP or HEIC photo."))
    variants = []
    for size in (BIG, SMALL):
        scaled = upright.copy()
        scaled.thumbnail((size, size), Image.Resampling.LANCZOS)
        for extension, format_name, content_type, options in ENCODINGS:
            out = io.BytesIO()
            # No exif=, no icc_profile=: nothing but the pixels is written.
            scaled.save(out, format=format_name, **options, **({"method": effort} if format_name == "WEBP" else {}))
            variants.append(Variant(f"{size}.{extension}", out.getvalue(), content_type, scaled.width, scaled.height))
        upright = scaled  # the small one from the big one: quicker, and as sharp
    return variants


def _plain(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Only the pixels, in sRGB, on white where the photo was transparent."""
    if icc_profile and image.mode in ("RGB", "RGBA", "CMYK"):
        try:  # a phone's wide-gamut colours, as they look, before the profile goes
            image = ImageCms.profileToProfile(
                image, ImageCms.ImageCmsProfile(io.BytesIO(icc_profile)), SRGB, outputMode="RGBA" if image.mode == "RGBA" else "RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    else:
        image = image.convert("RGB")
    clean = Image.new("RGB", image.size)
    clean.paste(image)  # a new image carries no info, exif or profile of the old one
    return clean


def organisation_of(owner: Task | TaskStep) -> int:
    return owner.organisation_id if isinstance(owner, Task) else owner.task.organisation_id


def attach(session, owner: Task | TaskStep, data: bytes, effort: int = 4) -> PhotoProblem | None:
    """The photo of a task or a step, replacing the one it had. Nothing is
    stored when the upload is refused."""
    organisation_id = organisation_of(owner)
    stem = media.digest(organisation_id, data)
    if len(media.files(session, stem)) < len(ENCODINGS) * 2:  # the same photo again is kept already
        variants = process(data, effort)
        if isinstance(variants, PhotoProblem):
            return variants
        for variant in variants:
            row = media.store(session, organisation_id, f"{stem}-{variant.suffix}", variant.data, variant.content_type)
            row.width, row.height = variant.width, variant.height
    old, owner.photo = owner.photo, stem
    if old != stem:
        media.release(session, old)
    return None


def remove(session, owner: Task | TaskStep) -> None:
    """The task or step has no photo now; its files go when nothing else uses them."""
    old, owner.photo = owner.photo, None
    media.release(session, old)


@dataclass(frozen=True)
class Shown:
    """What a page needs to show one photo: its files' addresses and sizes."""

    stem: str
    width: int
    height: int
    small_width: int

    def url(self, size: int, extension: str) -> str:
        return media.url(f"{self.stem}-{size}.{extension}")

    def srcset(self, extension: str) -> str:
        if self.small_width >= self.width:  # a small upload: both sizes are the same picture
            return f"{self.url(BIG, extension)} {self.width}w"
        return f"{self.url(SMALL, extension)} {self.small_width}w, {self.url(BIG, extension)} {self.width}w"


def shown(session, stems) -> dict[str, Shown]:
    """The photos of these stems that have their files, in one query."""
    stems = {s for s in stems if s}
    names = {f"{s}-{size}.jpg": (s, size) for s in stems for size in (BIG, SMALL)}
    sizes = {}
    for row in session.scalars(select(MediaFile).where(MediaFile.name.in_(names))):
        stem, size = names[row.name]
        sizes.setdefault(stem, {})[size] = row
    return {stem: Shown(stem, found[BIG].width, found[BIG].height, found[SMALL].width) for stem, found in sizes.items() if len(found) == 2 and found[BIG].width}


def photo_of(owner: Task | TaskStep) -> Shown | None:
    """For templates: the photo of a task or step, or None. The photos of the
    whole task are looked up at once, kept for the rest of the request."""
    if not owner.photo:
        return None
    known = g.setdefault("selko_photos", {})
    if owner.photo not in known:
        task = owner if isinstance(owner, Task) else owner.task
        wanted = {owner.photo, task.photo, *(step.photo for step in task.steps)} - {None}
        found = shown(db.session(), wanted - known.keys())
        known.update({stem: found.get(stem) for stem in wanted})
    return known[owner.photo]


def init_app(app) -> None:
    app.jinja_env.globals["photo_of"] = photo_of

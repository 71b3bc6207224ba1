"""
Responsive renditions of photos: each crop in several widths, as WebP and JPEG, made once with
Pillow and stored. A photo's `renditions` field is the manifest of what was made, so a page
writes `<picture>` from the row it already has: no query, no file check, no decoding.
Renditions are made by a background task (articles.tasks). Until they exist a page shows no
image at all, never the stored original: it is full size, and keeps the camera's EXIF (its
location is removed on upload, articles.photo_files).
"""

import io
import logging
import math
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import ExifTags, Image, ImageCms, ImageOps

logger = logging.getLogger(__name__)

# Width and height proportions of each crop; "original" keeps the whole picture.
RATIOS = {"original": None, "16x9": (16, 9), "4x3": (4, 3), "1x1": (1, 1)}
# Pillow's name, the file suffix and the encoder options of each format we make.
FORMATS = {
    "webp": ("WEBP", "webp", {"quality": 80, "method": 4}),
    "jpeg": ("JPEG", "jpg", {"quality": 80, "optimize": True, "progressive": True}),
}
# The crops Google's Article guidance asks for in structured data.
STRUCTURED_DATA_RATIOS = ("16x9", "4x3", "1x1")
OPEN_GRAPH_WIDTH = 1200
# What a missing, damaged or oversized source, or a failing storage, raises.
FILE_ERRORS = (OSError, ValueError, SyntaxError, Image.DecompressionBombError)
_SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class Rendition:
    """One image file as a page links it: URL (relative to the site unless storage says so)."""

    url: str
    width: int
    height: int


# Reading: pure, for templates and structured data.


def available(photo, ratio):
    """The renditions of `photo` in `ratio`, narrowest first; [] when none match its image."""
    manifest = photo.renditions or {}
    if manifest.get("key") != source_key(photo):
        return []
    return manifest.get("ratios", {}).get(ratio, [])


def photo_rendition(photo, ratio, *, width=None, image_format="jpeg"):
    """
    The rendition of `photo` in `ratio` nearest `width` from above (the narrowest at least that
    wide, else the widest), or the widest when `width` is None; None when none is made.
    """
    entries = available(photo, ratio)
    if not entries:
        return None
    wide_enough = [entry for entry in entries if width is not None and entry["width"] >= width]
    entry = wide_enough[0] if wide_enough else entries[-1]
    return Rendition(default_storage.url(entry[image_format]), entry["width"], entry["height"])


def photo_structured_data_images(photo):
    """The widest JPEG of each crop Google asks for (16:9, 4:3, 1:1) that is made; [] if none."""
    images = [photo_rendition(photo, ratio) for ratio in STRUCTURED_DATA_RATIOS]
    return [image for image in images if image]


def photo_open_graph_image(photo):
    """A 16:9 JPEG about 1200 pixels wide for og:image; None until it is made."""
    return photo_rendition(photo, "16x9", width=OPEN_GRAPH_WIDTH)


def picture(photo, ratio):
    """
    What picture.html writes: WebP and JPEG srcsets, a middle JPEG and the size; None until
    renditions of `ratio` are made, and the page shows no image.
    """
    entries = available(photo, ratio)
    if not entries:
        return None
    widest, middle = entries[-1], entries[len(entries) // 2]
    srcsets = {
        f"{image_format}_srcset": ", ".join(
            f"{default_storage.url(entry[image_format])} {entry['width']}w" for entry in entries
        )
        for image_format in FORMATS
    }
    # The widest size: the stylesheet scales it down to the column, never beyond the file.
    size = {"width": widest["width"], "height": widest["height"]}
    return {"src": default_storage.url(middle["jpeg"]), **size, **srcsets}


def complete(photo):
    """
    True when every rendition of `photo`'s current image and focal point is made; False while
    none is, or when making them stopped on an error part of the way.
    """
    manifest = photo.renditions or {}
    return bool(available(photo, "original")) and not manifest.get("incomplete")


# Geometry: pure.


def focal_point(photo):
    """The subject's position as fractions (x, y) of the picture; its centre when not set."""
    x, y = photo.focal_point_x, photo.focal_point_y
    return (0.5 if x is None else x, 0.5 if y is None else y)


def source_key(photo):
    """What renditions are made from: the image's content and the focal point."""
    return f"{photo.content_hash[:16]}-{_focal_key(photo)}"


def _focal_key(photo):
    x, y = focal_point(photo)
    return f"f{round(x * 1000)}x{round(y * 1000)}"


def crop_box(size, ratio, focal=(0.5, 0.5)):
    """The largest box of `ratio` inside `size`, centred on `focal` as far as the edges allow."""
    width, height = size
    if RATIOS[ratio] is None:
        return (0, 0, width, height)
    ratio_width, ratio_height = RATIOS[ratio]
    if width * ratio_height > height * ratio_width:
        box_width, box_height = max(1, round(height * ratio_width / ratio_height)), height
    else:
        box_width, box_height = width, max(1, round(width * ratio_height / ratio_width))
    left = _clamp(round(focal[0] * width - box_width / 2), 0, width - box_width)
    top = _clamp(round(focal[1] * height - box_height / 2), 0, height - box_height)
    return (left, top, left + box_width, top + box_height)


def rendition_sizes(crop_size, widths):
    """(width, height) of each rendition of a crop, narrowest first, none wider than the crop."""
    crop_width, crop_height = crop_size
    capped = sorted({min(width, crop_width) for width in widths})
    return [(width, max(1, round(width * crop_height / crop_width))) for width in capped]


def rendition_widths():
    """The widths renditions are made in, from settings."""
    return sorted(settings.NEWSROOM_RENDITION_WIDTHS)


def _clamp(value, low, high):
    return max(low, min(value, high))


# Making files.


def make_missing(photo):
    """
    Make and store the renditions of `photo` not yet in storage. Returns (manifest, files
    written). A missing or unreadable image, or a failing storage, is logged, and the manifest
    lists only what exists, marked incomplete when that is not everything (see `complete`).
    """
    if not photo.image or not photo.content_hash:
        return {}, 0
    ratios, written, incomplete = {}, 0, False
    try:
        with (
            warnings.catch_warnings(),
            photo.image.storage.open(photo.image.name, "rb") as file,
            Image.open(file) as image,
        ):
            # The photo was accepted within our own pixel limit; Pillow's warning is noise.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            plan = _plan(photo, _oriented_size(image))
            prepared = None
            for ratio, entry, box in plan:
                missing = [f for f in FORMATS if not default_storage.exists(entry[f])]
                if missing:
                    prepared = prepared or _prepare(image, plan)
                    written += _write(prepared, entry, box, missing)
                ratios.setdefault(ratio, []).append(entry)
    except FILE_ERRORS as error:
        logger.warning("No renditions of photo %s (%s): %s", photo.pk, photo.image.name, error)
        incomplete = True
    if not ratios:
        return {}, written
    manifest = {"key": source_key(photo), "ratios": ratios}
    if incomplete:
        # Only then: the complete manifests stored before this mark existed stay equal.
        manifest["incomplete"] = True
    return manifest, written


def _plan(photo, size):
    """(ratio, manifest entry, crop box) of every rendition, in the order they are listed."""
    digest, focal = photo.content_hash, focal_point(photo)
    plan = []
    for ratio in RATIOS:
        box = crop_box(size, ratio, focal)
        # The whole picture does not depend on the focal point: its files outlive a change of it.
        crop = ratio if RATIOS[ratio] is None else f"{_focal_key(photo)}-{ratio}"
        crop_size = (box[2] - box[0], box[3] - box[1])
        for width, height in rendition_sizes(crop_size, rendition_widths()):
            stem = f"renditions/{digest[:2]}/{digest[:16]}-{crop}-{width}"
            names = {name: f"{stem}.{suffix}" for name, (_, suffix, _) in FORMATS.items()}
            plan.append((ratio, {"width": width, "height": height, **names}, box))
    return plan


def _oriented_size(image):
    orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    return image.size[::-1] if orientation in (5, 6, 7, 8) else image.size


def _prepare(image, plan):
    """
    (picture, its full size): upright, 8-bit RGB, decoded only as large as the plan needs, so
    possibly smaller than the full size the crop boxes are measured in.
    """
    full_size = _oriented_size(image)
    scale = max(entry["width"] / (box[2] - box[0]) for _, entry, box in plan)
    # A JPEG decodes at 1/2, 1/4 or 1/8 of its size much faster than it decodes whole.
    image.draft(image.mode, (math.ceil(image.width * scale), math.ceil(image.height * scale)))
    ImageOps.exif_transpose(image, in_place=True)
    picture = _to_rgb(image)
    picture.info = {}  # No EXIF, GPS, XMP or profile reaches a rendition.
    return picture, full_size


def _to_rgb(image):
    """The picture as 8-bit sRGB: alpha flattened onto white, 16-bit scaled, profiles applied."""
    profile = image.info.get("icc_profile")
    if image.mode.startswith("I"):
        # Pillow clips 16-bit values to 255 on conversion; scale them down instead.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, "white")
        image.paste(rgba, mask=rgba.getchannel("A"))
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            image = ImageCms.profileToProfile(image, source, _SRGB, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # A broken or mismatched profile: the plain conversion below is close enough.
    return image.convert("RGB")


def _write(prepared, entry, box, image_formats):
    """Store `entry`'s files in `image_formats`, cut from the prepared picture; returns how many."""
    picture, full_size = prepared
    x_scale, y_scale = (part / full for part, full in zip(picture.size, full_size, strict=True))
    scaled = (box[0] * x_scale, box[1] * y_scale, box[2] * x_scale, box[3] * y_scale)
    size = (entry["width"], entry["height"])
    resized = picture.resize(size, Image.Resampling.LANCZOS, box=scaled, reducing_gap=3.0)
    for image_format in image_formats:
        pillow_format, _, options = FORMATS[image_format]
        buffer = io.BytesIO()
        resized.save(buffer, pillow_format, **options)
        entry[image_format] = default_storage.save(
            entry[image_format], ContentFile(buffer.getvalue())
        )
    return len(image_formats)

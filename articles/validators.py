"""Validation of uploaded and imported photo files: by their content, never their name."""

import warnings
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from PIL import Image, UnidentifiedImageError
from taggit.models import Tag

from articles import photo_files

# The photo formats we accept, as Pillow names them, with the file suffix each is stored under.
# MPO is the JPEG many phones write, with a second frame after the first: its first frame is
# stored, as a plain JPEG (articles.photo_files).
ACCEPTED_FORMATS = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "WEBP": ".webp"}


# What taggit's Tag.name holds.
TAG_NAME_LENGTH = Tag._meta.get_field("name").max_length


def validate_tag_name(name):
    """
    A tag fits its column (TAG_NAME_LENGTH characters) and has a letter or a digit: its page's
    address is made from them.
    """
    if len(name) > TAG_NAME_LENGTH:
        raise ValidationError(
            "“%(name)s” is too long for a tag: at most %(length)d characters.",
            code="tag_too_long",
            params={"name": name, "length": TAG_NAME_LENGTH},
        )
    if not _has_address(name):
        raise ValidationError(
            "“%(name)s” is not a usable tag: it needs at least one letter or digit.",
            code="invalid_tag",
            params={"name": name},
        )


@lru_cache(maxsize=4096)
def _has_address(name):
    # Cached: an archive names the same few thousand tags again and again.
    return bool(slugify(name, allow_unicode=True))


def validate_photo_file(file):
    """
    Accept a JPEG (a phone's MPO too), PNG or WebP image within the configured byte and pixel
    limits that decodes completely and can be stored without its location; raise
    ValidationError with a message an editor can act on otherwise.
    """
    if getattr(file, "_committed", False):
        # The file already stored (a form saved without a new upload): it was checked when it
        # came in, and Django has closed it after reading its dimensions.
        return
    max_bytes = settings.NEWSROOM_PHOTO_MAX_BYTES
    if file.size is not None and file.size > max_bytes:
        raise ValidationError(
            "The file is %(size)s; the limit is %(limit)s.",
            code="file_too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(max_bytes)},
        )
    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        _check_image(file)
        _check_storable(file)
    finally:
        if position is not None:
            file.seek(position)


def _check_image(file):
    max_pixels = settings.NEWSROOM_PHOTO_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            # Pillow warns before it refuses; the limit below is ours, so its warning is noise.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                if image.format not in ACCEPTED_FORMATS:
                    raise ValidationError(
                        "This is a %(format)s image; upload a JPEG, PNG or WebP file.",
                        code="unsupported_format",
                        params={"format": image.format or "unknown"},
                    )
                width, height = image.size
                if width * height > max_pixels:
                    raise ValidationError(
                        "The image is %(width)s × %(height)s pixels, more than the limit of "
                        "%(limit)s million pixels.",
                        code="too_many_pixels",
                        params={
                            "width": width,
                            "height": height,
                            "limit": f"{max_pixels / 1_000_000:g}",
                        },
                    )
                # Decode the whole file: a damaged one fails here, not on a reader's page. A JPEG
                # is decoded at an eighth of its size, which reads every byte just the same.
                image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
                image.load()
    except Image.DecompressionBombError as error:
        raise ValidationError(
            "The image has more pixels than the limit of %(limit)s million pixels.",
            code="too_many_pixels",
            params={"limit": f"{max_pixels / 1_000_000:g}"},
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            "The file is not a readable image, or it is damaged or incomplete.",
            code="invalid_image",
        ) from error


def _check_storable(file):
    """A file is stored without its location (articles.photo_files): one it cannot walk is not."""
    try:
        photo_files.read_stored(file)
    except photo_files.DamagedFile as error:
        raise ValidationError(
            "The file is not a readable image, or it is damaged or incomplete.",
            code="invalid_image",
        ) from error

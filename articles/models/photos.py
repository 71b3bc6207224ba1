"""Photos: image assets together with what belongs to the picture, its description and rights."""

import hashlib
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from articles import photo_files
from articles.models.contributors import Agency
from articles.models.fields import CleanTextModel, PhotoImageField, URLField, longest
from articles.models.loading import RecordedModel
from articles.validators import ACCEPTED_FORMATS, validate_photo_file


def photo_upload_to(instance, filename):
    """
    Store uploads under a random name with the suffix of their real format: the editor's
    file name never reaches the file system, and a PNG named .jpg is stored as .png.
    """
    upload = instance.image
    # Only a fresh upload is read here; a stored file being replaced is not the new content.
    fresh = upload and not getattr(upload, "_committed", True)
    suffix = (image_suffix(upload) if fresh else "") or PurePath(filename).suffix.lower()[:6]
    return f"photos/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


def image_suffix(file):
    """The file suffix for an image's format, read from its content; "" when unknown."""
    try:
        position = file.tell()
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format
        file.seek(position)
    except (OSError, ValueError, UnidentifiedImageError):
        return ""
    return ACCEPTED_FORMATS.get(image_format, "")


class Photo(CleanTextModel, RecordedModel):
    """An image asset together with what belongs to the picture: description and rights."""

    image = PhotoImageField(
        "image",
        upload_to=photo_upload_to,
        width_field="width",
        height_field="height",
        validators=[validate_photo_file],
        help_text="JPEG, PNG or WebP.",
    )
    width = models.PositiveIntegerField("width", editable=False, default=0)
    height = models.PositiveIntegerField("height", editable=False, default=0)
    alt_text = models.CharField(
        "alt text",
        max_length=300,
        help_text="What the picture shows, for readers who cannot see it. "
        "Example: NATO Secretary General Mark Rutte at a lectern in Kyiv.",
    )
    caption = models.TextField(
        "default caption",
        blank=True,
        validators=longest(5_000),
        help_text="Shown under the photo unless an article gives its own caption.",
    )
    creator = models.CharField(
        "photographer", max_length=200, blank=True, help_text="Example: Evgeniy Maloletka."
    )
    credit_line = models.CharField(
        "credit line",
        max_length=300,
        blank=True,
        help_text="Printed under the photo exactly as the supplier requires. "
        "Example: Copyright Evgeniy Maloletka/Copyright 2024 The AP. All rights reserved",
    )
    copyright_notice = models.CharField(
        "copyright notice",
        max_length=300,
        blank=True,
        help_text="Example: Copyright 2024 The AP. All rights reserved",
    )
    license_url = URLField(
        "licence",
        blank=True,
        help_text="The address of the licence the photo is published under (its web statement "
        "of rights). Search engines show it with the image.",
    )
    acquire_license_url = URLField(
        "where to license it",
        blank=True,
        help_text="A page where others can license this photo.",
    )
    source = models.ForeignKey(
        Agency,
        verbose_name="source agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="photos",
    )
    taken_at = models.DateTimeField("date taken", null=True, blank=True)
    external_id = models.CharField(
        "external ID",
        max_length=120,
        blank=True,
        help_text="The supplier's or importer's stable identifier for this photo.",
    )
    content_hash = models.CharField(
        "content hash", max_length=64, editable=False, db_index=True, default=""
    )
    focal_point_x = models.FloatField(
        "focal point (x)",
        null=True,
        blank=True,
        help_text="Horizontal position of the subject, 0 (left) to 1 (right). Crops keep it.",
    )
    focal_point_y = models.FloatField(
        "focal point (y)",
        null=True,
        blank=True,
        help_text="Vertical position of the subject, 0 (top) to 1 (bottom).",
    )
    # The manifest of stored renditions (articles.renditions): pages read it from the row they
    # already have, so a responsive image costs no query and no file check.
    renditions = models.JSONField("renditions", editable=False, default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="uploaded by",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "photo"
        verbose_name_plural = "photos"
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="photo_external_id_unique",
            ),
            models.CheckConstraint(
                condition=(
                    Q(focal_point_x__isnull=True) | Q(focal_point_x__gte=0, focal_point_x__lte=1)
                )
                & (Q(focal_point_y__isnull=True) | Q(focal_point_y__gte=0, focal_point_y__lte=1)),
                name="photo_focal_point_in_image",
            ),
        ]

    def __str__(self):
        return self.label_for(self.caption, self.alt_text)

    def save(self, *args, **kwargs):
        if self.image and (not self.content_hash or not self.image._committed):
            self.content_hash = file_sha256(self.image)
        super().save(*args, **kwargs)

    @staticmethod
    def label_for(caption, alt_text):
        """How a photo is named in lists: its caption, else its alt text, shortened."""
        return (caption or "")[:80] or (alt_text or "")[:80]

    @property
    def credit(self):
        """The credit printed under the photo: the credit line, else photographer and rights."""
        if self.credit_line:
            return self.credit_line
        return " / ".join(part for part in (self.creator, self.copyright_notice) if part)


def file_sha256(file):
    """
    A photo's content hash: the SHA-256 hex digest of the bytes the library stores for the file
    (photo_files.read_stored, its location removed), so an upload, an imported file and the
    copy stored from either hash alike. A file too damaged to store is hashed as it is.
    """
    try:
        content = photo_files.read_stored(file)
    except photo_files.DamagedFile:
        file.seek(0)
        content = b"".join(file.chunks())
        file.seek(0)
    return hashlib.sha256(content).hexdigest()

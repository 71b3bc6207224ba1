"""
The write side of the newsroom. Every function is keyword-only, validates with `full_clean()`
before saving, runs in one transaction, and raises `ValidationError` for anything an editor
can fix; nothing is written when it raises.
"""

import logging
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import models, transaction
from django.utils import timezone

from articles import caching, renditions
from articles.models import Article, Correction, Photo, RelatedLink
from articles.models.photos import image_suffix


@transaction.atomic
def article_publish(*, article: Article, publish_at: datetime | None = None) -> Article:
    """
    Publish `article` at `publish_at` (default: its own publish time if it has one, else now).
    A future time schedules it. Raises ValidationError when it is not fit to publish.
    """
    article.status = Article.Status.PUBLISHED
    article.publish_at = publish_at or article.publish_at or timezone.now()
    article.full_clean()
    article.save()
    return article


@transaction.atomic
def article_unpublish(*, article: Article) -> Article:
    """Take `article` off the public site; its publication history is kept."""
    article.status = Article.Status.UNPUBLISHED
    article.full_clean()
    article.save()
    return article


@transaction.atomic
def article_slug_changed(*, article: Article, old_slug: str) -> Redirect | None:
    """
    Keep the old address of a renamed, published article working with a permanent redirect.
    An article readers cannot see gets none: its old address must not reveal the new one.
    """
    if not old_slug or old_slug == article.slug or not article.is_published:
        return None
    old_path = Article(slug=old_slug).get_absolute_url()
    new_path = article.get_absolute_url()
    site = Site.objects.get_current()
    # A chain A -> B -> C becomes A -> C and B -> C; a redirect back to the new address goes.
    Redirect.objects.filter(site=site, new_path=old_path).update(new_path=new_path)
    Redirect.objects.filter(site=site, old_path=new_path).delete()
    redirect, _ = Redirect.objects.update_or_create(
        site=site, old_path=old_path, defaults={"new_path": new_path}
    )
    return redirect


def article_row_clean(*, row: models.Model) -> None:
    """
    Validate one byline or related link on its own (its relations were checked where they
    were chosen: a form, the importer). Raises ValidationError.
    """
    relations = [field.name for field in type(row)._meta.fields if field.is_relation]
    row.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)


def article_rows_check(
    *, article: Article, model: type[models.Model], rows: Sequence[models.Model]
) -> None:
    """
    Raise ValidationError when `rows`, one article's bylines or related links in order, break
    a rule of the set: a name given twice where it may appear once (an author in a byline),
    or a link from the article to itself. The error's params["row"] is the row's index.
    """
    for fields, message in _once_per_article(model):
        # Compared as objects, not ids: in an import they may not be saved yet.
        seen = []
        for index, row in enumerate(rows):
            key = [getattr(row, name) for name in fields]
            if None in key:
                continue
            if key in seen:
                raise ValidationError(f"{message} ({row})", code="repeated", params={"row": index})
            seen.append(key)
    if model is RelatedLink:
        for index, row in enumerate(rows):
            if row.target is not None and row.target == article:
                raise ValidationError(
                    "An article cannot link to itself.", code="self_link", params={"row": index}
                )


@transaction.atomic
def article_rows_replace(
    *, article: Article, model: type[models.Model], rows: Iterable[models.Model]
) -> list[models.Model]:
    """
    Make `rows` the article's bylines or related links, in that order (positions 0, 1, 2 …),
    replacing those it had. Raises ValidationError when a row or the set is invalid; nothing
    is written then. Rows are written anew, so swapping two of them never meets a uniqueness
    rule halfway.
    """
    rows = list(rows)
    for position, row in enumerate(rows):
        row.article, row.position = article, position
        article_row_clean(row=row)
    article_rows_check(article=article, model=model, rows=rows)
    model.objects.filter(article=article).delete()
    for row in rows:
        row.pk = None
        row._state.adding = True
    created = model.objects.bulk_create(rows)
    # bulk_create sends no post_save: say so to the page cache ourselves.
    caching.content_changed()
    return created


def photo_renditions_make(*, photo: Photo) -> int:
    """
    Make and store the renditions `photo` lacks for its current image and focal point, and
    record them in its manifest with one UPDATE (none when it is unchanged). Returns the number
    of files written. Never raises for a missing or unreadable image or a failing storage: that
    is logged, and the manifest lists only what exists, so pages show the original instead.
    Files are written at once, outside any transaction: call it after the photo is committed.
    """
    manifest, written = renditions.make_missing(photo)
    if manifest != photo.renditions:
        Photo.objects.filter(pk=photo.pk).update(renditions=manifest)
        photo.renditions = manifest
        # update() sends no post_save: pages showing the original can now show renditions.
        caching.content_changed()
    return written


logger = logging.getLogger(__name__)
# Where an image upload waits while the editor corrects the rest of its form, and how long.
HELD_UPLOADS = "photos/held"
HELD_UPLOAD_MAX_AGE = timedelta(days=1)
_HELD_UPLOAD_SALT = "articles.services.photo_upload_hold"


def photo_upload_hold(*, upload: UploadedFile) -> str:
    """
    Keep a valid image upload whose form failed for another reason, so the editor need not
    choose the file again: store it aside and return a signed token for photo_upload_take().
    Held files older than HELD_UPLOAD_MAX_AGE are deleted on the way. Raises OSError when the
    storage fails. Writes no row.
    """
    _held_uploads_expire()
    upload.seek(0)
    name = default_storage.save(
        f"{HELD_UPLOADS}/{uuid.uuid4().hex}{image_suffix(upload)}", File(upload)
    )
    return signing.dumps({"name": name, "filename": upload.name}, salt=_HELD_UPLOAD_SALT)


def photo_upload_take(*, token: str) -> UploadedFile | None:
    """
    The upload `token` holds, read back from storage; None when the token is forged or older
    than HELD_UPLOAD_MAX_AGE, or its file is gone. The file stays held until released.
    """
    name, filename = _held_upload(token)
    if not name:
        return None
    try:
        with default_storage.open(name, "rb") as file:
            return SimpleUploadedFile(filename, file.read())
    except OSError:
        return None


def photo_upload_release(*, token: str) -> None:
    """Delete the file `token` holds, once the photo made from it is saved. Never raises."""
    name, _ = _held_upload(token)
    if name:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Could not delete the held upload %s", name, exc_info=True)


def _held_upload(token):
    """(storage name, the editor's file name) of a held upload; ("", "") for a bad token."""
    try:
        held = signing.loads(
            token, salt=_HELD_UPLOAD_SALT, max_age=HELD_UPLOAD_MAX_AGE.total_seconds()
        )
        name, filename = held["name"], held["filename"]
    except (signing.BadSignature, KeyError, TypeError):
        return "", ""
    # Signed by us, so always true; checked again because the name reaches the storage.
    if not name.startswith(f"{HELD_UPLOADS}/") or ".." in name:
        return "", ""
    return name, filename


def _held_uploads_expire():
    """Delete held uploads their tokens no longer open: the editor gave up on them."""
    cutoff = timezone.now() - HELD_UPLOAD_MAX_AGE
    try:
        _, names = default_storage.listdir(HELD_UPLOADS)
    except OSError:
        return  # No folder yet.
    for name in names:
        path = f"{HELD_UPLOADS}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except OSError:
            pass  # Gone already, or deleted by a concurrent request.


def _once_per_article(model):
    """(fields, message) of each rule that a value appears once among an article's rows."""
    for constraint in model._meta.constraints:
        if (
            isinstance(constraint, models.UniqueConstraint)
            and "article" in constraint.fields
            and "position" not in constraint.fields
        ):
            fields = [name for name in constraint.fields if name != "article"]
            yield fields, constraint.violation_error_message


@transaction.atomic
def article_correction_add(*, article: Article, text: str, user=None) -> Correction:
    """
    Append a correction to `article`, timed now, and show readers the article as updated
    then: a correction always matters to them. Raises ValidationError for an empty text.
    """
    correction = Correction(article=article, text=text.strip(), created_by=user)
    correction.full_clean()
    correction.save()
    article_mark_updated(article=article, at=correction.published_at)
    return correction


@transaction.atomic
def article_mark_updated(*, article: Article, at: datetime | None = None) -> Article:
    """
    Record a substantive change: readers see "Updated" with this time (default now). Nothing
    changes for an article that has not been published yet, whose publication time comes later.
    """
    at = at or timezone.now()
    if article.first_published_at is None or at <= article.first_published_at:
        return article
    article.last_updated_at = at
    article.save(update_fields=["last_updated_at", "modified_at"])
    return article

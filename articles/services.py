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
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import Truncator

from articles import caching, permissions, renditions, revisions
from articles.models import (
    Agency,
    Article,
    ArticleRevision,
    Author,
    Byline,
    Correction,
    Photo,
    RelatedLink,
    Section,
)
from articles.models.photos import image_suffix


@transaction.atomic
def article_publish(*, article: Article, publish_at: datetime | None = None, user=None) -> Article:
    """
    Publish `article` at `publish_at` (default: its own publish time if it has one, else now).
    A future time schedules it. Raises PermissionDenied when `user` may not publish (None is
    the system), ValidationError when the article is not fit to publish.
    """
    if not permissions.can_publish(user):
        raise PermissionDenied(permissions.REFUSED_PUBLISHING)
    article.status = Article.Status.PUBLISHED
    article.publish_at = publish_at or article.publish_at or timezone.now()
    article.full_clean()
    article.save()
    return article


@transaction.atomic
def article_unpublish(*, article: Article, user=None) -> Article:
    """
    Take `article` off the public site; its publication history is kept. Raises
    PermissionDenied when `user` may not unpublish (None is the system).
    """
    if not permissions.can_publish(user):
        raise PermissionDenied("You may not unpublish articles.")
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


@transaction.atomic
def article_revision_save(*, article: Article, user=None, note: str = "") -> ArticleRevision:
    """
    Record `article` as it now is, with its rows and tags, as a new revision by `user`,
    summarising what changed since the previous one (`note` goes first). Every save keeps one,
    even with no change, so the history always names who saved last.
    """
    data = revisions.snapshot(article)
    previous = article.revisions.only("data").first()
    summary = revisions.summary(previous.data if previous else None, data)
    if note:
        summary = f"{note}: {summary[0].lower()}{summary[1:]}"
    revision = ArticleRevision(
        article=article, created_by=user, data=data, summary=Truncator(summary).chars(300)
    )
    revision.full_clean()
    revision.save()
    return revision


@transaction.atomic
def article_revision_restore(*, revision: ArticleRevision, user=None) -> Article:
    """
    Bring the article's content back to `revision` (fields, section, tags, lead photo and
    caption, bylines, "Read more" links) and record that as a new revision by `user`. Its
    workflow state (status, publish time, first published, last updated) stays as it is now.
    Raises ValidationError listing every section, photo, author, agency or linked article the
    revision names that no longer exists, or a rule the old content now breaks (a slug taken
    since); nothing is written then.
    """
    article = Article.objects.select_for_update().get(pk=revision.article_id)
    data, errors = revision.data, []

    def found(model, rows, key):
        ids = {row[key]["id"] for row in rows if key in row}
        return model.objects.in_bulk(ids) if ids else {}

    section = Section.objects.filter(pk=data["section"]["id"]).first()
    if section is None:
        errors.append(f"The section “{data['section']['name']}” no longer exists.")
    photo = None
    if data["lead_photo"]:
        photo = Photo.objects.filter(pk=data["lead_photo"]["id"]).first()
        if photo is None:
            errors.append(f"The lead photo “{data['lead_photo']['label']}” no longer exists.")
    authors = found(Author, data["bylines"], "author")
    agencies = found(Agency, data["bylines"], "agency")
    bylines = []
    for row in data["bylines"]:
        kind, model_objects = ("author", authors) if "author" in row else ("agency", agencies)
        named = model_objects.get(row[kind]["id"])
        if named is None:
            errors.append(f"The {kind} “{row[kind]['name']}” in the byline no longer exists.")
        bylines.append(Byline(**{kind: named}, role=row["role"]))
    targets = found(Article, data["related_links"], "target")
    links = []
    for row in data["related_links"]:
        if "target" in row:
            target = targets.get(row["target"]["id"])
            if target is None:
                errors.append(f"The linked article “{row['target']['headline']}” no longer exists.")
            links.append(RelatedLink(target=target, title=row["title"]))
        else:
            links.append(RelatedLink(url=row["url"], title=row["title"]))
    if errors:
        raise ValidationError(errors)

    old_slug = article.slug
    for name in revisions.CONTENT_FIELDS:
        setattr(article, name, data[name])
    article.section, article.lead_photo = section, photo
    article.full_clean()
    article.save()
    article.tags.set(data["tags"])
    article_rows_replace(article=article, model=Byline, rows=bylines)
    article_rows_replace(article=article, model=RelatedLink, rows=links)
    article_slug_changed(article=article, old_slug=old_slug)
    note = f"Restored the version of {revisions.local_time(revision.created_at)}"
    article_revision_save(article=article, user=user, note=note)
    return article

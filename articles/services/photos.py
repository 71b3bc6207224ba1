"""
Photos in the library: saving and deleting them through the write path, catching the same
image uploaded twice, their renditions, and uploads held while an editor mends a form.
"""

import logging
import uuid
from collections.abc import Sequence
from datetime import timedelta

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.utils import timezone

from articles import permissions, photo_files, renditions
from articles.models import Photo, file_sha256, image_suffix
from articles.services import events

# The photo fields its renditions are made from.
RENDITION_INPUTS = frozenset({"image", "focal_point_x", "focal_point_y"})


def photo_duplicates(*, content_hashes: Sequence[str]) -> dict[str, Photo]:
    """The library's photos with these images, by content hash: one query."""
    hashes = [digest for digest in content_hashes if digest]
    if not hashes:
        return {}
    found = {}
    for photo in Photo.objects.filter(content_hash__in=hashes).order_by("pk"):
        found.setdefault(photo.content_hash, photo)
    return found


@transaction.atomic
def photo_save(*, photo: Photo, user=None, fields: Sequence[str] | None = None) -> Photo:
    """
    Save `photo`, new or changed (`fields`: the names changed, default all), and announce it:
    its renditions follow after the commit. A new image is stored without its location, and
    its content hash is that of the stored file (articles.photo_files). Raises PermissionDenied
    when `user` may not change it (None is the system), ValidationError (code "duplicate",
    params["photo"] the photo already there) when its image is already in the library as
    another photo, OSError when the storage fails.
    """
    is_new = photo.pk is None
    if not is_new and not permissions.can_edit_photo(user, photo):
        raise PermissionDenied("You may not change this photo.")
    fresh = bool(photo.image) and not photo.image._committed
    if fresh:
        photo.content_hash = file_sha256(photo.image)
    elif photo.image and not photo.content_hash:
        photo.image.open("rb")
        try:
            photo.content_hash = file_sha256(photo.image)
        finally:
            photo.image.close()
    if photo.content_hash and (is_new or fresh or "image" in (fields or ())):
        existing = photo_duplicates(content_hashes=[photo.content_hash]).get(photo.content_hash)
        if existing is not None and existing.pk != photo.pk:
            duplicate = ValidationError(
                "This image is already in the library as photo %(pk)s “%(label)s”. "
                "Use that photo instead of uploading it again.",
                code="duplicate",
                params={"photo": existing, "pk": existing.pk, "label": str(existing)},
            )
            raise ValidationError({"image": duplicate})
    if is_new and photo.uploaded_by_id is None and user is not None:
        photo.uploaded_by = user
    photo.save()
    action = events.Action.UPLOAD if is_new else events.Action.CHANGE
    events.record(instance=photo, action=action, user=user, fields=fields or ())
    return photo


@transaction.atomic
def photo_delete(*, photo: Photo, user=None) -> None:
    """
    Delete `photo` from the library. Raises PermissionDenied when `user` may not, and
    ProtectedError while an article leads with it.
    """
    if not permissions.can_edit_photo(user, photo):
        raise PermissionDenied("You may not delete this photo.")
    label = str(photo)
    pk = photo.pk
    photo.delete()
    photo.pk = pk
    events.record(instance=photo, action=events.Action.DELETE, user=user, note=label)


def photo_renditions_make(*, photo: Photo) -> int:
    """
    Make and store the renditions `photo` lacks for its current image and focal point, and
    record them in its manifest with one UPDATE (none when it is unchanged). Returns the number
    of files written. Never raises for a missing or unreadable image or a failing storage: that
    is logged, and the manifest lists only what exists; pages show no image until it is whole.
    Files are written at once, outside any transaction: call it after the photo is committed.
    """
    manifest, written = renditions.make_missing(photo)
    if manifest != photo.renditions:
        Photo.objects.filter(pk=photo.pk).update(renditions=manifest)
        photo.renditions = manifest
        # Pages that showed no image can now show the renditions.
        events.record(instance=photo, action=events.Action.DERIVE, fields=["renditions"])
    return written


logger = logging.getLogger(__name__)
# Where an image upload waits while the editor corrects the rest of its form, and how long.
HELD_UPLOADS = "photos/held"
HELD_UPLOAD_MAX_AGE = timedelta(days=1)
_HELD_UPLOAD_SALT = "articles.services.photo_upload_hold"


def photo_upload_hold(*, upload: UploadedFile) -> str:
    """
    Keep a valid image upload whose form failed for another reason, so the editor need not
    choose the file again: store it aside, without its location as a photo's file is, and
    return a signed token for photo_upload_take().
    Held files older than HELD_UPLOAD_MAX_AGE are deleted on the way. Raises OSError when the
    storage fails. Writes no row.
    """
    _held_uploads_expire()
    # Held under MEDIA_ROOT, which may be served: the camera's coordinates stay out of it too.
    content = ContentFile(photo_files.read_stored(upload))
    name = default_storage.save(f"{HELD_UPLOADS}/{uuid.uuid4().hex}{image_suffix(upload)}", content)
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

"""
What follows every committed change, whatever door it came through: the article's revision,
the audit entry, stale pages and the photo renditions. `connect()` subscribes them to the
write path's announcements (services.events), once, when the app is ready.
"""

import logging
from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType

from articles import caching, tasks
from articles.models import Article, Photo
from articles.services import events
from articles.services.live import live_revisions_for_changes
from articles.services.photos import RENDITION_INPUTS
from articles.services.revisions import revisions_for_changes
from newsroom.audit.models import AuditEntry
from newsroom.audit.services import audit_record_rows

logger = logging.getLogger(__name__)


def audit_for_changes(changes: Sequence[events.Change]) -> None:
    """One audit entry for each editorial change: who, when, what, through which door."""
    # Ids, not objects: an import makes ten thousand entries, and setting a relation to an
    # object checks it each time.
    entries = [
        AuditEntry(
            action=change.action,
            door=change.door,
            user_id=change.user.pk if change.user else None,
            username=change.user.get_username() if change.user else "",
            content_type_id=ContentType.objects.get_for_model(change.model).pk,
            object_id=str(change.pk),
            object_repr=change.label,
            fields=list(change.fields),
            summary=change.note,
            ip_address=change.ip_address,
        )
        for change in changes
        if change.action != events.Action.DERIVE
    ]
    if entries:
        audit_record_rows(entries=entries)


def pages_for_changes(changes: Sequence[events.Change]) -> None:
    """Pages showing what changed are stale now: in the page cache, then in front caches."""
    keys = caching.keys_for_changes(
        (change.model._meta.label_lower, change.pk, change.action, change.fields)
        for change in changes
    )
    try:
        caching.keys_stale(keys)
    except caching.CacheUnavailable as error:
        logger.warning("Page cache not told of %d stale key(s), trying later: %s", len(keys), error)
        tasks.pages_stale_enqueue(keys=keys, cache=True)
    else:
        tasks.pages_stale_enqueue(keys=keys)


def search_for_changes(changes: Sequence[events.Change]) -> None:
    """Articles changed, created or deleted are indexed anew for site search, in the background."""
    tasks.search_index_enqueue(
        article_ids=[change.pk for change in changes if change.model is Article]
    )


def renditions_for_changes(changes: Sequence[events.Change]) -> None:
    """A new image or focal point gets its renditions made in the background."""
    photo_ids = {
        change.pk
        for change in changes
        if change.model is Photo
        and change.action in (events.Action.UPLOAD, events.Action.CHANGE)
        and (change.action == events.Action.UPLOAD or RENDITION_INPUTS & set(change.fields))
    }
    if photo_ids:
        tasks.photo_renditions_enqueue(photo_ids=sorted(photo_ids))


def connect() -> None:
    """Subscribe everything that follows a change, in this order."""
    for subscriber in (
        revisions_for_changes,
        live_revisions_for_changes,
        audit_for_changes,
        pages_for_changes,
        search_for_changes,
        renditions_for_changes,
    ):
        events.subscribe(subscriber)

"""
Live blogs: posting, correcting and taking down updates, and ending the coverage. Every door
(the admin, an import, the shell) takes these. Each checks who may, validates, writes in one
transaction and records the change; after the commit each update gets its revision and audit
entry, and only the live blog's own page, feed and updates go stale (articles.caching.keys),
never the other pages showing its card.
"""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from articles import html, permissions
from articles.models import Article, LiveEntry, LiveEntryRevision
from articles.services import events
from articles.services.articles import article_save
from articles.services.rows import LIVE_ENTRY_FIELDS

# What an update's revision keeps, and what an import compares.
SNAPSHOT_FIELDS = list(LIVE_ENTRY_FIELDS)


@transaction.atomic
def live_entry_save(*, entry: LiveEntry, user=None, fields: Sequence[str] = ()) -> LiveEntry:
    """
    Post a new update to a live blog, or save a changed one (`fields`: the names changed).
    Raises PermissionDenied when `user` may not (None is the system), ValidationError when the
    update is not valid or its article is not a live blog, or (for a new one) its coverage
    has ended.
    """
    is_new = entry.pk is None
    action = "add" if is_new else "change"
    if not permissions.can_model(user, action, LiveEntry):
        raise PermissionDenied("You may not post live updates.")
    article = entry.article
    if article.article_type != Article.Type.LIVE:
        raise ValidationError({"article": "Updates go on live blogs: this story is not one."})
    if is_new and article.live_ended_at is not None:
        raise ValidationError({"article": "This live blog has ended: it takes no new updates."})
    if entry.author_id is not None and entry.agency_id is not None:
        raise ValidationError("Give an author or an agency, not both.")
    if is_new and user is not None:
        entry.created_by = user
    entry.full_clean(exclude=["article", "photo", "author", "agency", "created_by"])
    entry.save()
    events.record(
        instance=entry,
        action=events.Action.CREATE if is_new else events.Action.CHANGE,
        user=user,
        fields=fields,
    )
    return entry


@transaction.atomic
def live_entry_delete(*, entry: LiveEntry, user=None) -> None:
    """Take an update down. Raises PermissionDenied when `user` may not."""
    if not permissions.can_model(user, "delete", LiveEntry):
        raise PermissionDenied("You may not take live updates down.")
    pk, label, article = entry.pk, str(entry), entry.article
    entry.delete()
    entry.pk = pk
    events.record(instance=entry, action=events.Action.DELETE, user=user, note=label)
    # Announced on the live blog too: the update's own row, gone, no longer names its page.
    events.record(instance=article, action=events.Action.CHANGE, user=user, fields=["live_entries"])


@transaction.atomic
def live_end(*, article: Article, user=None) -> Article:
    """
    End a live blog's coverage now: readers are told it is over and their pages stop looking
    for updates. Raises as article_save() does.
    """
    if article.article_type != Article.Type.LIVE:
        raise ValidationError({"article_type": "Only a live blog has live coverage to end."})
    article.live_ended_at = timezone.now()
    return article_save(article=article, user=user)


@transaction.atomic
def live_entries_sync(*, items: Sequence[tuple[Article, Sequence[LiveEntry]]], user=None) -> None:
    """
    Make each live blog's updates the given ones (an import's), matched by their time: an
    update of the same time is changed where it differs, a new time is posted, and a stored
    update the list no longer has is taken down. A fixed number of queries however many
    blogs and updates. Raises ValidationError naming the update (`live_entries[N].field`), or
    PermissionDenied when `user` may not; nothing is written then.
    """
    items = [(article, list(entries)) for article, entries in items]
    if not items:
        return
    if not all(
        permissions.can_model(user, action, LiveEntry) for action in ("add", "change", "delete")
    ):
        raise PermissionDenied("You may not post, change or take down live updates.")
    stored = {}
    for entry in LiveEntry.objects.filter(article__in=[article for article, _ in items]):
        stored.setdefault(entry.article_id, {})[entry.published_at] = entry
    new, changed, gone = [], [], []
    for article, entries in items:
        if entries and article.article_type != Article.Type.LIVE:
            raise ValidationError({"live_entries": "Only a live blog has updates."})
        kept = stored.get(article.pk, {})
        for number, entry in enumerate(entries, start=1):
            entry.article = article
            _validate(entry, f"live_entries[{number}]")
            old = kept.pop(entry.published_at, None)
            if old is None:
                new.append(entry)
                continue
            entry.pk, entry.created_by_id, entry.created_at = (
                old.pk,
                old.created_by_id,
                old.created_at,
            )
            fields = [
                name for name in SNAPSHOT_FIELDS if getattr(entry, name) != getattr(old, name)
            ]
            if fields:
                entry.modified_at = timezone.now()
                changed.append((entry, fields))
        gone += kept.values()
    LiveEntry.objects.bulk_create(new)
    if changed:
        LiveEntry.objects.bulk_update(
            [entry for entry, _ in changed],
            [name.removesuffix("_id") for name in SNAPSHOT_FIELDS] + ["modified_at"],
        )
    LiveEntry.objects.filter(pk__in=[entry.pk for entry in gone]).delete()
    for entry in new:
        events.record(instance=entry, action=events.Action.CREATE, user=user)
    for entry, fields in changed:
        events.record(instance=entry, action=events.Action.CHANGE, user=user, fields=fields)
    for entry in gone:
        events.record(instance=entry, action=events.Action.DELETE, user=user, note=str(entry))
    for article in {entry.article_id: entry.article for entry in gone}.values():
        events.record(
            instance=article, action=events.Action.CHANGE, user=user, fields=["live_entries"]
        )


def _validate(entry, where):
    """The model's rules for one update, its errors named by its place in the list."""
    try:
        if entry.author_id is not None and entry.agency_id is not None:
            raise ValidationError("Give an author or an agency, not both.")
        entry.body = html.sanitize(entry.body, media=False)
        entry.full_clean(exclude=["article", "photo", "author", "agency", "created_by"])
    except ValidationError as error:
        raise ValidationError(
            {
                f"{where}.{name}" if name != "__all__" else where: messages
                for name, messages in error.message_dict.items()
            }
            if hasattr(error, "error_dict")
            else {where: error.messages}
        ) from None


def live_revisions_for_changes(changes: Sequence[events.Change]) -> None:
    """Each update posted or changed is kept as it now is: one query to read, one to write."""
    saved = {
        change.pk: change
        for change in changes
        if change.model is LiveEntry
        and change.action in (events.Action.CREATE, events.Action.CHANGE)
    }
    if not saved:
        return
    now = timezone.now()
    LiveEntryRevision.objects.bulk_create(
        LiveEntryRevision(
            entry_id=row["id"],
            created_at=now,
            created_by=saved[row["id"]].user,
            data={name: _plain(row[name]) for name in SNAPSHOT_FIELDS},
        )
        for row in LiveEntry.objects.filter(pk__in=saved).values("id", *SNAPSHOT_FIELDS)
    )


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value

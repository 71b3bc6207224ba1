"""
Revisions: every committed change of an article is kept as a snapshot, whatever the door, and
any revision can be brought back through the write path.
"""

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.text import Truncator

from articles import revisions
from articles.models import (
    Agency,
    Article,
    ArticleRevision,
    Author,
    Byline,
    Photo,
    RelatedLink,
    Section,
)
from articles.services import events
from articles.services.articles import ArticleInput, articles_save
from newsroom.db import insert_rows

# Articles snapshotted per query batch when many changed at once (an import).
BATCH_SIZE = 500
_SUMMARY_LENGTH = ArticleRevision._meta.get_field("summary").max_length


@transaction.atomic
def article_revision_save(*, article: Article, user=None, note: str = "") -> ArticleRevision:
    """
    Record `article` as it now is, with its rows and tags, as a new revision by `user`,
    summarising what changed since the previous one (`note` goes first). Returns it.
    """
    articles_revisions_save(entries=[(article.pk, user, note)])
    return article.revisions.select_related("created_by").first()


@transaction.atomic
def articles_revisions_save(*, entries: Iterable[tuple[int, object, str]]) -> int:
    """
    For each (article id, user, note), record the article as it now is as a new revision, in
    a fixed number of queries per BATCH_SIZE articles. An article deleted meanwhile is skipped.
    Returns the number of revisions made.
    """
    entries = list(entries)
    made = 0
    for start in range(0, len(entries), BATCH_SIZE):
        made += _save_batch(entries[start : start + BATCH_SIZE])
    return made


def _save_batch(entries):
    data_by_id = revisions.snapshots([pk for pk, _, _ in entries])
    latest = ArticleRevision.objects.filter(article=OuterRef("pk")).order_by("-created_at", "-pk")
    previous_ids = dict(
        Article.objects.filter(pk__in=data_by_id)
        .annotate(latest_revision=Subquery(latest.values("pk")[:1]))
        .filter(latest_revision__isnull=False)
        .values_list("pk", "latest_revision")
    )
    previous = (
        ArticleRevision.objects.only("data").in_bulk(previous_ids.values()) if previous_ids else {}
    )
    now = timezone.now()
    rows = []
    for pk, user, note in entries:
        data = data_by_id.get(pk)
        if data is None:
            continue
        before = previous.get(previous_ids.get(pk))
        summary = revisions.summary(before.data if before else None, data)
        if note:
            summary = f"{note}: {summary[0].lower()}{summary[1:]}"
        if len(summary) > _SUMMARY_LENGTH:
            summary = Truncator(summary).chars(_SUMMARY_LENGTH)
        rows.append((pk, now, user.pk if user else None, data, summary))
    # Revisions come by the thousand from an import: written as plain rows.
    return insert_rows(
        ArticleRevision, ["article_id", "created_at", "created_by_id", "data", "summary"], rows
    )


def revisions_for_changes(changes: Sequence[events.Change]) -> None:
    """Subscriber: one revision of each article a committed transaction changed."""
    latest = {}
    for change in changes:
        if change.model is Article and change.action != events.Action.DELETE:
            # Several changes of one article in one transaction make one revision.
            latest[change.pk] = (change.pk, change.user, change.note)
    if latest:
        articles_revisions_save(entries=latest.values())


@transaction.atomic
def article_revision_restore(*, revision: ArticleRevision, user=None) -> Article:
    """
    Bring the article's content back to `revision` (fields, section, tags, lead photo and
    caption, bylines, "Read more" links) through the write path, which keeps the new revision.
    Its workflow state (status, publish time, first published, last updated) stays as it is.
    Raises ValidationError listing every section, photo, author, agency or linked article the
    revision names that no longer exists, or a rule the old content now breaks (a slug taken
    since); PermissionDenied when `user` may not change the article. Nothing is written then.
    """
    article = Article.objects.get(pk=revision.article_id)
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

    for name in revisions.CONTENT_FIELDS:
        setattr(article, name, revisions.content_value(data, name))
    article.section, article.lead_photo = section, photo
    note = f"Restored the version of {revisions.local_time(revision.created_at)}"
    with events.door(events.Door.RESTORE, note=note):
        articles_save(
            items=[
                ArticleInput(
                    article=article,
                    bylines=bylines,
                    related_links=links,
                    tags=data["tags"],
                    action=events.Action.RESTORE,
                )
            ],
            user=user,
        )
    return article

"""The rules of an article's bylines and "Read more" links, one row and the whole set."""

from collections.abc import Sequence
from functools import cache

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from taggit.models import TaggedItem

from articles.models import Article, Byline, Correction, LiveEntry, RelatedLink

# What tells a live update from another, as an import compares them.
LIVE_ENTRY_FIELDS = (
    "published_at",
    "title",
    "body",
    "photo_id",
    "photo_caption",
    "author_id",
    "agency_id",
    "pinned",
    "key_event",
)


def article_row_clean(*, row: models.Model) -> None:
    """
    Validate one byline or related link on its own (its relations were checked where they
    were chosen: a form, the importer). Raises ValidationError.
    """
    row.full_clean(exclude=_relations(type(row)), validate_unique=False, validate_constraints=False)


@cache
def _relations(model):
    return [field.name for field in model._meta.fields if field.is_relation]


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
            # By id when saved, else as the same object: no query either way.
            if row.target_id is not None:
                to_itself = article.pk is not None and row.target_id == article.pk
            else:
                to_itself = row.target is not None and row.target is article
            if to_itself:
                raise ValidationError(
                    "An article cannot link to itself.", code="self_link", params={"row": index}
                )


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


def rows_as_stored(
    articles: Sequence[Article], *, corrections: bool = False, live_entries: bool = False
) -> dict[int, dict[str, list]]:
    """
    Each article's bylines, links and tags as stored, for comparison: three queries. With
    `corrections`, also its corrections as a set of (text, time); with `live_entries`, its
    live updates as a set of their fields' values (LIVE_ENTRY_FIELDS): a query each.
    """
    ids = [article.pk for article in articles if article.pk]
    stored = {
        pk: {
            "bylines": [],
            "related_links": [],
            "tags": set(),
            "corrections": set(),
            "live_entries": set(),
        }
        for pk in ids
    }
    if not ids:
        return stored
    if live_entries:
        rows = LiveEntry.objects.filter(article__in=ids).values_list("article", *LIVE_ENTRY_FIELDS)
        for article_id, *values in rows:
            stored[article_id]["live_entries"].add(tuple(values))
    if corrections:
        rows = Correction.objects.filter(article__in=ids)
        for article_id, wording, when in rows.values_list("article", "text", "published_at"):
            stored[article_id]["corrections"].add((wording, when))
    for row in Byline.objects.filter(article__in=ids):
        stored[row.article_id]["bylines"].append((row.author_id, row.agency_id, row.role))
    for row in RelatedLink.objects.filter(article__in=ids):
        stored[row.article_id]["related_links"].append((row.target_id, row.url, row.title))
    tagged = TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Article), object_id__in=ids
    ).values_list("object_id", "tag__name")
    for object_id, name in tagged:
        stored[object_id]["tags"].add(name)
    return stored

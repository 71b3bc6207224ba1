"""
Writing articles: the one path every door takes (admin form, list actions, import, restore,
shell). `articles_save()` checks who may do what, validates, writes any number of articles
with their bylines, "Read more" links, tags and corrections in a fixed number of queries, and
records each change for the after-commit announcement (`events`). Nothing is written when it
raises.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles import permissions, revisions, text
from articles.models import Article, Byline, Correction, RelatedLink
from articles.services import events
from articles.services.redirects import article_slug_changed
from articles.services.rows import article_row_clean, article_rows_check, rows_as_stored
from articles.validators import validate_tag_name
from newsroom.db import insert_rows

# Relations are given as saved objects (chosen in a form, resolved by an import): model
# validation need not fetch them again, and the database refuses any that is not there.
_RELATIONS = ["section", "lead_photo", "created_by"]
_ROW_MODELS = {"bylines": Byline, "related_links": RelatedLink}


@dataclass
class ArticleInput:
    """
    One article to write: the instance with its new values, and what hangs off it. A row
    list or tags left None stays as stored. `version` is the token of the form the article was
    edited in (`revisions.version()`): a save over a newer one is refused.
    """

    article: Article
    bylines: Sequence[Byline] | None = None
    related_links: Sequence[RelatedLink] | None = None
    tags: Sequence[str] | None = None
    # New corrections: a wording is timed now and shows the article as updated; a Correction
    # not saved yet keeps its own time (one carried over by an import).
    corrections: Sequence[str | Correction] = ()
    substantive: bool = False
    version: str | None = None
    # What the change is announced as; by default derived from what it does. Only
    # Action.LIFT_EMBARGO may bring a running embargo forward (article_lift_embargo()).
    action: str | None = None
    # Said of the change in the audit log (why an embargo was lifted).
    note: str = ""
    # The digest of the fixture record imported (an import's door only); any other save clears
    # it, so an unchanged record is known unchanged without comparing anything.
    fingerprint: str = ""
    # Filled in by the write path.
    stored: Article | None = field(default=None, repr=False)
    changed: list[str] = field(default_factory=list, repr=False)


class StaleSave(ValidationError):
    """Someone saved the article since the form being saved was opened."""


@transaction.atomic
def article_save(*, article: Article, user=None, **values) -> Article:
    """
    Save one article and, where given, its bylines, related links, tags and new corrections
    (see ArticleInput). Raises PermissionDenied when `user` may not (None is the system),
    StaleSave when `version` is out of date, ValidationError when anything is invalid.
    """
    articles_save(items=[ArticleInput(article=article, **values)], user=user)
    return article


@transaction.atomic
def articles_save(*, items: Sequence[ArticleInput], user=None) -> list[Article]:
    """
    Save every article of `items` with what hangs off it, in one transaction and a fixed
    number of queries however many there are. Raises as article_save() does, on the first
    article refused; nothing is written then.
    """
    items = list(items)
    now = timezone.now()
    load_stored(items)
    _drop_unchanged_rows(items)
    for item in items:
        problems = prepare(item, user=user, now=now)
        if problems:
            raise problems
    _check_unique_slugs(items)
    write(items, user=user, now=now)
    return [item.article for item in items]


def load_stored(items):
    """Each existing article as stored, locked until the transaction ends: one query."""
    ids = [item.article.pk for item in items if item.article.pk]
    # The lead photo comes along: validation reads its alt text. Only the article rows are locked.
    locked = Article.objects.select_for_update(of=("self",)).select_related("lead_photo")
    stored = locked.in_bulk(ids) if ids else {}
    for item in items:
        if item.article.pk:
            item.stored = stored.get(item.article.pk)
            if item.stored is None:
                raise ValidationError(f"“{item.article}” was deleted meanwhile.", code="gone")


def prepare(item, *, user, now):
    """Check, derive and validate one article and its rows; return the refusal or None."""
    article, stored = item.article, item.stored
    refusal = permissions.article_save_refusal(user, article, stored)
    if refusal:
        return PermissionDenied(refusal)
    if (
        stored is not None
        and item.version is not None
        and revisions.version(stored) != item.version
    ):
        message = revisions.stale_save_message(article=stored, form_version=item.version)
        return StaleSave(message, code="stale")
    if embargo_brought_forward(article, stored, now) and item.action != events.Action.LIFT_EMBARGO:
        until = timezone.localtime(stored.embargoed_until).strftime("%d %b %Y %H:%M %Z")
        return ValidationError(
            {
                "embargoed_until": f"The story is under embargo until {until}. Only lifting the "
                "embargo, which is recorded, can bring it forward."
            },
            code="embargo",
        )
    if stored is None and article.created_by_id is None and user is not None:
        article.created_by = user
    article.import_fingerprint = item.fingerprint
    if item.substantive or any(isinstance(given, str) for given in item.corrections):
        article_mark_updated(article=article, at=now, save=False)
    article.derive()
    try:
        article.full_clean(exclude=_RELATIONS, validate_unique=False, validate_constraints=False)
        for name, model in _ROW_MODELS.items():
            rows = getattr(item, name)
            if rows is not None:
                for position, row in enumerate(rows):
                    row.position = position
                    try:
                        article_row_clean(row=row)
                    except ValidationError as error:
                        where = f"{name}[{position + 1}]"
                        raise ValidationError(
                            {
                                f"{where}.{field}" if field != NON_FIELD_ERRORS else where: messages
                                for field, messages in error.message_dict.items()
                            }
                        ) from None
                try:
                    article_rows_check(article=article, model=model, rows=rows)
                except ValidationError as error:
                    where = f"{name}[{error.params['row'] + 1}]"
                    raise ValidationError({where: error.messages}) from None
        if item.tags is not None:
            try:
                item.tags = [text.clean(name, multiline=False) for name in item.tags]
                for name in item.tags:
                    validate_tag_name(name)
            except ValidationError as error:
                raise ValidationError({"tags": error.messages}) from None
        item.corrections = [_correction(given, article, user, now) for given in item.corrections]
        for number, correction in enumerate(item.corrections, start=1):
            try:
                correction.full_clean(exclude=["article", "created_by"])
            except ValidationError as error:
                raise ValidationError(
                    {f"corrections[{number}].{name}": m for name, m in error.message_dict.items()}
                ) from None
    except ValidationError as error:
        return error
    item.changed = _changed_fields(item)
    return None


def _correction(given, article, user, now):
    """A correction to write with `article`, from a wording (timed now) or one carried over."""
    if isinstance(given, str):
        wording = correction_wording(given)
        return Correction(article=article, text=wording, published_at=now, created_by=user)
    given.article, given.text = article, correction_wording(given.text)
    return given


def correction_wording(value: str) -> str:
    """A correction's text as it is stored: clean, without blank space around it."""
    return text.clean(value).strip()


def embargo_brought_forward(article, stored, now) -> bool:
    """Whether saving `article` over `stored` ends a running embargo earlier than it was set."""
    running = stored is not None and stored.embargoed_until and stored.embargoed_until > now
    return bool(running) and (
        article.embargoed_until is None or article.embargoed_until < stored.embargoed_until
    )


def _drop_unchanged_rows(items):
    """Rows and tags given as they are stored are left alone: neither rewritten nor reported."""
    given = [item for item in items if item.stored is not None and _gives_rows(item)]
    if not given:
        return
    stored = rows_as_stored([item.stored for item in given])
    for item in given:
        rows = stored[item.stored.pk]
        if item.bylines is not None and rows["bylines"] == [
            (row.author_id, row.agency_id, row.role) for row in item.bylines
        ]:
            item.bylines = None
        if item.related_links is not None and rows["related_links"] == [
            (row.target_id, row.url, row.title) for row in item.related_links
        ]:
            item.related_links = None
        if item.tags is not None and rows["tags"] == set(item.tags):
            item.tags = None


def _gives_rows(item):
    return any(rows is not None for rows in (item.bylines, item.related_links, item.tags))


def _check_unique_slugs(items):
    """Each slug once among `items` and the stored articles: one query."""
    by_slug = {}
    for item in items:
        slug = item.article.slug
        if slug in by_slug:
            raise ValidationError({"slug": f"“{slug}” is given to two articles."})
        by_slug[slug] = item.article.pk
    taken = Article.objects.filter(slug__in=by_slug).values_list("slug", "pk")
    for slug, pk in taken:
        if by_slug[slug] != pk:
            raise ValidationError({"slug": f"Another article already has the address “{slug}”."})


def _changed_fields(item):
    """Names of the fields, rows and tags `item` changes (all of them for a new article)."""
    article, stored = item.article, item.stored
    names = [
        f.attname
        for f in Article._meta.concrete_fields
        if f.attname not in ("id", "created_at", "modified_at", "import_fingerprint")
        and (stored is None or getattr(article, f.attname) != getattr(stored, f.attname))
    ]
    names = [name.removesuffix("_id") for name in names]
    for name in ("bylines", "related_links", "tags"):
        if getattr(item, name) is not None:
            names.append(name)
    if item.corrections:
        names.append("corrections")
    return names


def write(items, *, user, now):
    """
    Write prepared `items`: new articles in one INSERT, changed ones in one UPDATE (per batch
    the database takes), their rows and tags, new corrections; and record each change.
    """
    new = [item.article for item in items if item.stored is None]
    old = [item.article for item in items if item.stored is not None]
    for article in new:
        article.created_at = article.modified_at = now
    for article in old:
        article.modified_at = now
    Article.objects.bulk_create(new)
    fields = {name for item in items if item.stored is not None for name in item.changed}
    columns = [f.name for f in Article._meta.concrete_fields if f.name in fields]
    if old:
        Article.objects.bulk_update(old, [*columns, "modified_at", "import_fingerprint"])
    for name, model in _ROW_MODELS.items():
        _rows_replace(model, [(item.article, getattr(item, name)) for item in items])
    _tags_replace([(item.article, item.tags) for item in items if item.tags is not None])
    # A new article's corrections take its id from the object here (it has one by now).
    corrections = [correction for item in items for correction in item.corrections]
    Correction.objects.bulk_create(corrections)
    for item in items:
        stored = item.stored
        if stored is not None and stored.slug != item.article.slug:
            article_slug_changed(article=item.article, old_slug=stored.slug)
        events.record(
            instance=item.article,
            action=_action(item),
            user=user,
            fields=item.changed,
            note=item.note,
        )
    for correction in corrections:
        events.record(instance=correction, action=events.Action.CORRECT, user=user)


def _action(item):
    article, stored = item.article, item.stored
    if item.action:
        return item.action
    if stored is None:
        return events.Action.CREATE
    if article.status != stored.status or article.publish_at != stored.publish_at:
        if article.status == Article.Status.UNPUBLISHED:
            return events.Action.UNPUBLISH
        if article.is_scheduled:
            return events.Action.SCHEDULE
        if article.is_published:
            return events.Action.PUBLISH
    return events.Action.CHANGE


def _rows_replace(model, pairs):
    """
    Make the given rows the articles' bylines or related links, in order: the old rows of those
    articles go in one query, the new come in one. Written anew, so swapping two rows never
    meets a uniqueness rule halfway. Pairs whose rows are None are left alone.
    """
    pairs = [(article, rows) for article, rows in pairs if rows is not None]
    if not pairs:
        return
    model.objects.filter(article__in=[article.pk for article, _ in pairs]).delete()
    relations = [f.name for f in model._meta.fields if f.is_relation and f.name != "article"]
    columns = ["article_id", "position", *(f"{name}_id" for name in relations)]
    plain = [f.attname for f in model._meta.concrete_fields if f.attname not in (*columns, "id")]
    values = []
    for article, rows in pairs:
        for position, row in enumerate(rows):
            # A target or author saved in this same write has its id only now.
            related = [_related_id(row, name) for name in relations]
            values.append((article.pk, position, *related, *(getattr(row, n) for n in plain)))
    insert_rows(model, [*columns, *plain], values)


def _related_id(row, name):
    """The id `row` names in relation `name`: its own, else that of the object it holds."""
    value = getattr(row, f"{name}_id")
    if value is None and row._meta.get_field(name).is_cached(row):
        related = getattr(row, name)
        value = related.pk if related is not None else None
    return value


def _tags_replace(pairs):
    """Give each article exactly the named tags, creating the tags new to the site."""
    if not pairs:
        return
    content_type = ContentType.objects.get_for_model(Article)
    names = {name for _, tags in pairs for name in tags}
    found = {tag.name: tag for tag in Tag.objects.filter(name__in=names)} if names else {}
    missing = sorted(names - set(found))
    if missing:
        slugs = {Tag().slugify(name): name for name in missing}
        taken = set(Tag.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        plain = [Tag(name=name, slug=slug) for slug, name in slugs.items() if slug not in taken]
        for tag in Tag.objects.bulk_create(plain):
            found[tag.name] = tag
        for name in set(missing) - set(found):
            # A slug two names share ("Kyiv", "kyiv"): taggit makes it unique one by one.
            found[name] = Tag.objects.create(name=name)
    TaggedItem.objects.filter(
        content_type=content_type, object_id__in=[article.pk for article, _ in pairs]
    ).delete()
    insert_rows(
        TaggedItem,
        ["tag_id", "content_type_id", "object_id"],
        [
            (found[name].pk, content_type.pk, article.pk)
            for article, tags in pairs
            for name in sorted(set(tags))
        ],
    )


def article_mark_updated(*, article: Article, at: datetime | None = None, save=True) -> Article:
    """
    Record a substantive change: readers see "Updated" with this time (default now). Nothing
    changes for an article that has not been published yet, whose publication time comes later.
    With `save`, the article is saved through the write path.
    """
    at = at or timezone.now()
    if article.first_published_at is None or at <= article.first_published_at:
        return article
    article.last_updated_at = at
    if save:
        article_save(article=article)
    return article


@transaction.atomic
def article_correction_add(*, article: Article, text: str, user=None) -> Correction:
    """
    Append a correction to `article`, timed now, and show readers the article as updated
    then: a correction always matters to them. Raises ValidationError for an empty text.
    """
    article_save(article=article, corrections=[text], user=user)
    return article.corrections.order_by("-published_at", "-pk").first()


__all__ = [
    "ArticleInput",
    "correction_wording",
    "StaleSave",
    "article_correction_add",
    "article_mark_updated",
    "article_save",
    "articles_refusals",
    "articles_save",
    "rows_as_stored",
]


def articles_refusals(*, items: Sequence[ArticleInput], user=None) -> list[tuple[int, Exception]]:
    """
    Why each of `items` may not be written, as (index, PermissionDenied, StaleSave or
    ValidationError), writing nothing: for a door that lists every problem (an import) after
    articles_save() refused one.
    """
    items = list(items)
    load_stored(items)
    now = timezone.now()
    refusals = []
    for index, item in enumerate(items):
        refusal = prepare(item, user=user, now=now)
        if refusal is not None:
            refusals.append((index, refusal))
    return refusals

"""
The write side of the newsroom. Every function is keyword-only, validates with `full_clean()`
before saving, runs in one transaction, and raises `ValidationError` for anything an editor
can fix; nothing is written when it raises.
"""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from articles.models import Article

# Rows being reordered are first moved out of the way by this much, so that swapping two
# positions never trips the unique (article, position) constraint halfway through.
_REORDER_OFFSET = 10_000


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
    """Keep the old address of a renamed article working with a permanent redirect."""
    if not old_slug or old_slug == article.slug:
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


@transaction.atomic
def article_rows_save(
    *,
    article: Article,
    model: type[models.Model],
    ordered: Iterable[models.Model],
    deleted: Iterable[models.Model] = (),
) -> None:
    """
    Save an article's ordered rows (bylines or related links): delete `deleted`, then give
    the rows in `ordered` the positions 0, 1, 2, ... in that order.
    """
    ordered = list(ordered)
    for row in deleted:
        if row.pk:
            row.delete()
    model.objects.filter(article=article).update(position=F("position") + _REORDER_OFFSET)
    for position, row in enumerate(ordered):
        row.article = article
        row.position = position
        row.full_clean()
        row.save()

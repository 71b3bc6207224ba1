"""
The editorial workflow's bulk steps: publishing, scheduling, unpublishing and deleting
articles, each through the write path (`articles_save()`'s checks and writes), reporting the
articles it may not change with their reasons.
"""

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from articles import permissions
from articles.models import Article
from articles.services import events
from articles.services.articles import ArticleInput, load_stored, prepare, write


@dataclass
class BulkOutcome:
    """What a list action did: the articles changed, and why each other one was not."""

    done: list[Article] = field(default_factory=list)
    refused: list[tuple[Article, list[str]]] = field(default_factory=list)


@transaction.atomic
def articles_publish(
    *, articles: Sequence[Article], user=None, publish_at: datetime | None = None
) -> BulkOutcome:
    """
    Publish `articles` at `publish_at` (default: each one's own publish time if it has one,
    else now); a future time schedules them. Those not fit to publish are left as they are and
    reported, with their reasons. Raises PermissionDenied when `user` may not publish.
    """
    if not permissions.can_publish(user):
        raise PermissionDenied(permissions.REFUSED_PUBLISHING)
    now = timezone.now()

    def change(article):
        article.status = Article.Status.PUBLISHED
        article.publish_at = publish_at or article.publish_at or now

    return _apply(articles, change, user=user)


@transaction.atomic
def articles_unpublish(*, articles: Sequence[Article], user=None) -> BulkOutcome:
    """
    Take `articles` off the public site; their publication history is kept. Raises
    PermissionDenied when `user` may not unpublish.
    """
    if not permissions.can_publish(user):
        raise PermissionDenied("You may not unpublish articles.")

    def change(article):
        article.status = Article.Status.UNPUBLISHED

    return _apply(articles, change, user=user)


def article_publish(*, article: Article, publish_at: datetime | None = None, user=None) -> Article:
    """Publish one article (see articles_publish()); raises ValidationError when it is not fit."""
    outcome = articles_publish(articles=[article], publish_at=publish_at, user=user)
    if outcome.refused:
        raise ValidationError(outcome.refused[0][1])
    return article


def article_unpublish(*, article: Article, user=None) -> Article:
    """Unpublish one article (see articles_unpublish())."""
    outcome = articles_unpublish(articles=[article], user=user)
    if outcome.refused:
        raise ValidationError(outcome.refused[0][1])
    return article


def _apply(articles, change, *, user):
    """Change each article as `change` says and write those still valid, in one go."""
    items = [ArticleInput(article=article) for article in articles]
    load_stored(items)
    now, outcome, valid = timezone.now(), BulkOutcome(), []
    for item in items:
        # The stored row, not the caller's copy: a list action acts on what is saved.
        item.article = item.stored
        item.stored = copy.copy(item.stored)
        change(item.article)
        refusal = prepare(item, user=user, now=now)
        if refusal is None:
            valid.append(item)
            outcome.done.append(item.article)
        else:
            outcome.refused.append((item.article, _messages(refusal)))
    write(valid, user=user, now=now)
    # The caller's objects show what was written.
    for article, item in zip(articles, items, strict=True):
        if item in valid:
            for name in ("status", "publish_at", "first_published_at", "modified_at"):
                setattr(article, name, getattr(item.article, name))
    return outcome


@transaction.atomic
def article_lift_embargo(*, article: Article, user=None, reason: str = "") -> Article:
    """
    End the embargo on `article` now, before its time: the story goes live at once if it is
    published and its publish time has come. Recorded in the audit log with `reason`. Raises
    PermissionDenied when `user` may not (an editor's decision, like publishing), and
    ValidationError when no embargo is running.
    """
    if not permissions.can_publish(user):
        raise PermissionDenied("Only editors may lift an embargo.")
    items = [ArticleInput(article=article)]
    load_stored(items)
    item = items[0]
    now = timezone.now()
    if not item.stored.is_embargoed:
        raise ValidationError({"embargoed_until": "The story is under no embargo."})
    item.article = copy.copy(item.stored)
    # Ended now, not forgotten: the revision and the page keep when and on what terms.
    item.article.embargoed_until = now
    item.action = events.Action.LIFT_EMBARGO
    item.note = " ".join(reason.split())[:300]
    refusal = prepare(item, user=user, now=now)
    if refusal is not None:
        raise refusal
    write(items, user=user, now=now)
    for name in ("embargoed_until", "first_published_at", "modified_at"):
        setattr(article, name, getattr(item.article, name))
    return article


def _messages(error):
    return error.messages if isinstance(error, ValidationError) else [str(error)]


@transaction.atomic
def article_delete(*, article: Article, user=None) -> None:
    """
    Delete `article` with its rows and revisions. Raises PermissionDenied when `user` may
    not (permissions.can_delete()).
    """
    if not permissions.can_delete(user, article):
        raise PermissionDenied("You may not delete this article.")
    pk, label = article.pk, str(article)
    article.delete()
    article.pk = pk
    events.record(instance=article, action=events.Action.DELETE, user=user, note=label)

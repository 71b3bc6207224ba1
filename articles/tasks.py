"""
Background work on Django's Tasks API (the django-tasks backport): photo renditions, the
search index, and telling front caches (and, when it failed after the change, the page
cache) what is stale.

A task runs in a worker (`manage.py db_worker`, or RQ's in production: see README.md), after
the change that asked for it has committed. It loads what it works on by id, so a task whose
row was deleted meanwhile does nothing, and it is idempotent: running it again makes nothing
new. django-tasks does not retry: a task that did not get its work done enqueues itself again
with a growing delay, and after RETRY_ATTEMPTS attempts it raises, so the queue records it as
failed (for the database queue, in the admin's "Task Results").
"""

import logging
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django_tasks import task

from articles import caching, renditions, services
from articles.caching import front
from articles.models import Photo

logger = logging.getLogger(__name__)

# Attempts in all, and the wait before the second; each further wait is twice the last
# (30 s, 1 min, 2 min): enough for a storage or a locked SQLite database to come back.
RETRY_ATTEMPTS = 4
RETRY_DELAY = timedelta(seconds=30)


class RenditionsNotMade(Exception):
    """A photo still lacks renditions after its last attempt."""


@task()
def photo_renditions_make(photo_id: int, attempt: int = 1) -> int:
    """
    Make the renditions photo `photo_id` lacks and record them in its manifest; returns the
    number of files written (0 when all exist, or the photo is gone). While renditions are
    missing (a failing storage or database; an unreadable image) it enqueues itself again as
    attempt `attempt + 1`, and the last attempt raises RenditionsNotMade, or the error.
    """
    try:
        photo = Photo.objects.filter(pk=photo_id).first()
        if photo is None or not photo.image:
            return 0
        written = services.photo_renditions_make(photo=photo)
    except (DatabaseError, OSError) as error:
        _again(photo_renditions_make, attempt, error, photo_id, what=_renditions(photo_id))
        return 0
    if not renditions.complete(photo):
        # The service logged why; an unreadable image fails the same way after a few tries.
        missing = RenditionsNotMade(f"Photo {photo_id} has no full renditions.")
        _again(photo_renditions_make, attempt, missing, photo_id, what=_renditions(photo_id))
    return written


def photo_renditions_enqueue(*, photo_ids: Iterable[int]) -> None:
    """
    Enqueue photo_renditions_make once for each photo in `photo_ids`, when the current
    transaction commits (at once outside one): a worker must find the photo committed, or it
    would skip it as deleted. Call it after commit, as the write path's subscribers run. Raises
    what the queue raises when it cannot take a task (Redis is down); those photos show no
    image until `manage.py make_renditions` is run.
    """
    for photo_id in dict.fromkeys(photo_ids):
        transaction.on_commit(partial(photo_renditions_make.enqueue, photo_id, attempt=1))


@task()
def pages_stale(keys: list[str], cache: bool = False, attempt: int = 1) -> int:
    """
    Purge `keys` from the front caches, and with `cache` make them stale in the page cache
    too (which failed when the change was announced); returns the purge requests sent. Until
    all of it is done it enqueues itself again, and the last attempt raises.
    """
    try:
        if cache:
            caching.keys_stale(keys)
            cache = False
        return front.front_caches_purge(keys)
    except (caching.CacheUnavailable, front.PurgeFailed) as error:
        what = f"Stale pages ({len(keys)} key(s)) not purged"
        _again(pages_stale, attempt, error, keys, cache=cache, what=what)
        return 0


def pages_stale_enqueue(*, keys: Iterable[str], cache: bool = False) -> None:
    """
    Have pages_stale() purge `keys` from the front caches (if any are configured), and with
    `cache` from the page cache too; after the current transaction commits.
    """
    keys = sorted(set(keys))
    if keys and (cache or settings.NEWSROOM_FRONT_CACHE_URLS):
        transaction.on_commit(partial(pages_stale.enqueue, keys, cache=cache))


@task()
def search_index_update(article_ids: list[int], attempt: int = 1) -> int:
    """
    Index these articles for site search as they now are (those deleted leave the index);
    returns how many were indexed. A failing database is tried again, as renditions are.
    """
    try:
        return services.articles_search_index(article_ids=article_ids)
    except DatabaseError as error:
        what = f"Search index of {len(article_ids)} article(s) not updated"
        _again(search_index_update, attempt, error, article_ids, what=what)
        return 0


def search_index_enqueue(*, article_ids: Iterable[int]) -> None:
    """Have search_index_update() index these articles, after the current transaction commits."""
    ids = sorted(set(article_ids))
    if ids:
        transaction.on_commit(partial(search_index_update.enqueue, ids, attempt=1))


def _renditions(photo_id):
    return f"Renditions of photo {photo_id} not made"


def _again(to_run, attempt, error, *args, what, **kwargs):
    """
    Enqueue task `to_run` with `args` and `kwargs` as attempt `attempt + 1`, after its delay,
    logging `what` was not done; raise `error` when `attempt` was the last one.
    """
    if attempt >= RETRY_ATTEMPTS:
        raise error
    delay = RETRY_DELAY * 2 ** (attempt - 1)
    logger.warning(
        "%s (attempt %s of %s; trying again in %s): %s",
        what,
        attempt,
        RETRY_ATTEMPTS,
        delay,
        error,
    )
    _later(to_run, delay).enqueue(*args, **kwargs, attempt=attempt + 1)


def _later(to_run, delay):
    """`to_run` to be run after `delay`, where the queue can wait."""
    if delay and to_run.get_backend().supports_defer:
        return to_run.using(run_after=timezone.now() + delay)
    return to_run

"""
Which content rows a piece of code loaded: the page cache asks while a page is built, so a
page knows the objects it shows (articles.caching). Recording is off unless asked for; the
models know nothing of caches.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.db.models.signals import post_init
from taggit.models import Tag

_loaded: ContextVar[set[tuple[str, object]] | None] = ContextVar("newsroom_loaded", default=None)


@contextmanager
def loads_recorded(*, passed_on: bool = True) -> Iterator[set[tuple[str, object]]]:
    """
    Record (model label, pk) of every content row loaded inside, into the set yielded; and,
    inside another recording (a fragment built for a page), into that one's too, unless not
    `passed_on`.
    """
    loaded: set[tuple[str, object]] = set()
    outer = _loaded.get()
    token = _loaded.set(loaded)
    try:
        yield loaded
    finally:
        _loaded.reset(token)
        if outer is not None and passed_on:
            outer |= loaded


def record(rows: Iterable[tuple[str, object]]) -> None:
    """Record rows as loaded (a fragment kept built shows them): (model label, pk) pairs."""
    loaded = _loaded.get()
    if loaded is not None:
        loaded.update(rows)


def loaded_with(instance: models.Model) -> set[tuple[str, object]]:
    """
    (model label, pk) of `instance` and of every row loaded with it: through select_related
    and prefetch_related, however deep. What one object of a batch shows, told apart.
    """
    rows, seen, todo = set(), set(), [instance]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if current.pk is not None:
            rows.add((current._meta.label_lower, current.pk))
        todo.extend(obj for obj in current._state.fields_cache.values() if obj is not None)
        for prefetched in getattr(current, "_prefetched_objects_cache", {}).values():
            todo.extend(prefetched)
    return rows


def _record(label, pk):
    loaded = _loaded.get()
    if loaded is not None and pk is not None:
        loaded.add((label, pk))


class RecordedModel(models.Model):
    """A model whose rows, loaded from the database, are recorded (see loads_recorded())."""

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        _record(cls._meta.label_lower, instance.pk)
        return instance


def _tag_loaded(sender, instance, **kwargs):
    # Tags are taggit's model: recorded as they are made, which loading one does.
    _record("taggit.tag", instance.pk)


post_init.connect(_tag_loaded, sender=Tag, dispatch_uid="newsroom-tag-loaded")

"""
Which content rows a piece of code loaded: the page cache asks while a page is built, so a
page knows the objects it shows (articles.caching). Recording is off unless asked for; the
models know nothing of caches.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.db.models.signals import post_init
from taggit.models import Tag

_loaded: ContextVar[set[tuple[str, object]] | None] = ContextVar("newsroom_loaded", default=None)


@contextmanager
def loads_recorded() -> Iterator[set[tuple[str, object]]]:
    """Record (model label, pk) of every content row loaded inside, into the set yielded."""
    loaded: set[tuple[str, object]] = set()
    token = _loaded.set(loaded)
    try:
        yield loaded
    finally:
        _loaded.reset(token)


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

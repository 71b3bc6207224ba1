"""
Any saved or deleted thing that readers can see makes cached pages stale. Tags follow their
TaggedItem rows; writes that send no signal (bulk_create, update) call caching themselves.
"""

from django.db.models.signals import post_delete, post_save
from taggit.models import Tag, TaggedItem

from articles import caching
from articles.models import (
    Agency,
    Article,
    Author,
    Byline,
    Correction,
    Photo,
    RelatedLink,
    Section,
)

SHOWN_ON_PAGES = [
    Article,
    Byline,
    RelatedLink,
    Correction,
    Photo,
    Section,
    Author,
    Agency,
    Tag,
    TaggedItem,
]


def content_changed(sender, **kwargs):
    caching.content_changed()


def connect():
    for model in SHOWN_ON_PAGES:
        post_save.connect(content_changed, sender=model, dispatch_uid=f"pages-{model.__name__}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"pages-{model.__name__}")
